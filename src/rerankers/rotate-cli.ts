import { commandLineActor } from '../audit/audit-actor.js';
import { AuditLog } from '../audit/audit-log.js';
import { AppConfig } from '../config/app-config.js';
import { createDatabaseEngine } from '../database/create-engine.js';
import { PrismaService } from '../database/prisma.service.js';
import { Transactions } from '../database/transactions.js';
import { RerankersRepository } from './rerankers.repository.js';
import { CredentialCipher } from '../credentials/credential-cipher.js';
import { rotateCredentials } from './credential-rotation.js';

/**
 * `npm run secrets:rotate`: put the new key first in SECRETS_ENCRYPTION_KEY (keep the old
 * ones after it), run this, then drop the old keys once it reports nothing left. Each
 * re-encryption writes a `secrets.rotate` audit event (no user or key; one request id per run).
 */
async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  const engine = await createDatabaseEngine(config.database);
  const prisma = new PrismaService(engine);
  try {
    const cipher = new CredentialCipher(config);
    const tools = { rerankers: new RerankersRepository(prisma), cipher, transactions: new Transactions(prisma), audit: new AuditLog() };
    const result = await rotateCredentials(tools, commandLineActor());
    console.log(`Re-encrypted ${result.rotated} credential(s) under key "${cipher.activeKeyId}"; ${result.skipped} changed meanwhile`);
    if (result.undecryptable.length > 0) {
      console.error(
        `${result.undecryptable.length} credential(s) could not be decrypted with any configured key and were left as they are; ` +
          `re-supply them (PATCH credentials) before dropping old keys: ${result.undecryptable.join(', ')}`,
      );
      process.exitCode = 2;
    }
  } finally {
    await prisma.$disconnect();
    await engine.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
