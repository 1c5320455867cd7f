import { monitorEventLoopDelay } from 'node:perf_hooks';
import request from 'supertest';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { spyOnRepositories } from './support/repository-spy.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Documents whose fake-upstream scores are known: doc i scores scores[i]. */
const docs = (...scores: number[]) => scores.map((score, i) => `document ${i} score=${score}`);

describe('routing: model names, aliases, failover, last resort', () => {
  let t: TestApp;
  let root: Actor;
  let alice: Actor;
  let bob: Actor;
  const upstreams: FakeUpstream[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      EGRESS_ALLOW_PRIVATE: 'true',
      UPSTREAM_MAX_RETRIES: '0',
      CIRCUIT_FAILURE_THRESHOLD: '2',
      CIRCUIT_COOLDOWN_MS: '60000',
    });
    root = await initRoot(t.server);
    alice = await createActor(t.server, root);
    bob = await createActor(t.server, root);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
  });

  /** A reranker on an upstream of its own, so each can fail on its own. */
  async function reranker(owner: Actor, overrides: Record<string, unknown> = {}): Promise<{ id: string; upstream: FakeUpstream }> {
    const upstream = await FakeUpstream.start('VLLM');
    upstreams.push(upstream);
    const res = await as(t.server, owner)
      .post('/v1/rerankers')
      .send(rerankerBody({ providerType: 'VLLM', endpointUrl: upstream.url, modelIdentifier: `m-${upstreams.length}`, ...overrides }))
      .expect(201);
    return { id: res.body.rerankerId, upstream };
  }

  async function alias(owner: Actor, body: Record<string, unknown>): Promise<void> {
    await as(t.server, owner).post('/v1/aliases').send(body).expect(201);
  }

  const compat = (actor: Actor, model: string, documents = docs(0.1, 0.9, 0.5)) =>
    request(t.server).post('/v1/rerank').set('authorization', `Bearer ${actor.key}`).send({ model, query: 'q', documents });

  describe('model names', () => {
    it('resolves a reranker id, then an alias name, then a modelIdentifier', async () => {
      const byModel = await reranker(alice, { modelIdentifier: 'rerank-english-v2.0' });
      const viaAlias = await reranker(alice);
      const first = await compat(alice, 'rerank-english-v2.0').expect(200);
      expect(first.body.meta.servedBy).toBe(byModel.id);
      expect(first.body.results.map((r: { index: number }) => r.index)).toEqual([1, 2, 0]);

      await alias(alice, { name: 'rerank-english-v2.0', targets: [{ rerankerId: viaAlias.id }] });
      const second = await compat(alice, 'rerank-english-v2.0').expect(200);
      expect(second.body.meta).toMatchObject({ servedBy: viaAlias.id, alias: 'rerank-english-v2.0' });

      const third = await compat(alice, byModel.id.toUpperCase()).expect(200);
      expect(third.body.meta.servedBy).toBe(byModel.id);
    });

    it('answers 409 AMBIGUOUS_MODEL naming the candidates, and 404 saying what was looked up', async () => {
      const a = await reranker(alice, { modelIdentifier: 'twin' });
      const b = await reranker(alice, { modelIdentifier: 'twin' });
      const ambiguous = await compat(alice, 'twin').expect(409);
      expect(ambiguous.body.code).toBe('AMBIGUOUS_MODEL');
      expect(ambiguous.body.details.candidateRerankerIds.sort()).toEqual([a.id, b.id].sort());
      const unknown = await compat(alice, 'no-such-model').expect(404);
      expect(unknown.body).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"no-such-model"') });
    });

    it("never reaches another owner's alias or reranker by name", async () => {
      await reranker(alice, { modelIdentifier: 'alice-only-model' });
      await alias(alice, { name: 'alice-only-alias', targets: [{ rerankerId: (await reranker(alice)).id }] });
      await compat(bob, 'alice-only-model').expect(404);
      await compat(bob, 'alice-only-alias').expect(404);
      await as(t.server, bob).post('/v1/aliases/alice-only-alias/rerank').send({ query: 'q', documents: ['a'] }).expect(404);
    });
  });

  describe('failover', () => {
    it.each([
      ['a 503', { kind: 'status', status: 503 }, 'upstream_error'],
      ['a 429', { kind: 'status', status: 429 }, 'upstream_rate_limited'],
      ['a reset connection', { kind: 'reset' }, 'upstream_error'],
    ] as const)('moves on after %s from the first target', async (_case, fault, outcome) => {
      const owner = await createActor(t.server, root);
      const [first, second] = [await reranker(owner), await reranker(owner)];
      await alias(owner, { name: 'fo', targets: [{ rerankerId: first.id }, { rerankerId: second.id, priority: 1 }] });
      first.upstream.fail(fault);
      const res = await compat(owner, 'fo').expect(200);
      expect(res.body.meta.servedBy).toBe(second.id);
      expect(res.body.meta.attempts.map((a: { rerankerId: string; outcome: string }) => [a.rerankerId, a.outcome])).toEqual([
        [first.id, outcome],
        [second.id, 'ok'],
      ]);
      expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([1, 2, 0]);
    });

    it('moves on after a timeout, within the deadline', async () => {
      const owner = await createActor(t.server, root);
      const slow = await reranker(owner, { requestTimeoutMs: 300 });
      const fast = await reranker(owner);
      await alias(owner, { name: 'to', targets: [{ rerankerId: slow.id }, { rerankerId: fast.id, priority: 1 }] });
      slow.upstream.fail({ kind: 'hang' });
      const res = await compat(owner, 'to').expect(200);
      expect(res.body.meta.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['upstream_timeout', 'ok']);
    });

    it('moves on after a timeout when every target has the same timeout', async () => {
      const owner = await createActor(t.server, root);
      const slow = await reranker(owner, { requestTimeoutMs: 400 });
      const fast = await reranker(owner, { requestTimeoutMs: 400 });
      await alias(owner, { name: 'same-timeouts', targets: [{ rerankerId: slow.id }, { rerankerId: fast.id, priority: 1 }] });
      slow.upstream.fail({ kind: 'hang' });
      const res = await compat(owner, 'same-timeouts').expect(200);
      expect(res.body.meta).toMatchObject({ servedBy: fast.id });
      expect(res.body.meta.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['upstream_timeout', 'ok']);
    });

    it('returns a 400 the request caused, without trying elsewhere', async () => {
      const owner = await createActor(t.server, root);
      const [first, second] = [await reranker(owner), await reranker(owner)];
      await alias(owner, { name: 'bad', targets: [{ rerankerId: first.id }, { rerankerId: second.id }] });
      first.upstream.fail({ kind: 'status', status: 400, body: { error: { message: 'query too long' } } });
      const res = await compat(owner, 'bad').expect(502);
      expect(res.body).toMatchObject({ code: 'UPSTREAM_ERROR', details: { upstreamStatus: 400 } });
      expect(second.upstream.requests).toHaveLength(0);
    });

    it('skips a target whose circuit is open, without calling it', async () => {
      const owner = await createActor(t.server, root);
      const [broken, healthy] = [await reranker(owner), await reranker(owner)];
      broken.upstream.fail({ kind: 'status', status: 500 });
      for (let i = 0; i < 2; i++) {
        await as(t.server, owner).post(`/v1/rerankers/${broken.id}/rerank`).send({ query: 'q', documents: ['a'] }).expect(502);
      }
      await alias(owner, { name: 'oc', targets: [{ rerankerId: broken.id }, { rerankerId: healthy.id, priority: 1 }] });
      const callsBefore = broken.upstream.requests.length;
      const res = await compat(owner, 'oc').expect(200);
      expect(res.body.meta.attempts).toEqual([{ rerankerId: healthy.id, outcome: 'ok', latencyMs: expect.any(Number) }]);
      expect(broken.upstream.requests.length).toBe(callsBefore);
    });

    it('answers with the last failure, and every attempt, when no target succeeds', async () => {
      const owner = await createActor(t.server, root);
      const [a, b] = [await reranker(owner), await reranker(owner)];
      a.upstream.fail({ kind: 'status', status: 503 });
      b.upstream.fail({ kind: 'status', status: 504 });
      await alias(owner, { name: 'down', targets: [{ rerankerId: a.id }, { rerankerId: b.id }] });
      const res = await compat(owner, 'down').expect(502);
      expect(res.body.details.attempts.map((x: { rerankerId: string }) => x.rerankerId)).toEqual([a.id, b.id]);
      expect(res.body.details.alias).toBe('down');
    });

    it('falls back to fallbackRerankerIds on the native route, each needing EXECUTE', async () => {
      const [primary, backup] = [await reranker(alice), await reranker(alice)];
      const foreign = await reranker(bob);
      primary.upstream.fail({ kind: 'status', status: 503 }, 1);
      const res = await as(t.server, alice)
        .post(`/v1/rerankers/${primary.id}/rerank`)
        .send({ query: 'q', documents: docs(0.3, 0.7), fallbackRerankerIds: [backup.id.toUpperCase()] })
        .expect(200);
      expect(res.body.rerankerId).toBe(backup.id);
      expect(res.body.meta.servedBy).toBe(backup.id);
      await as(t.server, alice)
        .post(`/v1/rerankers/${primary.id}/rerank`)
        .send({ query: 'q', documents: ['a'], fallbackRerankerIds: [foreign.id] })
        .expect(404);
      const repeated = await as(t.server, alice)
        .post(`/v1/rerankers/${primary.id}/rerank`)
        .send({ query: 'q', documents: ['a'], fallbackRerankerIds: [primary.id.toUpperCase()] })
        .expect(400);
      expect(repeated.body.message).toMatch(/must not repeat/);
    });
  });

  describe('permissions follow the caller, at every call', () => {
    it("stops a demoted admin's alias over another tenant's reranker at once", async () => {
      const admin = await createActor(t.server, root, 'ADMIN');
      const theirs = await reranker(bob);
      await alias(admin, { name: 'over-bob', targets: [{ rerankerId: theirs.id }] });
      await compat(admin, 'over-bob').expect(200);
      await as(t.server, root).patch(`/v1/users/${admin.userId}`).send({ role: 'MEMBER' }).expect(200);
      const callsBefore = theirs.upstream.requests.length;
      const refused = await compat(admin, 'over-bob').expect(503);
      expect(refused.body.code).toBe('UPSTREAM_UNAVAILABLE');
      await as(t.server, admin).post('/v1/aliases/over-bob/rerank').send({ query: 'q', documents: ['a'] }).expect(503);
      expect(theirs.upstream.requests.length).toBe(callsBefore);
    });

    it('checks the document limit before any target or the lexical last resort', async () => {
      const owner = await createActor(t.server, root);
      const down = await reranker(owner);
      down.upstream.fail({ kind: 'status', status: 503 });
      await alias(owner, { name: 'lex-limit', lastResort: 'LEXICAL', targets: [{ rerankerId: down.id }] });
      const documents = Array.from({ length: 10_001 }, (_, i) => `d${i}`);
      const res = await as(t.server, owner).post('/v1/aliases/lex-limit/rerank').send({ query: 'q', documents }).expect(400);
      expect(res.body.message).toMatch(/at most 10000/);
      expect(down.upstream.requests).toHaveLength(0);
    });
  });

  it('splits WEIGHTED calls 3:1 over 1,000 calls (smooth round-robin: exact within one instance)', async () => {
    const owner = await createActor(t.server, root);
    const [heavy, light] = [await reranker(owner), await reranker(owner)];
    await alias(owner, { name: 'split', strategy: 'WEIGHTED', targets: [{ rerankerId: heavy.id, weight: 3 }, { rerankerId: light.id, weight: 1 }] });
    const served = new Map<string, number>();
    for (let wave = 0; wave < 50; wave++) {
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => as(t.server, owner).post('/v1/aliases/split/rerank').send({ query: 'q', documents: ['a'] }).expect(200)),
      );
      for (const reply of replies) served.set(reply.body.meta.servedBy, (served.get(reply.body.meta.servedBy) ?? 0) + 1);
    }
    expect(served.get(heavy.id)).toBe(750);
    expect(served.get(light.id)).toBe(250);
  });

  it('ranks lexically (BM25), flagged as degraded, when every target failed and the alias allows it', async () => {
    const owner = await createActor(t.server, root);
    const down = await reranker(owner);
    down.upstream.fail({ kind: 'status', status: 503 });
    await alias(owner, { name: 'lex', lastResort: 'LEXICAL', targets: [{ rerankerId: down.id }] });
    const documents = ['The weather is nice.', 'Rotate the encryption keys every year.', 'Encryption keys live in the vault.'];
    const res = await as(t.server, owner)
      .post('/v1/aliases/lex/rerank')
      .send({ query: 'rotate encryption keys', documents, topN: 2 })
      .expect(200);
    expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([1, 2]);
    expect(res.body.results[0].relevanceScore).toBe(1);
    expect(res.body.meta).toMatchObject({ degraded: true, servedBy: 'LEXICAL', providerType: 'LEXICAL', alias: 'lex' });
    expect(res.body.meta.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['upstream_error', 'ok']);
  });

  describe('the lexical last resort (issue 19 item 1)', () => {
    async function deadAlias(owner: Actor, name: string): Promise<void> {
      const down = await reranker(owner);
      down.upstream.fail({ kind: 'status', status: 503 });
      await alias(owner, { name, lastResort: 'LEXICAL', targets: [{ rerankerId: down.id }] });
    }

    it('refuses a call over LEXICAL_MAX_WORK with 413 naming it, and keeps the event loop responsive while big calls run back to back', async () => {
      const owner = await createActor(t.server, root);
      await deadAlias(owner, 'lex-hostile');
      const terms = (count: number) => Array.from({ length: count }, (_, i) => `w${i.toString(36)}`).join(' ');
      // 16,000 distinct terms x 10,000 documents: far over the default bound (20,000,000).
      const tooMuch = await as(t.server, owner)
        .post('/v1/aliases/lex-hostile/rerank')
        .send({ query: terms(16_000), documents: Array.from({ length: 10_000 }, (_, i) => `w${i.toString(36)} x`) })
        .expect(413);
      expect(tooMuch.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: 'LEXICAL_MAX_WORK' } });
      // Just within it: 9,500 terms x 2,000 documents of 100 words, ranked on a worker thread.
      const documents = Array.from({ length: 2_000 }, (_, i) => terms(100).replace('w0', `w${(i * 7).toString(36)}`));
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      for (let call = 0; call < 3; call++) {
        const res = await as(t.server, owner).post('/v1/aliases/lex-hostile/rerank').send({ query: terms(9_500), documents, topN: 3 }).expect(200);
        expect(res.body.meta).toMatchObject({ degraded: true, servedBy: 'LEXICAL' });
      }
      delay.disable();
      expect(delay.percentile(99) / 1e6).toBeLessThan(50);
    });

    it("counts what it served on the caller's monthly documents quota", async () => {
      const owner = await createActor(t.server, root);
      await deadAlias(owner, 'lex-quota');
      const keyId = (await as(t.server, owner).get('/v1/apikeys').expect(200)).body.apiKeys[0].apiKeyId;
      await as(t.server, root).put(`/v1/limits/apikeys/${keyId}`).send({ monthlyDocuments: 10 }).expect(200);
      const call = () => as(t.server, owner).post('/v1/aliases/lex-quota/rerank').send({ query: 'q', documents: ['q a', 'b', 'c', 'd', 'e'] });
      await call().expect(200);
      await call().expect(200);
      expect((await call().expect(429)).body).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { limit: 'monthlyDocuments' } });
      const usage = (await as(t.server, owner).get(`/v1/limits/apikeys/${keyId}`).expect(200)).body.usage;
      expect(usage.monthlyDocuments).toMatchObject({ used: 10, remaining: 0 });
    });
  });

  it('makes no database query per call in steady state, by id, by alias or by model name', async () => {
    const owner = await createActor(t.server, root);
    const target = await reranker(owner, { modelIdentifier: 'steady-model' });
    await alias(owner, { name: 'steady', targets: [{ rerankerId: target.id }] });
    const calls = () => [
      as(t.server, owner).post(`/v1/rerankers/${target.id}/rerank`).send({ query: 'q', documents: ['a'] }).expect(200),
      as(t.server, owner).post('/v1/aliases/steady/rerank').send({ query: 'q', documents: ['a'] }).expect(200),
      compat(owner, 'steady').expect(200),
      compat(owner, 'steady-model').expect(200),
    ];
    await Promise.all(calls());
    const repositories = spyOnRepositories();
    try {
      for (let i = 0; i < 10; i++) await Promise.all(calls());
      expect(repositories.called()).toEqual([]);
      await compat(owner, 'a-name-nobody-uses').expect(404);
      expect(repositories.called()).toEqual([
        'RerankersRepository.findIdsByModel',
        'AliasesRepository.findRoute',
      ]);
    } finally {
      repositories.restore();
    }
  });
});
