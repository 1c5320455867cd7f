import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { Server } from 'node:http';
import type { Response } from 'supertest';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { mirrorUser } from './support/mirror-user.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { itWithRedis, TEST_REDIS_URL } from './support/test-redis.js';

const itRedis = await itWithRedis();

interface Caller extends Actor {
  keyId: string;
  rerankerId: string;
}

const docs = (count: number): string[] => Array.from({ length: count }, (_, i) => `document ${i} score=0.${i % 10}`);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A new member with one key and one reranker of their own on `upstream`. */
async function newCaller(server: Server, root: Actor, upstream: FakeUpstream): Promise<Caller> {
  const actor = await createActor(server, root);
  const keys = await as(server, actor).get('/v1/apikeys').expect(200);
  const reranker = await as(server, actor).post('/v1/rerankers').send(rerankerBody({ endpointUrl: upstream.url })).expect(201);
  return { ...actor, keyId: keys.body.apiKeys[0].apiKeyId, rerankerId: reranker.body.rerankerId };
}

/** Another key of the same member. */
async function secondKey(server: Server, caller: Caller): Promise<Caller> {
  const created = await as(server, caller).post('/v1/apikeys').send({}).expect(201);
  return { ...caller, key: created.body.rawApiKey, keyId: created.body.apiKey.apiKeyId };
}

function rerank(server: Server, caller: Caller, documents = 1) {
  return as(server, caller).post(`/v1/rerankers/${caller.rerankerId}/rerank`).send({ query: 'q', documents: docs(documents) });
}

function rateLimitHeaders(res: Response): Record<string, number> {
  return {
    limit: Number(res.headers['ratelimit-limit']),
    remaining: Number(res.headers['ratelimit-remaining']),
    reset: Number(res.headers['ratelimit-reset']),
  };
}

function statuses(responses: readonly Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const res of responses) counts[res.status] = (counts[res.status] ?? 0) + 1;
  return counts;
}

describe('rate limits and quotas (in process)', () => {
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', RATE_LIMIT_REQUESTS_PER_MINUTE: '1000' });
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    upstream = await FakeUpstream.start('COHERE');
  });

  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  const setLimits = (path: string, body: Record<string, unknown>, by: Actor = admin) => as(t.server, by).put(`/v1/limits/${path}`).send(body);

  it('answers 429 RATE_LIMITED with Retry-After and RateLimit-* headers on every rerank route, and the headers on each success', async () => {
    const caller = await newCaller(t.server, root, upstream);
    await as(t.server, caller).post('/v1/aliases').send({ name: 'limited', targets: [{ rerankerId: caller.rerankerId }] }).expect(201);
    await setLimits(`apikeys/${caller.keyId}`, { requestsPerMinute: 5 }).expect(200);
    const api = as(t.server, caller);
    const body = { query: 'q', documents: docs(2) };
    const calls = [
      () => rerank(t.server, caller, 2),
      () => api.post('/v1/rerank').send({ ...body, model: caller.rerankerId }),
      () => api.post('/rerank').send({ ...body, model: caller.rerankerId }),
      () => api.post('/v2/rerank').send({ ...body, model: caller.rerankerId }),
      () => api.post('/v1/aliases/limited/rerank').send(body),
    ];
    for (const [index, call] of calls.entries()) {
      const res = await call().expect(200);
      const headers = rateLimitHeaders(res);
      expect(headers).toMatchObject({ limit: 5, remaining: 4 - index });
      expect(headers.reset).toBeGreaterThanOrEqual(1);
      expect(headers.reset).toBeLessThanOrEqual(60);
    }
    for (const call of calls) {
      const refused = await call().expect(429);
      expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', details: { subject: 'APIKEY', limit: 'requestsPerMinute', value: 5 } });
      expect(refused.body.error.type).toBe('rate_limit_error');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(rateLimitHeaders(refused)).toMatchObject({ limit: 5, remaining: 0 });
    }
  });

  it('counts documents per minute; a refused call takes none; a call larger than the limit is a 400', async () => {
    const caller = await newCaller(t.server, root, upstream);
    await setLimits(`apikeys/${caller.keyId}`, { documentsPerMinute: 10 }).expect(200);
    expect(rateLimitHeaders(await rerank(t.server, caller, 6).expect(200))).toMatchObject({ limit: 10, remaining: 4 });
    const refused = await rerank(t.server, caller, 6).expect(429);
    expect(refused.body.details).toMatchObject({ subject: 'APIKEY', limit: 'documentsPerMinute', value: 10 });
    expect(rateLimitHeaders(refused)).toMatchObject({ limit: 10, remaining: 4 });
    expect(rateLimitHeaders(await rerank(t.server, caller, 4).expect(200))).toMatchObject({ limit: 10, remaining: 0 });
    const tooLarge = await rerank(t.server, caller, 11).expect(400);
    expect(tooLarge.body).toMatchObject({ code: 'INVALID_ARGUMENT', details: { limit: 'documentsPerMinute', value: 10, documents: 11 } });
  });

  it('admits at most the concurrent calls allowed, and frees a slot when a call ends, failed or not', async () => {
    const caller = await newCaller(t.server, root, upstream);
    await setLimits(`apikeys/${caller.keyId}`, { concurrentCalls: 2 }).expect(200);
    upstream.fail({ kind: 'slow', delayMs: 1_500 }, 2);
    const responses = await Promise.all(Array.from({ length: 5 }, () => rerank(t.server, caller)));
    expect(statuses(responses)).toEqual({ 200: 2, 429: 3 });
    const refused = responses.find((res) => res.status === 429)!;
    expect(refused.body.details).toMatchObject({ subject: 'APIKEY', limit: 'concurrentCalls', value: 2 });
    expect(refused.headers['retry-after']).toBe('1');

    upstream.fail({ kind: 'status', status: 404 }, 2);
    await rerank(t.server, caller).expect(502);
    await rerank(t.server, caller).expect(502);
    expect(statuses(await Promise.all([rerank(t.server, caller), rerank(t.server, caller)]))).toEqual({ 200: 2 });
  });

  it("holds a key to its own limit and to its owner's, and never charges the owner for a call the key refuses", async () => {
    const first = await newCaller(t.server, root, upstream);
    const second = await secondKey(t.server, first);
    await setLimits(`apikeys/${first.keyId}`, { requestsPerMinute: 2 }).expect(200);
    await setLimits(`users/${first.userId}`, { requestsPerMinute: 3 }).expect(200);
    await rerank(t.server, first).expect(200);
    const tighter = await rerank(t.server, first).expect(200);
    expect(rateLimitHeaders(tighter)).toMatchObject({ limit: 2, remaining: 0 });
    expect((await rerank(t.server, first).expect(429)).body.details.subject).toBe('APIKEY');
    expect(rateLimitHeaders(await rerank(t.server, second).expect(200))).toMatchObject({ limit: 3, remaining: 0 });
    const byOwner = await rerank(t.server, second).expect(429);
    expect(byOwner.body.details).toMatchObject({ subject: 'USER', limit: 'requestsPerMinute', value: 3 });
    const owner = await as(t.server, first).get(`/v1/limits/users/${first.userId}`).expect(200);
    expect(owner.body.usage.requestsPerMinute).toMatchObject({ limit: 3, used: 3, remaining: 0 });
    const key = await as(t.server, first).get(`/v1/limits/apikeys/${first.keyId}`).expect(200);
    expect(key.body.usage.requestsPerMinute).toMatchObject({ limit: 2, used: 2, remaining: 0 });
  });

  it('sets, shows and clears overrides; defaults come from the configuration and 0 is unlimited', async () => {
    const caller = await newCaller(t.server, root, upstream);
    const path = `apikeys/${caller.keyId}`;
    const initial = await as(t.server, admin).get(`/v1/limits/${path}`).expect(200);
    expect(initial.body).toMatchObject({
      subject: 'APIKEY',
      id: caller.keyId,
      userId: caller.userId,
      overrides: { requestsPerMinute: null, documentsPerMinute: null, concurrentCalls: null, monthlyDocuments: null, monthlyCost: null },
      effective: { requestsPerMinute: 1000, documentsPerMinute: 0, concurrentCalls: 0, monthlyDocuments: 0, monthlyCost: 0 },
      updatedAt: null,
      updatedById: null,
    });
    expect(initial.body.month).toMatch(/^\d{4}-\d{2}$/);

    const set = await setLimits(path, { requestsPerMinute: 7, monthlyDocuments: 5000, monthlyCost: 12.5 }).expect(200);
    expect(set.body).toMatchObject({
      overrides: { requestsPerMinute: 7, monthlyDocuments: 5000, monthlyCost: 12.5, documentsPerMinute: null },
      effective: { requestsPerMinute: 7, monthlyDocuments: 5000, monthlyCost: 12.5 },
      updatedById: admin.userId,
    });
    expect(set.body.updatedAt).toEqual(expect.any(Number));
    expect(rateLimitHeaders(await rerank(t.server, caller).expect(200)).limit).toBe(7);

    const partial = await setLimits(path, { requestsPerMinute: null, concurrentCalls: 3 }).expect(200);
    expect(partial.body.overrides).toMatchObject({ requestsPerMinute: null, concurrentCalls: 3, monthlyDocuments: 5000 });
    expect(partial.body.effective.requestsPerMinute).toBe(1000);
    expect((await as(t.server, caller).get(`/v1/limits/${path}`).expect(200)).body.overrides.concurrentCalls).toBe(3);

    await setLimits(path, { requestsPerMinute: 0, monthlyDocuments: null, monthlyCost: null, concurrentCalls: null }).expect(200);
    await setLimits(`users/${caller.userId}`, { requestsPerMinute: 0 }).expect(200);
    const unlimited = await rerank(t.server, caller).expect(200);
    expect(unlimited.headers['ratelimit-limit']).toBeUndefined();
  });

  it('refuses bad ids and values, unknown subjects, and what the caller may not see or change', async () => {
    const caller = await newCaller(t.server, root, upstream);
    const other = await newCaller(t.server, root, upstream);
    for (const body of [{ requestsPerMinute: -1 }, { requestsPerMinute: 1.5 }, { monthlyCost: 0.0000001 }, { monthlyDocuments: '5' }, { burst: 3 }]) {
      expect((await setLimits(`users/${caller.userId}`, body).expect(400)).body.code).toBe('INVALID_ARGUMENT');
    }
    await as(t.server, admin).get('/v1/limits/users/not-a-uuid').expect(400);
    await as(t.server, admin).get(`/v1/limits/users/${randomUUID()}`).expect(404);
    await setLimits(`apikeys/${randomUUID()}`, { requestsPerMinute: 1 }).expect(404);
    await as(t.server, admin).get(`/v1/limits/apikeys/${caller.userId}`).expect(404);

    const member = as(t.server, caller);
    await member.get(`/v1/limits/users/${caller.userId}`).expect(200);
    await member.get(`/v1/limits/apikeys/${caller.keyId}`).expect(200);
    await member.get(`/v1/limits/users/${other.userId}`).expect(404);
    await member.get(`/v1/limits/apikeys/${other.keyId}`).expect(404);
    expect((await member.put(`/v1/limits/users/${caller.userId}`).send({ requestsPerMinute: 100 }).expect(403)).body.code).toBe('PERMISSION_DENIED');
    await member.put(`/v1/limits/apikeys/${caller.keyId}`).send({ requestsPerMinute: 100 }).expect(403);
  });

  it('lets an ADMIN read but not change the limits of ROOT and its keys; ROOT may', async () => {
    const rootKeys = await as(t.server, root).get('/v1/apikeys').expect(200);
    const rootKeyId = rootKeys.body.apiKeys[0].apiKeyId as string;
    await as(t.server, admin).get(`/v1/limits/users/${root.userId}`).expect(200);
    expect((await setLimits(`users/${root.userId}`, { requestsPerMinute: 1 }).expect(403)).body.code).toBe('PERMISSION_DENIED');
    await setLimits(`apikeys/${rootKeyId}`, { requestsPerMinute: 1 }).expect(403);
    const unchanged = await as(t.server, root).get(`/v1/limits/users/${root.userId}`).expect(200);
    expect(unchanged.body.overrides.requestsPerMinute).toBeNull();
    await setLimits(`users/${admin.userId}`, { documentsPerMinute: 100000 }, root).expect(200);
    await setLimits(`users/${root.userId}`, { documentsPerMinute: 100000 }, root).expect(200);
  });

  it('refuses with QUOTA_EXCEEDED once a monthly document quota is spent, and shows the owner what is left', async () => {
    const caller = await newCaller(t.server, root, upstream);
    await setLimits(`apikeys/${caller.keyId}`, { monthlyDocuments: 10 }).expect(200);
    await rerank(t.server, caller, 6).expect(200);
    const over = await rerank(t.server, caller, 6).expect(429);
    expect(over.body).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { subject: 'APIKEY', limit: 'monthlyDocuments', value: 10, used: 6 } });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    await rerank(t.server, caller, 4).expect(200);
    const left = await as(t.server, caller).get(`/v1/limits/apikeys/${caller.keyId}`).expect(200);
    const startOfNextMonth = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1);
    expect(left.body.usage.monthlyDocuments).toEqual({ limit: 10, used: 10, remaining: 0, resetsAt: startOfNextMonth });
    expect((await rerank(t.server, caller, 1).expect(429)).body.code).toBe('QUOTA_EXCEEDED');

    const owner = await newCaller(t.server, root, upstream);
    const otherKey = await secondKey(t.server, owner);
    await setLimits(`users/${owner.userId}`, { monthlyDocuments: 5 }).expect(200);
    await rerank(t.server, owner, 3).expect(200);
    expect((await rerank(t.server, otherKey, 3).expect(429)).body.details).toMatchObject({ subject: 'USER', limit: 'monthlyDocuments', used: 3 });
    expect((await as(t.server, owner).get(`/v1/limits/users/${owner.userId}`).expect(200)).body.usage.monthlyDocuments).toMatchObject({ used: 3, remaining: 2 });
  });

  it('refuses with QUOTA_EXCEEDED once a monthly cost quota is reached by what the calls were charged (their reranker\'s pricing)', async () => {
    const caller = await newCaller(t.server, root, upstream);
    await as(t.server, admin).patch(`/v1/rerankers/${caller.rerankerId}`).send({ pricing: { currency: 'USD', perRequest: '0.5' } }).expect(200);
    await setLimits(`apikeys/${caller.keyId}`, { monthlyCost: 1.5 }).expect(200);
    for (let call = 0; call < 3; call++) await rerank(t.server, caller).expect(200);
    const over = await rerank(t.server, caller).expect(429);
    expect(over.body).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { limit: 'monthlyCost', value: 1.5, used: 1.5 } });
    const left = await as(t.server, caller).get(`/v1/limits/apikeys/${caller.keyId}`).expect(200);
    expect(left.body.usage.monthlyCost).toMatchObject({ limit: 1.5, used: 1.5, remaining: 0 });
  });

  it('reads limits from memory on every call once known, and sees a change at once', async () => {
    const caller = await newCaller(t.server, root, upstream);
    await rerank(t.server, caller).expect(200);
    const misses = async () => Number(/cache_limits_lookups\{result="miss"\} (\d+)/.exec((await as(t.server, admin).get('/metrics').expect(200)).text)![1]);
    const before = await misses();
    for (let i = 0; i < 5; i++) await rerank(t.server, caller).expect(200);
    expect(await misses()).toBe(before);
    await setLimits(`apikeys/${caller.keyId}`, { requestsPerMinute: 1 }).expect(200);
    await rerank(t.server, caller).expect(429);
  });
});

/** Copies a user and their keys into another instance's database, so one key works on both. */
describe('rate limits across instances', () => {
  let upstream: FakeUpstream;

  beforeAll(async () => {
    upstream = await FakeUpstream.start('COHERE');
  });

  afterAll(async () => {
    await upstream.close();
  });

  /** Two instances, each on a database of its own, with the same member and key on both. */
  async function pair(env: Record<string, string>): Promise<{ a: TestApp; b: TestApp; onA: Caller; onB: Caller; limit: (body: Record<string, unknown>) => Promise<void> }> {
    const a = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', ...env });
    const b = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', ...env });
    const [rootA, rootB] = [await initRoot(a.server), await initRoot(b.server)];
    const onA = await newCaller(a.server, rootA, upstream);
    await mirrorUser(a, b, onA.userId);
    const reranker = await as(b.server, onA).post('/v1/rerankers').send(rerankerBody({ endpointUrl: upstream.url })).expect(201);
    const onB = { ...onA, rerankerId: reranker.body.rerankerId as string };
    const limit = async (body: Record<string, unknown>): Promise<void> => {
      await as(a.server, rootA).put(`/v1/limits/apikeys/${onA.keyId}`).send(body).expect(200);
      await as(b.server, rootB).put(`/v1/limits/apikeys/${onA.keyId}`).send(body).expect(200);
    };
    return { a, b, onA, onB, limit };
  }

  /** `count` concurrent calls, alternating between the two instances. */
  function burst(a: TestApp, b: TestApp, onA: Caller, onB: Caller, count: number): Promise<Response[]> {
    return Promise.all(Array.from({ length: count }, (_, i) => (i % 2 === 0 ? rerank(a.server, onA) : rerank(b.server, onB))));
  }

  itRedis('enforces one limit exactly when they share Redis', async () => {
    // A Redis command slower than RATE_LIMIT_REDIS_TIMEOUT_MS (250 ms by default) is counted in
    // process (fail open), which a loaded test machine reaches in a 60-call burst: more room here.
    const { a, b, onA, onB, limit } = await pair({
      REDIS_URL: TEST_REDIS_URL,
      RATE_LIMIT_REDIS_KEY_PREFIX: `rr-test-${randomUUID()}`,
      RATE_LIMIT_REDIS_TIMEOUT_MS: '10000',
    });
    try {
      await limit({ requestsPerMinute: 20 });
      expect(statuses(await burst(a, b, onA, onB, 60))).toEqual({ 200: 20, 429: 40 });

      await limit({ requestsPerMinute: null, concurrentCalls: 3 });
      upstream.fail({ kind: 'slow', delayMs: 1_500 }, 3);
      expect(statuses(await burst(a, b, onA, onB, 12))).toEqual({ 200: 3, 429: 9 });
      expect(statuses(await burst(a, b, onA, onB, 3))).toEqual({ 200: 3 });
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);

  it('enforces a limit per instance without Redis', async () => {
    const { a, b, onA, onB, limit } = await pair({});
    try {
      await limit({ requestsPerMinute: 20 });
      expect(statuses(await burst(a, b, onA, onB, 60))).toEqual({ 200: 40, 429: 20 });
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);
});

describe('rate limits when Redis is unreachable', () => {
  let upstream: FakeUpstream;

  beforeAll(async () => {
    upstream = await FakeUpstream.start('COHERE');
  });

  afterAll(async () => {
    await upstream.close();
  });

  async function withUnreachableRedis(env: Record<string, string>, check: (t: TestApp, root: Actor, caller: Caller) => Promise<void>): Promise<void> {
    const t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', REDIS_URL: `redis://127.0.0.1:${await freePort()}`, RATE_LIMIT_REQUESTS_PER_MINUTE: '2', ...env });
    try {
      const root = await initRoot(t.server);
      await check(t, root, await newCaller(t.server, root, upstream));
    } finally {
      await t.close();
    }
  }

  it('fails open by default: counts in process meanwhile, with a metric and a warning', async () => {
    await withUnreachableRedis({}, async (t, root, caller) => {
      await rerank(t.server, caller).expect(200);
      expect(rateLimitHeaders(await rerank(t.server, caller).expect(200))).toMatchObject({ limit: 2, remaining: 0 });
      await rerank(t.server, caller).expect(429);
      const metrics = await as(t.server, root).get('/metrics').expect(200);
      expect(Number(/rate_limit_store_failures_total\{mode="open"\} (\d+)/.exec(metrics.text)?.[1])).toBeGreaterThan(0);
      expect(t.logs.text).toContain('rate-limit store (Redis) failed: counting in process meanwhile');
    });
  });

  it('fails closed when configured: 503 UNAVAILABLE with Retry-After', async () => {
    await withUnreachableRedis({ RATE_LIMIT_REDIS_FAILURE: 'closed' }, async (t, root, caller) => {
      const refused = await rerank(t.server, caller).expect(503);
      expect(refused.body.code).toBe('UNAVAILABLE');
      expect(refused.headers['retry-after']).toBe('1');
      const metrics = await as(t.server, root).get('/metrics').expect(200);
      expect(Number(/rate_limit_store_failures_total\{mode="closed"\} (\d+)/.exec(metrics.text)?.[1])).toBeGreaterThan(0);
      expect(t.logs.text).toContain('rate-limit store (Redis) failed: refusing calls');
    });
  });
});
