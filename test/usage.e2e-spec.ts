import { randomUUID } from 'node:crypto';
import { UsageMeter } from '../src/usage/usage-meter.js';
import { UsageService } from '../src/usage/usage.service.js';
import { parseAmount } from '../src/usage/money.js';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { byGroup, recently, type Bucket } from './support/usage-buckets.js';

/** Flushes only when a test asks (or at shutdown), so what is stored is what the test wrote. */
const ENV = { EGRESS_ALLOW_PRIVATE: 'true', USAGE_FLUSH_INTERVAL_MS: '3600000' };

const documents = (count: number) => Array.from({ length: count }, (_, i) => `document ${i} score=0.${i % 10}`);

describe('usage and cost', () => {
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let vllm: FakeUpstream;
  let broken: FakeUpstream;
  let cohere: FakeUpstream;
  let silentCohere: FakeUpstream;
  let tei: FakeUpstream;

  beforeAll(async () => {
    t = await startTestApp(ENV);
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    [vllm, broken, cohere, silentCohere, tei] = await Promise.all([
      FakeUpstream.start('VLLM'),
      FakeUpstream.start('VLLM'),
      FakeUpstream.start('COHERE'),
      FakeUpstream.start('COHERE', { reportsUsage: false }),
      FakeUpstream.start('TEI'),
    ]);
    broken.fail({ kind: 'status', status: 500 });
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([vllm, broken, cohere, silentCohere, tei].map((upstream) => upstream.close()));
  });

  const flush = () => t.app.get(UsageMeter).flush();

  /** A reranker of `owner`'s, registered by an admin (only SET_PRICING holders may price it). */
  async function reranker(owner: Actor, upstream: FakeUpstream, fields: Record<string, unknown> = {}): Promise<string> {
    const body = rerankerBody({ providerType: upstream.format, endpointUrl: upstream.url, modelIdentifier: `model-${randomUUID().slice(0, 8)}`, ownerId: owner.userId, ...fields });
    return (await as(t.server, admin).post('/v1/rerankers').send(body).expect(201)).body.rerankerId;
  }

  const rerank = (caller: Actor, id: string, count: number, status = 200) =>
    as(t.server, caller).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: documents(count) }).expect(status);

  async function usage(caller: Actor, query: Record<string, string>, status = 200) {
    return as(t.server, caller).get('/v1/usage').query(query).expect(status);
  }

  it('books every call, native, compatible and alias, success and failure, and loses none across a graceful restart', async () => {
    const caller = await createActor(t.server, root);
    const served = await reranker(caller, vllm, { pricing: { currency: 'USD', perRequest: '0.001' } });
    const failing = await reranker(caller, broken);
    const api = () => as(t.server, caller);
    await api().post('/v1/aliases').send({ name: 'totals', targets: [{ rerankerId: failing }, { rerankerId: served, priority: 1 }] }).expect(201);
    await api().post('/v1/aliases').send({ name: 'last-resort', targets: [{ rerankerId: failing }], lastResort: 'LEXICAL' }).expect(201);

    await rerank(caller, served, 3);
    await rerank(caller, served, 2);
    await api().post('/v1/rerank').send({ model: served, query: 'q', documents: documents(2) }).expect(200);
    const viaAlias = await api().post('/v2/rerank').send({ model: 'totals', query: 'q', documents: documents(4) }).expect(200);
    expect(viaAlias.body.meta).toMatchObject({ servedBy: served, alias: 'totals' });
    const degraded = await api().post('/v1/aliases/last-resort/rerank').send({ query: 'q', documents: documents(1) }).expect(200);
    expect(degraded.body.meta.degraded).toBe(true);
    await rerank(caller, failing, 2, 502);
    await api().post('/v1/rerank').send({ model: 'nope', query: 'q', documents: documents(1) }).expect(404);

    const range = recently();
    await t.stop();
    t = await startTestApp(ENV, t.database);

    const all = (await usage(caller, { ...range, granularity: 'day' })).body;
    const [total] = [...byGroup(all.buckets, 'ownerId').values()];
    expect(total).toMatchObject({ calls: 7, documents: 12, documentsRequested: 15, outcomes: { ok: 4, degraded: 1, upstream_error: 1, not_found: 1 } });

    const perReranker = byGroup((await usage(caller, { ...range, granularity: 'day', groupBy: 'reranker' })).body.buckets, 'rerankerId');
    expect(perReranker.get(served)).toMatchObject({ calls: 4, documents: 11, upstreamRequests: 4, outcomes: { ok: 4 }, cost: [{ currency: 'USD', amount: '0.004' }] });
    expect(perReranker.get('LEXICAL')).toMatchObject({ calls: 1, documents: 1, upstreamRequests: 0, outcomes: { degraded: 1 }, cost: [] });
    expect(perReranker.get(failing)).toMatchObject({ calls: 1, documents: 0, documentsRequested: 2, outcomes: { upstream_error: 1 }, cost: [] });
    expect(perReranker.get(null)).toMatchObject({ calls: 1, documents: 0, documentsRequested: 1, outcomes: { not_found: 1 } });

    const perAlias = byGroup((await usage(caller, { ...range, granularity: 'day', groupBy: 'alias' })).body.buckets, 'alias');
    expect(perAlias.get('totals')).toMatchObject({ calls: 1, documents: 4 });
    expect(perAlias.get('last-resort')).toMatchObject({ calls: 1, documents: 1 });
    expect(perAlias.get(null)).toMatchObject({ calls: 5, documents: 7, documentsRequested: 10 });

    const reading = await as(t.server, caller).get(`/v1/rerankers/${served}`).expect(200);
    expect(reading.body.usage).toMatchObject({ calls: 4, documents: 11, cost: [{ currency: 'USD', amount: '0.004' }] });
  });

  it('prices each kind of rate, with Cohere search units reported or counted by its rule', async () => {
    const caller = await createActor(t.server, root);
    const perUnit = { currency: 'USD', perSearchUnit: '0.002' };
    const reported = await reranker(caller, cohere, { pricing: perUnit });
    const counted = await reranker(caller, silentCohere, { pricing: perUnit });
    const perToken = await reranker(caller, vllm, { pricing: { currency: 'USD', perMillionTokens: 2 } });
    const perThousand = await reranker(caller, tei, { pricing: { currency: 'EUR', perThousandDocuments: '0.5' } });
    const perRequest = await reranker(caller, vllm, { pricing: { currency: 'USD', perRequest: '0.001' }, maxDocumentsPerRequest: 2 });
    const unpriced = await reranker(caller, vllm);

    await rerank(caller, reported, 150); // Cohere reports 2 search units
    const long = 'x'.repeat(13_000); // ~4,334 tokens, cut to 4,096: two 4,092-token chunks beside a 1-token query
    await as(t.server, caller).post(`/v1/rerankers/${counted}/rerank`).send({ query: 'q', documents: [...documents(99), long] }).expect(200); // 101 chunks: 2 units
    await rerank(caller, counted, 100); // 1 unit
    await rerank(caller, perToken, 3); // 10 tokens reported
    await rerank(caller, perThousand, 4);
    await rerank(caller, perRequest, 5); // 3 upstream requests
    await rerank(caller, unpriced, 1);

    const monthly = async (id: string) => (await as(t.server, caller).get(`/v1/rerankers/${id}`).expect(200)).body;
    expect((await monthly(reported)).usage).toMatchObject({ calls: 1, documents: 150, cost: [{ currency: 'USD', amount: '0.004' }] });
    expect((await monthly(counted)).usage.cost).toEqual([{ currency: 'USD', amount: '0.006' }]);
    expect((await monthly(perToken)).usage.cost).toEqual([{ currency: 'USD', amount: '0.00002' }]);
    expect((await monthly(perThousand)).usage.cost).toEqual([{ currency: 'EUR', amount: '0.002' }]);
    expect((await monthly(perRequest)).usage.cost).toEqual([{ currency: 'USD', amount: '0.003' }]);
    expect((await monthly(unpriced)).usage).toMatchObject({ calls: 1, documents: 1, cost: [] });
    expect((await monthly(perToken)).pricing).toEqual({ currency: 'USD', perMillionTokens: '2' });

    await as(t.server, admin).patch(`/v1/rerankers/${perRequest}`).send({ pricing: { currency: 'USD', perRequest: '0.01' } }).expect(200);
    await rerank(caller, perRequest, 1);
    expect((await monthly(perRequest)).usage.cost).toEqual([{ currency: 'USD', amount: '0.013' }]);

    await flush();
    const stored = byGroup((await usage(caller, { ...recently(), granularity: 'day', groupBy: 'reranker' })).body.buckets, 'rerankerId');
    expect(stored.get(reported)).toMatchObject({ searchUnits: 2, cost: [{ currency: 'USD', amount: '0.004' }] });
    expect(stored.get(counted)).toMatchObject({ searchUnits: 3, cost: [{ currency: 'USD', amount: '0.006' }] });
    expect(stored.get(perToken)).toMatchObject({ tokens: 10, cost: [{ currency: 'USD', amount: '0.00002' }] });
    expect(stored.get(perRequest)).toMatchObject({ upstreamRequests: 4, cost: [{ currency: 'USD', amount: '0.013' }] });
    expect(stored.get(unpriced)).toMatchObject({ tokens: 10, searchUnits: 0, cost: [] });
  });

  it('sums minute rollups into minutes, hours and days (UTC), per series', async () => {
    const caller = await createActor(t.server, root);
    const [apiKeyId, rerankerId] = [randomUUID(), randomUUID()];
    const meter = t.app.get(UsageMeter);
    const record = (at: string, documents: number, alias?: string) =>
      meter.record({ at: Date.parse(at), ownerId: caller.userId, apiKeyId, rerankerId, alias, outcome: 'ok', documents, documentsRequested: documents, upstreamRequests: 1, searchUnits: 0, tokens: 0, latencyMs: 4 });
    record('2026-01-10T10:15:30Z', 2, 'a');
    record('2026-01-10T10:15:50Z', 3);
    record('2026-01-10T10:45:00Z', 1);
    record('2026-01-10T11:05:00Z', 4);
    record('2026-01-11T09:00:00Z', 5);
    await flush();

    const range = { from: '2026-01-10T00:00:00Z', to: '2026-01-12T00:00:00Z' };
    const series = async (query: Record<string, string>) =>
      (await usage(caller, { ...range, ...query })).body.buckets.map((b: Bucket) => [new Date(b.start).toISOString(), b.calls, b.documents]);
    expect(await series({ granularity: 'minute' })).toEqual([
      ['2026-01-10T10:15:00.000Z', 2, 5],
      ['2026-01-10T10:45:00.000Z', 1, 1],
      ['2026-01-10T11:05:00.000Z', 1, 4],
      ['2026-01-11T09:00:00.000Z', 1, 5],
    ]);
    expect(await series({ granularity: 'hour' })).toEqual([
      ['2026-01-10T10:00:00.000Z', 3, 6],
      ['2026-01-10T11:00:00.000Z', 1, 4],
      ['2026-01-11T09:00:00.000Z', 1, 5],
    ]);
    expect(await series({ granularity: 'day' })).toEqual([
      ['2026-01-10T00:00:00.000Z', 4, 10],
      ['2026-01-11T00:00:00.000Z', 1, 5],
    ]);
    const byAlias = (await usage(caller, { ...range, granularity: 'day', groupBy: 'alias' })).body;
    expect(byAlias).toMatchObject({ from: Date.parse(range.from), to: Date.parse(range.to), granularity: 'day', groupBy: 'alias' });
    expect(byAlias.buckets.map((b: Bucket) => [b.alias, b.calls])).toEqual([
      [null, 3],
      ['a', 1],
      [null, 1],
    ]);
    const byKey = (await usage(caller, { from: String(Date.parse(range.from)), to: String(Date.parse(range.to)), granularity: 'day', groupBy: 'apiKey' })).body;
    expect(byKey.buckets.map((b: Bucket) => [b.apiKeyId, b.calls, b.upstreamRequests])).toEqual([
      [apiKeyId, 4, 4],
      [apiKeyId, 1, 1],
    ]);
  });

  it("gives a caller's and a key's month to date, written and still in memory, each call once", async () => {
    const caller = await createActor(t.server, root);
    const id = await reranker(caller, vllm, { pricing: { currency: 'USD', perRequest: '0.25' } });
    const service = t.app.get(UsageService);
    const apiKeyId = (await as(t.server, caller).get('/v1/apikeys').expect(200)).body.apiKeys[0].apiKeyId as string;
    const monthly = async () => [await service.monthToDate({ ownerId: caller.userId }), await service.monthToDate({ apiKeyId })];

    await rerank(caller, id, 2);
    for (const totals of await monthly()) expect(totals).toMatchObject({ calls: 1, documents: 2, cost: { USD: parseAmount('0.25') } });
    await flush();
    await rerank(caller, id, 3);
    for (const totals of await monthly()) expect(totals).toMatchObject({ calls: 2, documents: 5, cost: { USD: parseAmount('0.5') } });
    await flush();
    for (const totals of await monthly()) expect(totals).toMatchObject({ calls: 2, documents: 5, cost: { USD: parseAmount('0.5') } });
  });

  it('shows members their own usage only; admins anyone’s, or everyone’s', async () => {
    const [alice, bob] = [await createActor(t.server, root), await createActor(t.server, root)];
    await rerank(alice, await reranker(alice, vllm), 2);
    await rerank(bob, await reranker(bob, vllm), 3);
    await flush();
    const range = { ...recently(), granularity: 'day', groupBy: 'owner' };

    const own = byGroup((await usage(alice, range)).body.buckets, 'ownerId');
    expect([...own.keys()]).toEqual([alice.userId]);
    expect(own.get(alice.userId)).toMatchObject({ calls: 1, documents: 2 });
    expect((await usage(alice, { ...range, ownerId: bob.userId }, 403)).body.code).toBe('PERMISSION_DENIED');
    expect(byGroup((await usage(alice, { ...range, ownerId: alice.userId })).body.buckets, 'ownerId').size).toBe(1);

    const everyone = byGroup((await usage(admin, range)).body.buckets, 'ownerId');
    expect(everyone.get(alice.userId)).toMatchObject({ calls: 1, documents: 2 });
    expect(everyone.get(bob.userId)).toMatchObject({ calls: 1, documents: 3 });
    const bobs = byGroup((await usage(admin, { ...range, ownerId: bob.userId.toUpperCase() })).body.buckets, 'ownerId');
    expect([...bobs.keys()]).toEqual([bob.userId]);
  });

  it('refuses a malformed or unbounded report with 400', async () => {
    const caller = await createActor(t.server, root);
    const bad = async (query: Record<string, string>, message: RegExp) => expect((await usage(caller, query, 400)).body.message).toMatch(message);
    await bad({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, /from must be before to/);
    await bad({ from: '2026-01-01T00:00:00Z', to: '2026-01-09T00:00:00Z', granularity: 'minute' }, /at most 7 days/);
    await bad({ from: '2026-01-01T00:00:00', granularity: 'hour' }, /from: .*ISO 8601/);
    await bad({ to: 'yesterday' }, /to: /);
    await bad({ granularity: 'week' }, /granularity/);
    await bad({ groupBy: 'model' }, /groupBy/);
    await bad({ ownerId: 'me' }, /ownerId/);
    await bad({ color: 'red' }, /color/);
    const defaults = (await usage(caller, {})).body;
    expect(defaults).toMatchObject({ granularity: 'hour', buckets: [] });
    expect(defaults.to - defaults.from).toBe(86_400_000);
  });

  it('validates pricing strictly, naming the field, and clears it with null', async () => {
    const caller = await createActor(t.server, root, 'ADMIN');
    const create = (pricing: unknown) => as(t.server, caller).post('/v1/rerankers').send(rerankerBody({ pricing }));
    const refused = async (pricing: unknown, message: RegExp) => {
      const res = await create(pricing).expect(400);
      expect(res.body.message).toMatch(message);
    };
    await refused({ currency: 'usd', perRequest: 1 }, /^pricing\.currency: .*ISO 4217/);
    await refused({ currency: 'XYZ', perRequest: 1 }, /^pricing\.currency: /);
    await refused({ perRequest: 1 }, /^pricing\.currency: /);
    await refused({ currency: 'USD', perSearchUnit: -1 }, /^pricing\.perSearchUnit: .*non-negative decimal/);
    await refused({ currency: 'USD', perMillionTokens: '1e-3' }, /^pricing\.perMillionTokens: /);
    await refused({ currency: 'USD', perRequest: 0.0000000001 }, /^pricing\.perRequest: .*at most 9 decimals/);
    await refused({ currency: 'USD', perThousandDocuments: null }, /^pricing\.perThousandDocuments: /);
    await refused({ currency: 'USD', perRequest: 1, perCall: 1 }, /perCall/);
    await refused({ currency: 'USD' }, /pricing needs at least one of perSearchUnit, perMillionTokens, perRequest, perThousandDocuments/);
    await refused('cheap', /^pricing: /);

    const created = await create({ currency: 'USD', perSearchUnit: '0.0020', perRequest: 0 }).expect(201);
    expect(created.body.pricing).toEqual({ currency: 'USD', perSearchUnit: '0.002', perRequest: '0' });
    const path = `/v1/rerankers/${created.body.rerankerId}`;
    expect((await as(t.server, caller).patch(path).send({ displayName: 'renamed' }).expect(200)).body.pricing).toEqual(created.body.pricing);
    expect((await as(t.server, caller).put(path).send({ pricing: { currency: 'EUR', perMillionTokens: 0.05 } }).expect(200)).body.pricing).toEqual({
      currency: 'EUR',
      perMillionTokens: '0.05',
    });
    await as(t.server, caller).patch(path).send({ pricing: { currency: 'EUR', perRequest: '-1' } }).expect(400);
    expect((await as(t.server, caller).patch(path).send({ pricing: null }).expect(200)).body.pricing).toBeNull();
  });

  it('counts the calls it drops when the buffer is full', async () => {
    const small = await startTestApp({ ...ENV, USAGE_MAX_PENDING_KEYS: '1' });
    try {
      const smallRoot = await initRoot(small.server);
      const caller = await createActor(small.server, smallRoot);
      const create = async () =>
        (await as(small.server, caller).post('/v1/rerankers').send(rerankerBody({ providerType: 'VLLM', endpointUrl: vllm.url, modelIdentifier: randomUUID() })).expect(201)).body.rerankerId;
      const [first, second] = [await create(), await create()];
      const call = (id: string) => as(small.server, caller).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: ['a'] }).expect(200);
      await call(first);
      await call(second); // a second rollup: no room
      await call(first); // the held rollup still adds up
      const metrics = await as(small.server, smallRoot).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/^usage_records_dropped_total 1$/m);
      expect(metrics.text).toMatch(/^usage_pending_rollups 1$/m);
      await small.app.get(UsageMeter).flush();
      const stored = byGroup((await as(small.server, caller).get('/v1/usage').query({ ...recently(), granularity: 'day', groupBy: 'reranker' }).expect(200)).body.buckets, 'rerankerId');
      expect(stored.get(first)).toMatchObject({ calls: 2 });
      expect(stored.has(second)).toBe(false);
    } finally {
      await small.close();
    }
  });
});
