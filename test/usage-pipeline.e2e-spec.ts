import { randomUUID } from 'node:crypto';
import { PrismaService } from '../src/database/prisma.service.js';
import { UsageMeter } from '../src/usage/usage-meter.js';
import type { UsageRecord } from '../src/usage/usage-record.js';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Flushes only when a test asks (or at shutdown), so what is stored is what the test wrote. */
const ENV = { EGRESS_ALLOW_PRIVATE: 'true', USAGE_FLUSH_INTERVAL_MS: '3600000' };
const BIGINT_MAX = 9_223_372_036_854_775_807n;

const documents = (count: number) => Array.from({ length: count }, (_, i) => `document ${i} score=0.${i % 10}`);
const recently = () => ({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString(), granularity: 'day' });

/** A metric's value as scraped (0 when absent). */
function metric(text: string, series: string): number {
  const escaped = series.replace(/[{}"\\]/g, (c) => `\\${c}`);
  return Number(new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

describe('usage pipeline under hostile numbers', () => {
  let t: TestApp;
  let root: Actor;
  let liar: FakeUpstream;

  beforeAll(async () => {
    t = await startTestApp(ENV);
    root = await initRoot(t.server);
    liar = await FakeUpstream.start('COHERE');
  });

  afterAll(async () => {
    await t.close();
    await liar.close();
  });

  const meter = () => t.app.get(UsageMeter);
  const metrics = async () => (await as(t.server, root).get('/metrics').expect(200)).text;
  const record = (fields: Partial<UsageRecord> & Pick<UsageRecord, 'ownerId'>): void =>
    meter().record({ at: Date.now(), apiKeyId: randomUUID(), rerankerId: randomUUID(), outcome: 'ok', documents: 1, documentsRequested: 1, upstreamRequests: 1, searchUnits: 0, tokens: 0, latencyMs: 1, ...fields });
  const storedCalls = async (ownerId: string): Promise<number> => {
    const rows = await t.app.get(PrismaService).usageRollup.findMany({ where: { ownerId } });
    return rows.reduce((sum, row) => sum + Number(row.calls), 0);
  };

  it("clamps an upstream's reported units at the edge: 1e19 search units or tokens never reach the rollups", async () => {
    const caller = await createActor(t.server, root);
    const pricing = { currency: 'USD', perSearchUnit: '0.002' };
    const body = rerankerBody({ providerType: 'COHERE', endpointUrl: liar.url, modelIdentifier: 'rerank-v3.5', ownerId: caller.userId, pricing });
    const id = (await as(t.server, root).post('/v1/rerankers').send(body).expect(201)).body.rerankerId as string;
    const answer = (meta: unknown) => ({ kind: 'status', status: 200, body: { id: 'x', results: [{ index: 0, relevance_score: 0.5 }, { index: 1, relevance_score: 0.4 }], meta } }) as const;
    const before = metric(await metrics(), 'usage_units_clamped_total{provider="COHERE"}');
    for (const meta of [
      { billed_units: { search_units: 1e19 } },
      { billed_units: { search_units: 2 ** 63 }, tokens: { input_tokens: 1e300 } },
      { billed_units: { search_units: Number.MAX_VALUE } },
    ]) {
      liar.fail(answer(meta), 1);
      await as(t.server, caller).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: documents(2) }).expect(200);
    }
    await meter().flush();
    const report = await as(t.server, caller).get('/v1/usage').query(recently()).expect(200);
    const [bucket] = report.body.buckets;
    // Two short documents in one request: Cohere's own rule bills one search unit, and the bound is that rule on the worst tokenizer.
    expect(bucket).toMatchObject({ calls: 3, searchUnits: 3, cost: [{ currency: 'USD', amount: '0.006' }] });
    expect(metric(await metrics(), 'usage_units_clamped_total{provider="COHERE"}') - before).toBe(3);
    expect(metric(await metrics(), 'usage_flushes_total{outcome="failed"}')).toBe(0);
  });

  it("writes every other owner's rows when one row cannot be written, reports and counts that row once, and never retries it", async () => {
    const [victim, poisoned] = [randomUUID(), randomUUID()];
    const dropped = metric(await metrics(), 'usage_records_dropped_total');
    const rejected = metric(await metrics(), 'usage_rollups_rejected_total');
    // Sorted by key, the poisoned row comes before the victim's in the same statement.
    record({ ownerId: poisoned, apiKeyId: '00000000-0000-4000-8000-000000000000', documents: 1e19 });
    record({ ownerId: victim, apiKeyId: 'ffffffff-ffff-4fff-bfff-ffffffffffff', documents: 3 });
    record({ ownerId: victim, documents: 2 });
    await meter().flush();
    expect(await storedCalls(victim)).toBe(2);
    expect(await storedCalls(poisoned)).toBe(0);
    expect(metric(await metrics(), 'usage_rollups_rejected_total') - rejected).toBe(1);
    expect(metric(await metrics(), 'usage_records_dropped_total') - dropped).toBe(1);
    expect(metric(await metrics(), 'usage_pending_rollups')).toBe(0);

    // Item 24: the line names the database's code, never the value it refused.
    const line = t.logs.lines.map((entry) => JSON.parse(entry) as { msg?: string }).find((entry) => entry.msg?.includes('usage rollups the database refused'));
    expect(line).toMatchObject({ level: 50, rows: 1, calls: 1, sqlState: '22003' });
    expect(t.logs.text).not.toContain('10000000000000000000');

    record({ ownerId: victim, documents: 1 });
    await meter().flush();
    expect(await storedCalls(victim)).toBe(3);
    expect(metric(await metrics(), 'usage_rollups_rejected_total') - rejected).toBe(1);
  });

  it('refuses only the row whose sum would overflow what is stored (a sum near 2^63), not its neighbours', async () => {
    const [saturated, neighbour] = [randomUUID(), randomUUID()];
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const key = { apiKeyId: randomUUID(), rerankerId: randomUUID() };
    await t.app.get(PrismaService).usageRollup.create({
      data: {
        minute: new Date(minute),
        ownerId: saturated,
        ...key,
        aliasName: '',
        outcome: 'ok',
        currency: '',
        calls: 1n,
        documents: BIGINT_MAX - 5n,
        upstreamRequests: 1n,
        searchUnits: 0n,
        tokens: 0n,
        cost: '0',
        latencyMsSum: 1,
        latencyMsMax: 1,
      },
    });
    record({ at: minute, ownerId: saturated, ...key, documents: 10 });
    record({ at: minute, ownerId: neighbour, documents: 4 });
    await meter().flush();
    expect(await storedCalls(neighbour)).toBe(1);
    expect(await storedCalls(saturated)).toBe(1);
    expect(metric(await metrics(), 'usage_pending_rollups')).toBe(0);
  });

  it('keeps everything pending while the database itself fails, and writes it when it is back', async () => {
    const owner = randomUUID();
    const prisma = t.app.get(PrismaService);
    const original = prisma.$executeRaw.bind(prisma);
    let failures = 0;
    // A connection-level failure (no SQLSTATE of a refused row): nothing is dropped.
    (prisma as unknown as { $executeRaw: unknown }).$executeRaw = () => {
      failures++;
      return Promise.reject(Object.assign(new Error("Can't reach database server"), { name: 'PrismaClientKnownRequestError', code: 'P1001' }));
    };
    try {
      record({ ownerId: owner, documents: 2 });
      record({ ownerId: owner, documents: 3 });
      await meter().flush();
      expect(failures).toBe(1);
      expect(metric(await metrics(), 'usage_pending_rollups')).toBe(2);
    } finally {
      (prisma as unknown as { $executeRaw: unknown }).$executeRaw = original;
    }
    await meter().flush();
    expect(await storedCalls(owner)).toBe(2);
  });

  it('books refused and failed calls with 0 documents served, and every call\'s requested documents in documentsRequested', async () => {
    const caller = await createActor(t.server, root);
    const keyId = (await as(t.server, caller).get('/v1/apikeys').expect(200)).body.apiKeys[0].apiKeyId as string;
    const served = (await as(t.server, caller).post('/v1/rerankers').send(rerankerBody({ providerType: 'COHERE', endpointUrl: liar.url })).expect(201)).body.rerankerId;
    await as(t.server, root).put(`/v1/limits/apikeys/${keyId}`).send({ requestsPerMinute: 2 }).expect(200);
    const call = (count: number, status: number) =>
      as(t.server, caller).post(`/v1/rerankers/${served}/rerank`).send({ query: 'q', documents: documents(count) }).expect(status);
    await call(5, 200);
    liar.fail({ kind: 'status', status: 500 }, 1);
    await call(3, 502);
    for (let i = 0; i < 3; i++) await call(7, 429);
    await meter().flush();

    const report = await as(t.server, caller).get('/v1/usage').query(recently()).expect(200);
    expect(report.body.buckets).toHaveLength(1);
    expect(report.body.buckets[0]).toMatchObject({ calls: 5, outcomes: { ok: 1, upstream_error: 1, rate_limited: 3 }, documents: 5, documentsRequested: 29 });
    const monthly = await as(t.server, caller).get(`/v1/rerankers/${served}`).expect(200);
    expect(monthly.body.usage).toMatchObject({ calls: 2, documents: 5 });
  });
});
