import { randomUUID } from 'node:crypto';
import { identityHash } from '../src/rerankers/identity-hash.js';
import { insertUser, migrateAll, migrateUpTo, queryOn, unmigratedEngineForSuite } from './support/test-engine.js';

const MIGRATION = '20261122010000_identity_hash';

describe(`migration ${MIGRATION} on existing rows`, () => {
  const engineOf = unmigratedEngineForSuite();

  it('backfills the identity hash the service computes, and who supplied a credential where that is certain', async () => {
    const engine = engineOf();
    await migrateUpTo(engine, MIGRATION);
    const [owner, admin] = [randomUUID(), randomUUID()];
    for (const id of [owner, admin]) await insertUser(engine, id);
    const rows = [
      { id: randomUUID(), model: 'plain', credentials: null, updatedBy: owner, setBy: null },
      { id: randomUUID(), model: 'quote" back\\slash é 😀', credentials: '{}', updatedBy: owner, setBy: owner },
      { id: randomUUID(), model: 'touched by an admin', credentials: '{}', updatedBy: admin, setBy: null },
    ];
    for (const row of rows) {
      await queryOn(
        engine,
        `INSERT INTO "rerankers" (id, owner_id, display_name, provider_type, endpoint_url, api_path, model_identifier,
           credentials, credentials_fingerprint, updated_at, created_by_id, updated_by_id)
         VALUES ($1, $2, 'r', 'COHERE', 'https://rerank.example.com/ü', '/v2/rerank', $3, $4::jsonb, 'fp', now(), $2, $5)`,
        [row.id, owner, row.model, row.credentials, row.updatedBy],
      );
    }

    await migrateAll(engine);

    for (const row of rows) {
      const [stored] = await queryOn<{ identity_hash: string; credentials_set_by_id: string | null; revision: number }>(
        engine,
        'SELECT identity_hash, credentials_set_by_id, revision FROM "rerankers" WHERE id = $1',
        [row.id],
      );
      const identity = {
        ownerId: owner,
        providerType: 'COHERE' as const,
        endpointUrl: 'https://rerank.example.com/ü',
        apiPath: '/v2/rerank',
        modelIdentifier: row.model,
        credentialsFingerprint: 'fp',
      };
      expect(stored).toEqual({ identity_hash: identityHash(identity), credentials_set_by_id: row.setBy, revision: 1 });
    }
  });
});
