import { inspect } from 'node:util';
import { isUniqueViolation } from '../common/errors/prisma-errors.js';
import type { PrismaService } from '../database/prisma.service.js';
import type { Tx } from '../database/transactions.js';
import { ApiKeysRepository, type NewApiKey } from './api-keys.repository.js';

const HASH = '$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';
const KEY: NewApiKey = { id: 'k', userId: 'u', keyPrefix: 'rrk_0', secretHash: HASH, labels: {}, expiresAt: null };

/** What Prisma throws: a message and meta that print the query's arguments. */
function prismaFailure(code: string): Error {
  const error = new Error(`Invalid \`prisma.apiKey.create()\` invocation: { data: { secretHash: "${HASH}" } }`);
  return Object.assign(error, { name: 'PrismaClientKnownRequestError', code, meta: { args: { secretHash: HASH } } });
}

describe('ApiKeysRepository', () => {
  it('rethrows a failed create without the secret hash, keeping what callers branch on', async () => {
    const tx = { apiKey: { create: () => Promise.reject(prismaFailure('P2002')) } } as unknown as Tx;
    const thrown = await new ApiKeysRepository({} as PrismaService).create(tx, KEY).catch((error: unknown) => error);
    expect(inspect(thrown, { depth: 10 }) + JSON.stringify(thrown)).not.toContain(HASH);
    expect(isUniqueViolation(thrown)).toBe(true);
  });
});
