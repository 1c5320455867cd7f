import { randomUUID } from 'node:crypto';
import { insertUser, migrateAll, migrateUpTo, queryOn, unmigratedEngineForSuite } from './support/test-engine.js';

const DOCUMENTS_REQUESTED = '20261201000000_usage_documents_requested';

describe('migrations of usage rollups and audit events on existing rows', () => {
  const engineOf = unmigratedEngineForSuite();

  it('moves requested documents apart (calls not answered served none) and names the alias of every alias event', async () => {
    const engine = engineOf();
    await migrateUpTo(engine, DOCUMENTS_REQUESTED);
    const owner = randomUUID();
    await insertUser(engine, owner);
    const rollup = (outcome: string, documents: number) =>
      queryOn(
        engine,
        `INSERT INTO "usage_rollups" (minute, owner_id, api_key_id, reranker_id, alias_name, outcome, currency, calls, documents,
           upstream_requests, search_units, tokens, cost, latency_ms_sum, latency_ms_max)
         VALUES (now(), $1, $1, 'r', '', $2, '', 1, $3, 0, 0, 0, 0, 1, 1)`,
        [owner, outcome, documents],
      );
    await rollup('ok', 5);
    await rollup('degraded', 4);
    await rollup('rate_limited', 7);
    await rollup('upstream_error', 3);

    const [kept, deleted] = [randomUUID(), randomUUID()];
    await queryOn(
      engine,
      `INSERT INTO "aliases" (id, owner_id, name, updated_at, created_by_id, updated_by_id) VALUES ($1, $2, 'kept-alias', now(), $2, $2)`,
      [kept, owner],
    );
    const event = (action: string, targetId: string, diff: unknown, targetType = 'alias') =>
      queryOn(engine, `INSERT INTO "audit_events" (id, action, target_type, target_id, diff) VALUES ($1, $2, $3, $4, $5::jsonb)`, [
        randomUUID(),
        action,
        targetType,
        targetId,
        JSON.stringify(diff),
      ]);
    await event('alias.update', kept, { before: { description: null }, after: { description: 'x' } });
    await event('alias.create', deleted, { before: null, after: { name: 'gone-alias' } });
    await event('alias.update', deleted, { before: { description: null }, after: { description: 'y' } });
    await event('reranker.update', owner, { before: { displayName: 'a' }, after: { displayName: 'b' } }, 'reranker');

    await migrateAll(engine);

    const rollups = await queryOn<{ outcome: string; documents: string; documents_requested: string }>(
      engine,
      'SELECT outcome, documents::text, documents_requested::text FROM "usage_rollups" ORDER BY outcome',
    );
    expect(rollups).toEqual([
      { outcome: 'degraded', documents: '4', documents_requested: '4' },
      { outcome: 'ok', documents: '5', documents_requested: '5' },
      { outcome: 'rate_limited', documents: '0', documents_requested: '7' },
      { outcome: 'upstream_error', documents: '0', documents_requested: '3' },
    ]);
    const names = await queryOn<{ action: string; target_name: string | null }>(engine, 'SELECT action, target_name FROM "audit_events" ORDER BY target_type, target_name, action');
    expect(names).toEqual([
      { action: 'alias.create', target_name: 'gone-alias' },
      { action: 'alias.update', target_name: 'gone-alias' },
      { action: 'alias.update', target_name: 'kept-alias' },
      { action: 'reranker.update', target_name: null },
    ]);
    // The append-only trigger is back.
    await expect(queryOn(engine, `UPDATE "audit_events" SET "target_name" = 'x'`)).rejects.toThrow(/append-only/);
  });
});
