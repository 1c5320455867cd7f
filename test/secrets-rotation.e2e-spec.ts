import { commandLineActor } from '../src/audit/audit-actor.js';
import { AuditLog } from '../src/audit/audit-log.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { Transactions } from '../src/database/transactions.js';
import { CredentialCipher } from '../src/credentials/credential-cipher.js';
import { rotateCredentials, type RotationResult } from '../src/rerankers/credential-rotation.js';
import { RerankersRepository } from '../src/rerankers/rerankers.repository.js';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const KEY_OLD = Buffer.alloc(32, 11).toString('base64');
const KEY_NEW = Buffer.alloc(32, 22).toString('base64');
const FINGERPRINT_KEY = Buffer.alloc(32, 33).toString('base64');
const keys = (value: string) => ({ SECRETS_ENCRYPTION_KEY: value, SECRETS_FINGERPRINT_KEY: FINGERPRINT_KEY });

describe('encryption key rotation', () => {
  let db: TestDatabase;
  let app: TestApp | undefined;
  /** The database is shared by the tests: the system is initialized once. */
  let root: Actor | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await app?.stop();
    await db.drop();
  });

  async function restartWith(value: string): Promise<TestApp> {
    await app?.stop();
    app = await startTestApp(keys(value), db);
    return app;
  }

  function rotate(t: TestApp): Promise<RotationResult> {
    const tools = { rerankers: t.app.get(RerankersRepository), cipher: t.app.get(CredentialCipher), transactions: t.app.get(Transactions), audit: t.app.get(AuditLog) };
    return rotateCredentials(tools, commandLineActor());
  }

  async function decryptAll(t: TestApp): Promise<Map<string, string>> {
    const rows = await t.app.get(PrismaService).reranker.findMany({ where: { credentialsCiphertext: { not: null } } });
    const cipher = t.app.get(CredentialCipher);
    return new Map(
      rows.map((row) => [
        row.id,
        cipher.decrypt({ ciphertext: row.credentialsCiphertext!, keyId: row.credentialsKeyId! }, { rerankerId: row.id, ownerId: row.ownerId }),
      ]),
    );
  }

  it('re-encrypts every credential under the new key and keeps every reranker usable and unique', async () => {
    let t = await restartWith(`old:${KEY_OLD}`);
    root ??= await initRoot(t.server);
    const member = await createActor(t.server, root);
    const secrets = ['secret-alpha-0001', 'secret-beta-0002', 'secret-gamma-0003'];
    const bodies = secrets.map((secret) => rerankerBody({ credentials: inlineCredentials(secret) }));
    for (const body of bodies) await as(t.server, member).post('/v1/rerankers').send(body).expect(201);
    await as(t.server, member).post('/v1/rerankers').send(rerankerBody()).expect(201);
    const before = await decryptAll(t);
    const fingerprints = await t.app.get(PrismaService).reranker.findMany({ select: { id: true, credentialsFingerprint: true } });

    t = await restartWith(`new:${KEY_NEW},old:${KEY_OLD}`);
    const result = await rotate(t);
    expect(result).toEqual({ rotated: 3, skipped: 0, undecryptable: [] });
    expect(await rotate(t)).toEqual({
      rotated: 0,
      skipped: 0,
      undecryptable: [],
    });

    t = await restartWith(`new:${KEY_NEW}`);
    const rows = await t.app.get(PrismaService).reranker.findMany({ where: { credentialsCiphertext: { not: null } } });
    expect(rows.every((row) => row.credentialsKeyId === 'new')).toBe(true);
    expect(await decryptAll(t)).toEqual(before);
    expect([...before.values()].sort()).toEqual([...secrets].sort());
    const after = await t.app.get(PrismaService).reranker.findMany({ select: { id: true, credentialsFingerprint: true } });
    expect(after).toEqual(expect.arrayContaining(fingerprints));
    await as(t.server, member).post('/v1/rerankers').send(bodies[0]!).expect(409);
  });

  it('skips and reports a credential it cannot decrypt, and rotates the rest', async () => {
    let t = await restartWith(`old:${KEY_OLD}`);
    root ??= await initRoot(t.server);
    const member = await createActor(t.server, root);
    const ids: string[] = [];
    for (const secret of ['secret-one-00000001', 'secret-two-00000002', 'secret-six-00000003']) {
      const res = await as(t.server, member).post('/v1/rerankers').send(rerankerBody({ credentials: inlineCredentials(secret) })).expect(201);
      ids.push(res.body.rerankerId);
    }
    const broken = ids[1]!;
    const prisma = t.app.get(PrismaService);
    const row = await prisma.reranker.findUniqueOrThrow({ where: { id: broken } });
    // Sealed for another row: authentic ciphertext, wrong associated data (as an uppercase id once caused).
    await prisma.reranker.update({ where: { id: broken }, data: { credentialsCiphertext: `${row.credentialsCiphertext!.slice(0, -4)}AAAA` } });

    t = await restartWith(`new:${KEY_NEW},old:${KEY_OLD}`);
    const result = await rotate(t);
    expect(result.undecryptable).toEqual([broken]);
    expect(result.skipped).toBe(0);
    const rows = await t.app.get(PrismaService).reranker.findMany({ where: { id: { in: ids } } });
    expect(rows.filter((r) => r.credentialsKeyId === 'new').map((r) => r.id).sort()).toEqual(ids.filter((id) => id !== broken).sort());
    expect(rows.find((r) => r.id === broken)!.credentialsKeyId).toBe('old');
  });
});
