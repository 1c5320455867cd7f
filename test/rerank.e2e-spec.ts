import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream, type ProviderFormat } from './support/fake-upstream.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const UPSTREAM_SECRET = 'upstream-secret-0123456789';
const FORMATS: ProviderFormat[] = ['COHERE', 'JINA', 'VOYAGE', 'TEI', 'VLLM', 'LLAMA_CPP', 'OPENAI'];

/** Documents whose fake-upstream scores are known: doc i scores scores[i]. */
const docs = (...scores: number[]) => scores.map((score, i) => `document ${i} score=${score}`);

describe('rerank execution', () => {
  let t: TestApp;
  let root: Actor;
  let alice: Actor;
  let bob: Actor;
  const upstreams = new Map<ProviderFormat, FakeUpstream>();

  beforeAll(async () => {
    t = await startTestApp({
      EGRESS_ALLOW_PRIVATE: 'true',
      CIRCUIT_FAILURE_THRESHOLD: '3',
      CIRCUIT_COOLDOWN_MS: '400',
      UPSTREAM_MAX_RESPONSE_BYTES: String(256 * 1024),
      RERANK_MAX_DOCUMENTS: '200',
    });
    root = await initRoot(t.server);
    alice = await createActor(t.server, root);
    bob = await createActor(t.server, root);
    for (const format of FORMATS) upstreams.set(format, await FakeUpstream.start(format));
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([...upstreams.values()].map((u) => u.close()));
  });

  beforeEach(() => {
    for (const upstream of upstreams.values()) upstream.clear();
  });

  async function register(format: ProviderFormat, overrides: Record<string, unknown> = {}, owner = alice): Promise<string> {
    const res = await as(t.server, owner)
      .post('/v1/rerankers')
      .send(
        rerankerBody({
          providerType: format,
          endpointUrl: `${upstreams.get(format)!.url}/base`,
          modelIdentifier: `model-${randomUUID().slice(0, 6)}`,
          credentials: inlineCredentials(UPSTREAM_SECRET),
          extraHeaders: { 'X-Team': 'search' },
          ...overrides,
        }),
      )
      .expect(201);
    return res.body.rerankerId;
  }

  const rerank = (id: string, body: Record<string, unknown>, actor = alice) =>
    as(t.server, actor).post(`/v1/rerankers/${id}/rerank`).send(body);

  describe.each(FORMATS)('%s', (format) => {
    it('reranks through the provider format, sorted by score, documents echoed from the input', async () => {
      const id = await register(format);
      const documents = docs(0.2, 0.9, 0.5);
      const res = await rerank(id, { query: 'what matters', documents }).expect(200);

      expect(res.body.rerankerId).toBe(id);
      expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([1, 2, 0]);
      // llama.cpp answers raw logits: SIGMOID is its default normalization.
      const expected = [0.9, 0.5, 0.2].map((score) => (format === 'LLAMA_CPP' ? 1 / (1 + Math.exp(-score)) : score));
      expect(res.body.results.map((r: { relevanceScore: number }) => r.relevanceScore)).toEqual(expected);
      expect(res.body.results.map((r: { document: string }) => r.document)).toEqual([documents[1], documents[2], documents[0]]);
      expect(res.body.meta).toMatchObject({ providerType: format, upstreamRequests: 1 });
      expect(typeof res.body.meta.upstreamLatencyMs).toBe('number');

      const [sent] = upstreams.get(format)!.requests;
      const expectedPath = format === 'COHERE' ? '/base/v2/rerank' : format === 'JINA' ? '/base/v1/rerank' : '/base/rerank';
      expect(sent!.path).toBe(expectedPath);
      expect(sent!.headers.authorization).toBe(`Bearer ${UPSTREAM_SECRET}`);
      expect(sent!.headers['x-team']).toBe('search');
      expect(sent!.headers['x-api-key']).toBeUndefined();
      expect(JSON.stringify(sent!.headers)).not.toContain(alice.key);
      expect(sent!.body.query).toBe('what matters');
      expect(sent!.body[format === 'TEI' ? 'texts' : 'documents']).toEqual(documents);
    });

    it('applies topN itself', async () => {
      const id = await register(format);
      const res = await rerank(id, { query: 'q', documents: docs(0.1, 0.7, 0.3, 0.9), topN: 2, returnDocuments: false }).expect(200);
      expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([3, 1]);
      expect(res.body.results[0]).not.toHaveProperty('document');
    });
  });

  it('translates top_n per provider: top_k for Voyage, nothing for TEI, no unknown fields for Cohere v2', async () => {
    for (const format of ['VOYAGE', 'TEI', 'COHERE'] as const) {
      await rerank(await register(format), { query: 'q', documents: docs(0.1, 0.2), topN: 1, maxTokensPerDoc: 256 }).expect(200);
    }
    expect(upstreams.get('VOYAGE')!.requests[0]!.body).toMatchObject({ top_k: 1 });
    expect(upstreams.get('TEI')!.requests[0]!.body).not.toHaveProperty('top_n');
    expect(Object.keys(upstreams.get('COHERE')!.requests[0]!.body).sort()).toEqual(['documents', 'max_tokens_per_doc', 'model', 'query', 'top_n']);
  });

  it("sorts and cuts when the upstream ignores top_n and returns everything unsorted", async () => {
    const id = await register('COHERE');
    upstreams.get('COHERE')!.fail({ kind: 'ignore-top-n' });
    const res = await rerank(id, { query: 'q', documents: docs(0.3, 0.1, 0.8, 0.5), topN: 2 }).expect(200);
    expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([2, 3]);
  });

  it("batches past TEI's 32 documents, concurrently, and merges by global index", async () => {
    const id = await register('TEI');
    const scores = Array.from({ length: 70 }, (_, i) => (i * 37) % 101 / 100);
    const res = await rerank(id, { query: 'q', documents: docs(...scores), topN: 5 }).expect(200);
    const sent = upstreams.get('TEI')!.requests;
    expect(sent.map((r) => (r.body.texts as string[]).length).sort((a, b) => a - b)).toEqual([6, 32, 32]);
    expect(res.body.meta.upstreamRequests).toBe(3);
    const expected = scores.map((score, index) => ({ index, score })).sort((a, b) => b.score - a.score || a.index - b.index).slice(0, 5);
    expect(res.body.results.map((r: { index: number }) => r.index)).toEqual(expected.map((e) => e.index));
  });

  it("batches at the reranker's maxDocumentsPerRequest and sums the reported usage", async () => {
    const id = await register('JINA', { maxDocumentsPerRequest: 2 });
    const res = await rerank(id, { query: 'q', documents: docs(0.1, 0.2, 0.3, 0.4, 0.5) }).expect(200);
    expect(upstreams.get('JINA')!.requests).toHaveLength(3);
    expect(res.body.usage).toEqual({ total_tokens: 30 });
    expect(res.body.results[0]).toEqual({ index: 4, relevanceScore: 0.5, document: 'document 4 score=0.5' });
  });

  it('ranks structured documents by their rankFields and echoes the objects', async () => {
    const id = await register('COHERE');
    const documents = [
      { title: 'Alpha score=0.2', body: 'first', id: 1 },
      { title: 'Beta', body: 'second score=0.8', id: 2 },
    ];
    const res = await rerank(id, { query: 'q', documents, rankFields: ['title', 'body'] }).expect(200);
    expect(upstreams.get('COHERE')!.requests[0]!.body.documents).toEqual(['title: Alpha score=0.2\nbody: first', 'title: Beta\nbody: second score=0.8']);
    expect(res.body.results.map((r: { document: unknown }) => r.document)).toEqual([documents[1], documents[0]]);

    await rerank(id, { query: 'q', documents: [{ text: 'plain score=0.4' }] }).expect(200);
    expect(upstreams.get('COHERE')!.requests[1]!.body.documents).toEqual(['plain score=0.4']);
    const missing = await rerank(id, { query: 'q', documents: [{ title: 'x' }] }).expect(400);
    expect(missing.body.message).toMatch(/documents\[0\] has none of the rank fields/);
  });

  describe('request validation', () => {
    it.each([
      ['an empty query', { query: '', documents: ['a'] }],
      ['no documents', { query: 'q', documents: [] }],
      ['a bad document', { query: 'q', documents: ['a', 7] }],
      ['topN 0', { query: 'q', documents: ['a'], topN: 0 }],
      ['an unknown field', { query: 'q', documents: ['a'], top_n: 1 }],
      ['too many documents', { query: 'q', documents: Array.from({ length: 201 }, () => 'd') }],
    ])('refuses %s with 400', async (_case, body) => {
      const id = await register('VLLM');
      const res = await rerank(id, body).expect(400);
      expect(res.body.code).toBe('INVALID_ARGUMENT');
      expect(upstreams.get('VLLM')!.requests).toHaveLength(0);
    });

    it('refuses text documents for a reranker without the TEXT modality', async () => {
      const id = await register('VLLM', { supportedModalities: ['IMAGE'] });
      const res = await rerank(id, { query: 'q', documents: ['a'] }).expect(400);
      expect(res.body.message).toMatch(/TEXT/);
    });
  });

  describe('upstream faults', () => {
    const vllm = () => upstreams.get('VLLM')!;

    it('answers 504 UPSTREAM_TIMEOUT when the upstream is slower than requestTimeoutMs', async () => {
      const id = await register('VLLM', { requestTimeoutMs: 300 });
      vllm().fail({ kind: 'slow', delayMs: 1_000 });
      const res = await rerank(id, { query: 'q', documents: ['a'] }).expect(504);
      expect(res.body.code).toBe('UPSTREAM_TIMEOUT');
    });

    it('answers 504 when the upstream hangs', async () => {
      const id = await register('VLLM', { requestTimeoutMs: 300 });
      vllm().fail({ kind: 'hang' });
      await rerank(id, { query: 'q', documents: ['a'] }).expect(504);
    });

    it('retries a 429 honouring Retry-After, then succeeds', async () => {
      const id = await register('VLLM');
      vllm().fail({ kind: 'status', status: 429, headers: { 'retry-after': '0' } }, 1);
      const res = await rerank(id, { query: 'q', documents: docs(0.5) }).expect(200);
      expect(res.body.meta.upstreamRequests).toBe(2);
    });

    it('answers 429 UPSTREAM_RATE_LIMITED after the retries', async () => {
      const id = await register('VLLM');
      vllm().fail({ kind: 'status', status: 429, headers: { 'retry-after': '0' }, body: { error: { message: 'slow down' } } });
      const res = await rerank(id, { query: 'q', documents: ['a'] }).expect(429);
      expect(res.body.code).toBe('UPSTREAM_RATE_LIMITED');
      expect(res.body.message).toContain('slow down');
      expect(vllm().requests).toHaveLength(3);
    });

    it('does not wait for a Retry-After beyond the deadline', async () => {
      const id = await register('VLLM', { requestTimeoutMs: 1_000 });
      vllm().fail({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
      await rerank(id, { query: 'q', documents: ['a'] }).expect(429);
      expect(vllm().requests).toHaveLength(1);
    });

    it('retries 503 twice and succeeds on the third request', async () => {
      const id = await register('VLLM');
      vllm().fail({ kind: 'status', status: 503 }, 2);
      const res = await rerank(id, { query: 'q', documents: docs(0.5) }).expect(200);
      expect(res.body.meta.upstreamRequests).toBe(3);
    });

    it('answers 502 UPSTREAM_ERROR with the upstream status after failing 5xx retries', async () => {
      const id = await register('VLLM');
      vllm().fail({ kind: 'status', status: 502, body: { message: 'bad gateway upstream' } });
      const res = await rerank(id, { query: 'q', documents: ['a'] }).expect(502);
      expect(res.body).toMatchObject({ code: 'UPSTREAM_ERROR', details: { upstreamStatus: 502 } });
      expect(vllm().requests).toHaveLength(3);
    });

    it('never retries another 4xx and reports its message', async () => {
      const id = await register('VLLM');
      vllm().fail({ kind: 'status', status: 400, body: { error: { message: 'model not loaded', type: 'BadRequest', code: 400 } } });
      const res = await rerank(id, { query: 'q', documents: ['a'] }).expect(502);
      expect(res.body).toMatchObject({ code: 'UPSTREAM_ERROR', details: { upstreamStatus: 400 } });
      expect(res.body.message).toContain('model not loaded');
      expect(vllm().requests).toHaveLength(1);
    });

    it.each([
      ['malformed JSON', { kind: 'malformed' } as const, /not JSON/],
      ['an out-of-range index', { kind: 'wrong-indices' } as const, /out of range/],
      ['a duplicate index', { kind: 'duplicate-indices' } as const, /twice/],
      ['a non-numeric score', { kind: 'non-numeric-score' } as const, /numeric/],
      ['a body over the size cap', { kind: 'huge', bytes: 512 * 1024 } as const, /larger than/],
    ])('answers 502 UPSTREAM_BAD_RESPONSE to %s', async (_case, fault, message) => {
      const id = await register('VLLM');
      vllm().fail(fault);
      const res = await rerank(id, { query: 'q', documents: docs(0.1, 0.2) }).expect(502);
      expect(res.body.code).toBe('UPSTREAM_BAD_RESPONSE');
      expect(res.body.message).toMatch(message);
    });

    it('retries a reset connection, and reports it when it persists', async () => {
      const id = await register('VLLM');
      vllm().fail({ kind: 'reset' }, 1);
      await rerank(id, { query: 'q', documents: docs(0.3) }).expect(200);
      vllm().clear();
      vllm().fail({ kind: 'reset' });
      const res = await rerank(id, { query: 'q', documents: ['a'] }).expect(502);
      expect(res.body.code).toBe('UPSTREAM_ERROR');
      expect(vllm().requests).toHaveLength(3);
    });

    it('does not follow redirects', async () => {
      const id = await register('VLLM');
      vllm().fail({ kind: 'redirect' });
      const res = await rerank(id, { query: 'q', documents: ['a'] }).expect(502);
      expect(res.body).toMatchObject({ code: 'UPSTREAM_ERROR', details: { upstreamStatus: 302 } });
    });

    it('opens the circuit after consecutive failures, fails fast, then probes and closes', async () => {
      const id = await register('VLLM', { requestTimeoutMs: 2_000 });
      vllm().fail({ kind: 'status', status: 500 });
      for (let i = 0; i < 3; i++) await rerank(id, { query: 'q', documents: ['a'] }).expect(502);
      const before = vllm().requests.length;
      const fast = await rerank(id, { query: 'q', documents: ['a'] }).expect(503);
      expect(fast.body.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(vllm().requests.length).toBe(before);

      vllm().clear();
      await new Promise((resolve) => setTimeout(resolve, 450));
      await rerank(id, { query: 'q', documents: docs(0.4) }).expect(200);
      await rerank(id, { query: 'q', documents: docs(0.4) }).expect(200);
    });

    it('lets a multi-batch call through a half-open circuit: the probe batch first, the others once it settled', async () => {
      const id = await register('VLLM', { requestTimeoutMs: 2_000, maxDocumentsPerRequest: 1 });
      vllm().fail({ kind: 'status', status: 500 });
      for (let i = 0; i < 3; i++) await rerank(id, { query: 'q', documents: ['a'] }).expect(502);
      vllm().clear();
      await new Promise((resolve) => setTimeout(resolve, 450));
      const res = await rerank(id, { query: 'q', documents: docs(0.2, 0.9, 0.5) }).expect(200);
      expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([1, 2, 0]);
      expect(res.body.meta.upstreamRequests).toBe(3);
    });
  });

  describe('isolation', () => {
    it("answers 404 to a member executing or pinging someone else's reranker; admins may", async () => {
      const id = await register('LLAMA_CPP');
      const hidden = await rerank(id, { query: 'q', documents: ['a'] }, bob).expect(404);
      expect(hidden.body.code).toBe('NOT_FOUND');
      await as(t.server, bob).post(`/v1/rerankers/${id}/ping`).expect(404);
      await rerank(id, { query: 'q', documents: docs(0.1) }, root).expect(200);
      await rerank(randomUUID(), { query: 'q', documents: ['a'] }).expect(404);
      await request(t.server).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: ['a'] }).expect(401);
    });

    it('sees an update or a delete on the very next call', async () => {
      const id = await register('LLAMA_CPP');
      await rerank(id, { query: 'q', documents: docs(0.1) }).expect(200);
      await as(t.server, alice).patch(`/v1/rerankers/${id}`).send({ modelIdentifier: 'renamed-model' }).expect(200);
      const res = await rerank(id, { query: 'q', documents: docs(0.1) }).expect(200);
      expect(res.body.model).toBe('renamed-model');
      expect(upstreams.get('LLAMA_CPP')!.requests.at(-1)!.body.model).toBe('renamed-model');
      await as(t.server, alice).delete(`/v1/rerankers/${id}`).expect(204);
      await rerank(id, { query: 'q', documents: ['a'] }).expect(404);
    });
  });

  describe('ping', () => {
    it('reports a healthy upstream', async () => {
      const id = await register('TEI');
      const res = await as(t.server, alice).post(`/v1/rerankers/${id}/ping`).expect(200);
      expect(res.body).toEqual({ ok: true, httpStatus: 200, rttMs: expect.any(Number) });
      expect(upstreams.get('TEI')!.requests[0]!.body.texts).toEqual(['ping']);
    });

    it('reports a failing upstream without retrying', async () => {
      const id = await register('TEI');
      upstreams.get('TEI')!.fail({ kind: 'status', status: 503, body: { error: 'overloaded', error_type: 'Overloaded' } });
      const res = await as(t.server, alice).post(`/v1/rerankers/${id}/ping`).expect(200);
      expect(res.body).toEqual({ ok: false, httpStatus: 503, rttMs: expect.any(Number), errorMessage: 'overloaded' });
      expect(upstreams.get('TEI')!.requests).toHaveLength(1);
    });
  });

  describe('drop-in compatible endpoints', () => {
    it.each(['/v1/rerank', '/rerank'])('%s speaks the Jina / Cohere v1 shape with Bearer auth', async (path) => {
      const id = await register('JINA');
      const documents = docs(0.3, 0.6);
      const res = await request(t.server)
        .post(path)
        .set('authorization', `Bearer ${alice.key}`)
        .send({ model: id, query: 'q', documents, top_n: 1, return_documents: true })
        .expect(200);
      expect(res.body).toMatchObject({
        id: res.headers['x-request-id'],
        model: expect.any(String),
        results: [{ index: 1, relevance_score: 0.6, document: { text: documents[1] } }],
        usage: { total_tokens: 10 },
        meta: { providerType: 'JINA', upstreamRequests: 1 },
      });
    });

    it('/v2/rerank speaks the Cohere v2 shape', async () => {
      const id = await register('COHERE');
      const res = await request(t.server)
        .post('/v2/rerank')
        .set('authorization', `Bearer ${alice.key}`)
        .send({ model: id, query: 'q', documents: docs(0.3, 0.6, 0.1), top_n: 2, max_tokens_per_doc: 100 })
        .expect(200);
      expect(res.body.results).toEqual([
        { index: 1, relevance_score: 0.6 },
        { index: 0, relevance_score: 0.3 },
      ]);
      expect(res.body.meta.api_version).toEqual({ version: '2' });
    });

    it('explains a model that names nothing of the caller, with message and code', async () => {
      const res = await request(t.server)
        .post('/v1/rerank')
        .set('authorization', `Bearer ${alice.key}`)
        .send({ model: 'rerank-english-v3.0', query: 'q', documents: ['a'] })
        .expect(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"rerank-english-v3.0"'), detail: expect.any(String) });
      await request(t.server).post('/v2/rerank').send({ model: randomUUID(), query: 'q', documents: ['a'] }).expect(401);
      await as(t.server, alice).post('/v2/rerank').send({ model: randomUUID(), query: 'q', documents: ['a'] }).expect(404);
    });
  });

  it('never writes the upstream secret or API keys to the logs', () => {
    expect(t.logs.text).not.toContain(UPSTREAM_SECRET);
    expect(t.logs.text).not.toContain(alice.key);
  });
});
