import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Response } from 'supertest';
import { UsageMeter } from '../src/usage/usage-meter.js';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

interface Member extends Actor {
  keyId: string;
}

const docs = (count: number): string[] => Array.from({ length: count }, (_, i) => `document ${i} score=0.${i % 10}`);

function statuses(responses: readonly Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const res of responses) counts[res.status] = (counts[res.status] ?? 0) + 1;
  return counts;
}

async function member(server: Server, root: Actor): Promise<Member> {
  const actor = await createActor(server, root);
  const keys = await as(server, actor).get('/v1/apikeys').expect(200);
  return { ...actor, keyId: keys.body.apiKeys[0].apiKeyId };
}

describe.each([
  ['in process', {}],
  ['in Redis', { REDIS_URL }],
])('monthly quotas reserved at admission (%s)', (_store, storeEnv: Record<string, string>) => {
  let t: TestApp;
  let root: Actor;
  let cohere: FakeUpstream;
  let vllm: FakeUpstream;

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', RATE_LIMIT_REDIS_KEY_PREFIX: `rr-test-${randomUUID()}`, ...storeEnv });
    root = await initRoot(t.server);
    [cohere, vllm] = await Promise.all([FakeUpstream.start('COHERE'), FakeUpstream.start('VLLM')]);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([cohere.close(), vllm.close()]);
  });

  afterEach(() => {
    cohere.clear();
    vllm.clear();
  });

  /** A reranker of the caller's, priced by an admin (members cannot set pricing). */
  async function reranker(owner: Member, upstream: FakeUpstream, pricing?: Record<string, string>): Promise<string> {
    const body = rerankerBody({ providerType: upstream.format, endpointUrl: upstream.url, modelIdentifier: `m-${randomUUID().slice(0, 8)}`, ownerId: owner.userId, ...(pricing ? { pricing } : {}) });
    return (await as(t.server, root).post('/v1/rerankers').send(body).expect(201)).body.rerankerId;
  }

  const limit = (caller: Member, body: Record<string, unknown>) => as(t.server, root).put(`/v1/limits/apikeys/${caller.keyId}`).send(body).expect(200);
  const rerank = (caller: Member, id: string, count: number) => as(t.server, caller).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: docs(count) });
  const used = async (caller: Member) => (await as(t.server, caller).get(`/v1/limits/apikeys/${caller.keyId}`).expect(200)).body.usage;

  it('serves 2 of 30 concurrent 5-document calls against a quota of 10 documents: no overrun', async () => {
    const caller = await member(t.server, root);
    const id = await reranker(caller, cohere);
    await limit(caller, { monthlyDocuments: 10 });
    cohere.fail({ kind: 'slow', delayMs: 400 });
    const responses = await Promise.all(Array.from({ length: 30 }, () => rerank(caller, id, 5)));
    expect(statuses(responses)).toEqual({ 200: 2, 429: 28 });
    for (const refused of responses.filter((res) => res.status === 429)) {
      expect(refused.body).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { subject: 'APIKEY', limit: 'monthlyDocuments', value: 10 } });
    }
    expect((await used(caller)).monthlyDocuments).toMatchObject({ limit: 10, used: 10, remaining: 0 });
  });

  it('gives a call that was not served its reserved documents back', async () => {
    const caller = await member(t.server, root);
    const id = await reranker(caller, cohere);
    await limit(caller, { monthlyDocuments: 10 });
    cohere.fail({ kind: 'status', status: 500 }, 1);
    await rerank(caller, id, 5).expect(502);
    expect((await used(caller)).monthlyDocuments).toMatchObject({ used: 0 });
    await rerank(caller, id, 5).expect(200);
    await rerank(caller, id, 5).expect(200);
    expect((await rerank(caller, id, 1).expect(429)).body.code).toBe('QUOTA_EXCEEDED');
  });

  it("serves 3 of 30 concurrent calls costing 0.5 each against a cost quota of 1.5: cost reserved at the call's maximum", async () => {
    const caller = await member(t.server, root);
    const id = await reranker(caller, cohere, { currency: 'USD', perRequest: '0.5' });
    await limit(caller, { monthlyCost: 1.5 });
    cohere.fail({ kind: 'slow', delayMs: 400 });
    const responses = await Promise.all(Array.from({ length: 30 }, () => rerank(caller, id, 1)));
    expect(statuses(responses)).toEqual({ 200: 3, 429: 27 });
    expect(responses.find((res) => res.status === 429)!.body).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { limit: 'monthlyCost', value: 1.5 } });
    expect((await used(caller)).monthlyCost).toMatchObject({ limit: 1.5, used: 1.5, remaining: 0 });
  });

  it('settles the reservation at what the call was charged, and gives it all back when the call fails', async () => {
    const caller = await member(t.server, root);
    // vLLM's fake reports 10 tokens; the reservation is the most tokens the pair could be.
    const id = await reranker(caller, vllm, { currency: 'USD', perMillionTokens: '100' });
    await limit(caller, { monthlyCost: 1 });
    await rerank(caller, id, 1).expect(200);
    expect((await used(caller)).monthlyCost).toMatchObject({ used: 0.001 });
    vllm.fail({ kind: 'status', status: 500 }, 1);
    await rerank(caller, id, 1).expect(502);
    expect((await used(caller)).monthlyCost).toMatchObject({ used: 0.001 });
  });

  it('counts costs below one millionth exactly: ten calls of 0.0000001 spend a quota of 0.000001', async () => {
    const caller = await member(t.server, root);
    const id = await reranker(caller, cohere, { currency: 'USD', perRequest: '0.0000001' });
    await limit(caller, { monthlyCost: 0.000001 });
    for (let call = 0; call < 10; call++) await rerank(caller, id, 1).expect(200);
    expect((await used(caller)).monthlyCost).toMatchObject({ used: 0.000001, remaining: 0 });
    expect((await rerank(caller, id, 1).expect(429)).body).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { limit: 'monthlyCost' } });
  });
});

describe('ping: admitted by the same limits, booked as usage with outcome ping', () => {
  let t: TestApp;
  let root: Actor;
  let cohere: FakeUpstream;

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', USAGE_FLUSH_INTERVAL_MS: '3600000' });
    root = await initRoot(t.server);
    cohere = await FakeUpstream.start('COHERE');
  });

  afterAll(async () => {
    await t.close();
    await cohere.close();
  });

  it('refuses a ping over requestsPerMinute before anything is sent upstream, and books every ping', async () => {
    const caller = await member(t.server, root);
    const body = rerankerBody({ endpointUrl: cohere.url, ownerId: caller.userId, pricing: { currency: 'USD', perRequest: '0.01' } });
    const id = (await as(t.server, root).post('/v1/rerankers').send(body).expect(201)).body.rerankerId as string;
    await as(t.server, root).put(`/v1/limits/apikeys/${caller.keyId}`).send({ requestsPerMinute: 2 }).expect(200);
    cohere.clear();
    const ping = () => as(t.server, caller).post(`/v1/rerankers/${id}/ping`);
    expect((await ping().expect(200)).body).toMatchObject({ ok: true, httpStatus: 200 });
    cohere.fail({ kind: 'status', status: 401 }, 1);
    expect((await ping().expect(200)).body).toMatchObject({ ok: false, httpStatus: 401 });
    for (let i = 0; i < 6; i++) expect((await ping().expect(429)).body).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 'requestsPerMinute' } });
    // The dry probes before a save send a credential upstream too: the same limits hold them.
    await as(t.server, caller).post('/v1/rerankers/probe').send(rerankerBody({ endpointUrl: cohere.url })).expect(429);
    await as(t.server, caller).post(`/v1/rerankers/${id}/probe`).send({ displayName: 'tried' }).expect(429);
    expect(cohere.requests).toHaveLength(2);

    await t.app.get(UsageMeter).flush();
    const range = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString(), granularity: 'day' };
    const [bucket] = (await as(t.server, caller).get('/v1/usage').query(range).expect(200)).body.buckets;
    expect(bucket).toMatchObject({
      calls: 10,
      outcomes: { ping: 2, rate_limited: 8 },
      documents: 1,
      documentsRequested: 10,
      upstreamRequests: 1,
      cost: [{ currency: 'USD', amount: '0.01' }],
    });
  });

  it('books a dry probe as a ping: under the reranker it would change, or none for one not created', async () => {
    const caller = await member(t.server, root);
    const id = (await as(t.server, caller).post('/v1/rerankers').send(rerankerBody({ endpointUrl: cohere.url })).expect(201)).body.rerankerId as string;
    expect((await as(t.server, caller).post('/v1/rerankers/probe').send(rerankerBody({ endpointUrl: cohere.url })).expect(200)).body.ok).toBe(true);
    expect((await as(t.server, caller).post(`/v1/rerankers/${id}/probe`).send({ displayName: 'tried' }).expect(200)).body.ok).toBe(true);
    await t.app.get(UsageMeter).flush();
    const range = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString(), granularity: 'day', groupBy: 'reranker' };
    const buckets = (await as(t.server, caller).get('/v1/usage').query(range).expect(200)).body.buckets as Array<{ rerankerId: string | null; outcomes: object }>;
    expect(buckets.map((bucket) => [bucket.rerankerId, bucket.outcomes]).sort()).toEqual([[id, { ping: 1 }], [null, { ping: 1 }]].sort());
  });

  it('counts a ping against the monthly quotas', async () => {
    const caller = await member(t.server, root);
    const id = (await as(t.server, caller).post('/v1/rerankers').send(rerankerBody({ endpointUrl: cohere.url })).expect(201)).body.rerankerId as string;
    await as(t.server, root).put(`/v1/limits/apikeys/${caller.keyId}`).send({ monthlyDocuments: 2 }).expect(200);
    await as(t.server, caller).post(`/v1/rerankers/${id}/ping`).expect(200);
    await as(t.server, caller).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: ['a'] }).expect(200);
    expect((await as(t.server, caller).post(`/v1/rerankers/${id}/ping`).expect(429)).body.code).toBe('QUOTA_EXCEEDED');
  });
});

describe('pricing a member cannot lower', () => {
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let cohere: FakeUpstream;
  let vllm: FakeUpstream;
  const PRICE_LIST = {
    'COHERE/*': { currency: 'USD', perRequest: '0.5' },
    'COHERE/rerank-v3.5': { currency: 'USD', perRequest: '0.25' },
    '*': { currency: 'USD', perThousandDocuments: 100 },
  };

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', PRICE_LIST: JSON.stringify(PRICE_LIST) });
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    [cohere, vllm] = await Promise.all([FakeUpstream.start('COHERE'), FakeUpstream.start('VLLM')]);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([cohere.close(), vllm.close()]);
  });

  it('lets only SET_PRICING holders (admins) set or change pricing; a member keeps what an admin set', async () => {
    const caller = await member(t.server, root);
    const api = as(t.server, caller);
    const refused = await api.post('/v1/rerankers').send(rerankerBody({ pricing: { currency: 'USD', perRequest: '0' } })).expect(403);
    expect(refused.body).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringMatching(/SET_PRICING/) });

    const priced = { currency: 'USD', perRequest: '0.5' };
    const id = (await as(t.server, admin).post('/v1/rerankers').send(rerankerBody({ ownerId: caller.userId, pricing: priced })).expect(201)).body.rerankerId;
    for (const pricing of [null, { currency: 'USD', perRequest: '0.1' }, { currency: 'USD', perRequest: '0.5', perSearchUnit: '0' }]) {
      expect((await api.patch(`/v1/rerankers/${id}`).send({ pricing }).expect(403)).body.code).toBe('PERMISSION_DENIED');
      await api.put(`/v1/rerankers/${id}`).send({ pricing }).expect(403);
    }
    // What it already is, sent back (a read-modify-write client), is no change.
    await api.patch(`/v1/rerankers/${id}`).send({ displayName: 'renamed', pricing: { currency: 'USD', perRequest: 0.5 } }).expect(200);
    expect((await api.get(`/v1/rerankers/${id}`).expect(200)).body.pricing).toEqual(priced);

    await as(t.server, admin).patch(`/v1/rerankers/${id}`).send({ pricing: null }).expect(200);
    const narrowed = await as(t.server, admin).post('/v1/apikeys').send({ scopes: { permissions: ['UPDATE_RERANKER_ANY', 'READ_RERANKER_ANY'] } }).expect(201);
    await as(t.server, { ...admin, key: narrowed.body.rawApiKey }).patch(`/v1/rerankers/${id}`).send({ pricing: priced }).expect(403);
    const withPricing = await as(t.server, admin).post('/v1/apikeys').send({ scopes: { permissions: ['UPDATE_RERANKER_ANY', 'READ_RERANKER_ANY', 'SET_PRICING'] } }).expect(201);
    await as(t.server, { ...admin, key: withPricing.body.rawApiKey }).patch(`/v1/rerankers/${id}`).send({ pricing: priced }).expect(200);
  });

  it("charges a member's unpriced reranker by the deployment's price list: model, then provider, then everything", async () => {
    const caller = await member(t.server, root);
    const api = as(t.server, caller);
    const create = async (upstream: FakeUpstream, modelIdentifier: string) =>
      (await api.post('/v1/rerankers').send(rerankerBody({ providerType: upstream.format, endpointUrl: upstream.url, modelIdentifier })).expect(201)).body.rerankerId as string;
    const [byModel, byProvider, byDefault] = [await create(cohere, 'rerank-v3.5'), await create(cohere, 'rerank-v4.0'), await create(vllm, 'any')];
    await as(t.server, root).put(`/v1/limits/apikeys/${caller.keyId}`).send({ monthlyCost: 1 }).expect(200);
    for (const id of [byModel, byProvider, byDefault]) await api.post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: docs(2) }).expect(200);
    const cost = async (id: string) => (await api.get(`/v1/rerankers/${id}`).expect(200)).body.usage.cost;
    expect(await cost(byModel)).toEqual([{ currency: 'USD', amount: '0.25' }]);
    expect(await cost(byProvider)).toEqual([{ currency: 'USD', amount: '0.5' }]);
    expect(await cost(byDefault)).toEqual([{ currency: 'USD', amount: '0.2' }]);
    expect((await as(t.server, caller).get(`/v1/limits/apikeys/${caller.keyId}`).expect(200)).body.usage.monthlyCost).toMatchObject({ used: 0.95 });
    expect((await api.post(`/v1/rerankers/${byProvider}/rerank`).send({ query: 'q', documents: docs(1) }).expect(429)).body.code).toBe('QUOTA_EXCEEDED');
  });
});

describe('per-key limits passed on to the keys a key mints', () => {
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let cohere: FakeUpstream;

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    cohere = await FakeUpstream.start('COHERE');
  });

  afterAll(async () => {
    await t.close();
    await cohere.close();
  });

  const mint = async (by: Actor, body: Record<string, unknown> = {}): Promise<Member> => {
    const created = await as(t.server, by).post('/v1/apikeys').send(body).expect(201);
    return { ...by, userId: created.body.apiKey.userId, key: created.body.rawApiKey, keyId: created.body.apiKey.apiKeyId };
  };
  const overrides = async (keyId: string) => (await as(t.server, root).get(`/v1/limits/apikeys/${keyId}`).expect(200)).body.overrides;

  it('gives a key minted by a limited key of the same user those limits, down every generation; a member cannot escape by minting', async () => {
    const caller = await member(t.server, root);
    const id = (await as(t.server, caller).post('/v1/rerankers').send(rerankerBody({ endpointUrl: cohere.url })).expect(201)).body.rerankerId as string;
    const earlier = await mint(caller);
    await as(t.server, admin).put(`/v1/limits/apikeys/${caller.keyId}`).send({ requestsPerMinute: 2, monthlyDocuments: 100 }).expect(200);

    const child = await mint(caller);
    const grandchild = await mint(child);
    for (const key of [child, grandchild]) {
      expect(await overrides(key.keyId)).toEqual({ requestsPerMinute: 2, documentsPerMinute: null, concurrentCalls: null, monthlyDocuments: 100, monthlyCost: null });
      const rerank = () => as(t.server, key).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: ['a'] });
      await rerank().expect(200);
      await rerank().expect(200);
      expect((await rerank().expect(429)).body.details).toMatchObject({ subject: 'APIKEY', limit: 'requestsPerMinute', value: 2 });
    }
    // Keys minted before the override keep their own limits: the owner's limits bound them all.
    expect((await overrides(earlier.keyId)).requestsPerMinute).toBeNull();

    const events = await as(t.server, root).get('/v1/audit-events').query({ targetId: child.keyId, action: 'limits.update' }).expect(200);
    expect(events.body.auditEvents).toHaveLength(1);
    expect(events.body.auditEvents[0]).toMatchObject({
      actorUserId: caller.userId,
      targetType: 'apikey',
      targetOwnerId: caller.userId,
      diff: { before: { requestsPerMinute: null, monthlyDocuments: null }, after: { requestsPerMinute: 2, monthlyDocuments: 100 } },
    });
  });

  it("does not pass an admin's own key limits on to a key it mints for someone else", async () => {
    const adminKey = (await as(t.server, admin).get('/v1/apikeys').expect(200)).body.apiKeys[0].apiKeyId as string;
    await as(t.server, root).put(`/v1/limits/apikeys/${adminKey}`).send({ requestsPerMinute: 3 }).expect(200);
    const caller = await member(t.server, root);
    const forMember = await mint(admin, { userId: caller.userId });
    expect((await overrides(forMember.keyId)).requestsPerMinute).toBeNull();
    const forItself = await mint(admin);
    expect((await overrides(forItself.keyId)).requestsPerMinute).toBe(3);
  });
});
