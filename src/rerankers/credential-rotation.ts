import type { AuditActor } from '../audit/audit-actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Transactions } from '../database/transactions.js';
import type { Reranker } from '../generated/prisma/client.js';
import type { RerankersRepository } from './rerankers.repository.js';
import { CredentialDecryptionError, type CredentialCipher, type Sealed } from '../credentials/credential-cipher.js';

export interface RotationResult {
  rotated: number;
  /** Changed by someone else between read and write; their write is already under the active key. */
  skipped: number;
  /** Rerankers whose secret no configured key decrypts: left as they are, for an operator to re-supply. */
  undecryptable: string[];
}

/** What a rotation works with: each re-encryption commits together with its audit event. */
export interface RotationTools {
  readonly rerankers: RerankersRepository;
  readonly cipher: CredentialCipher;
  readonly transactions: Transactions;
  readonly audit: AuditLog;
}

const BATCH = 500;

/** Re-encrypts every inline secret that is not yet under the active key; one bad row never stops the rest. */
export async function rotateCredentials(tools: RotationTools, actor: AuditActor): Promise<RotationResult> {
  const { rerankers, cipher } = tools;
  const result: RotationResult = { rotated: 0, skipped: 0, undecryptable: [] };
  let afterId: string | undefined;
  for (;;) {
    const batch = await rerankers.findSealedUnderOtherKey(cipher.activeKeyId, afterId, BATCH);
    if (batch.length === 0) return result;
    for (const row of batch) {
      const previous = { ciphertext: row.credentialsCiphertext!, keyId: row.credentialsKeyId! };
      const binding = { rerankerId: row.id, ownerId: row.ownerId };
      let plaintext: string;
      try {
        plaintext = cipher.decrypt(previous, binding);
      } catch (error) {
        if (!(error instanceof CredentialDecryptionError)) throw error;
        result.undecryptable.push(row.id);
        continue;
      }
      if (await reEncrypt(tools, actor, row, previous, cipher.encrypt(plaintext, binding))) result.rotated++;
      else result.skipped++;
    }
    afterId = batch[batch.length - 1]!.id;
  }
}

/** Replaces the sealed secret and records which key seals it now; false when the row changed meanwhile. */
function reEncrypt(tools: RotationTools, actor: AuditActor, row: Reranker, previous: Sealed, next: Sealed): Promise<boolean> {
  return tools.transactions.run(async (tx) => {
    if (!(await tools.rerankers.replaceSealedSecret(tx, row.id, previous, next))) return false;
    await tools.audit.record(tx, {
      actor,
      action: 'secrets.rotate',
      target: { type: 'reranker', id: row.id, ownerId: row.ownerId },
      before: { encryptionKeyId: previous.keyId },
      after: { encryptionKeyId: next.keyId },
    });
    return true;
  });
}
