import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream, type FakeUpstreamOptions, type ProviderFormat } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Documents whose fake-upstream scores are known: doc i scores scores[i]. */
const docs = (...scores: number[]) => scores.map((score, i) => `document ${i} score=${score}`);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** The service's token estimate (one per 3 characters). */
const estimate = (text: string) => Math.ceil(text.length / 3);

type Row = { index: number; relevance_score: number; document?: unknown };
const indices = (body: { results: Array<{ index: number }> }) => body.results.map((r) => r.index);

describe('drop-in fidelity: lenient compatible endpoints, adapters that match the real servers', () => {
  let t: TestApp;
  let admin: Actor;
  let alice: Actor;
  const fakes: FakeUpstream[] = [];

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'debug', CIRCUIT_FAILURE_THRESHOLD: '3', CIRCUIT_COOLDOWN_MS: '60000' });
    const root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    alice = await createActor(t.server, root);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all(fakes.map((fake) => fake.close()));
  });

  async function fake(format: ProviderFormat, options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
    const upstream = await FakeUpstream.start(format, options);
    fakes.push(upstream);
    return upstream;
  }

  async function register(upstream: FakeUpstream, overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await as(t.server, alice)
      .post('/v1/rerankers')
      .send(rerankerBody({ providerType: upstream.format, endpointUrl: upstream.url, modelIdentifier: `m-${randomUUID().slice(0, 8)}`, ...overrides }))
      .expect(201);
    return res.body.rerankerId;
  }

  const bearer = (path: string) => request(t.server).post(path).set('authorization', `Bearer ${alice.key}`);
  const native = (id: string, body: Record<string, unknown>) => as(t.server, alice).post(`/v1/rerankers/${id}/rerank`).send(body);

  describe('compatible endpoints accept what real clients send', () => {
    let upstream: FakeUpstream;
    let id: string;

    beforeAll(async () => {
      upstream = await fake('COHERE');
      id = await register(upstream);
    });

    it('accepts and ignores Cohere v1, v2 (7.x and 8.x) and Jina fields, null included, and unknown ones', async () => {
      const v1 = await bearer('/v1/rerank')
        .send({ model: id, query: 'q', documents: docs(0.2, 0.8), max_chunks_per_doc: null, truncation: true, return_embeddings: false, someday: { x: 1 } })
        .expect(200);
      expect(indices(v1.body)).toEqual([1, 0]);
      const v2 = await bearer('/v2/rerank')
        .send({ model: id, query: 'q', documents: docs(0.2, 0.8), priority: 0, max_chunks_per_doc: 10, return_documents: null, rank_fields: null })
        .expect(200);
      expect(indices(v2.body)).toEqual([1, 0]);
      // Nothing we ignore reaches the strict upstream (Cohere v2 answers 422 to unknown fields).
      for (const sent of upstream.requests) expect(Object.keys(sent.body).sort()).toEqual(['documents', 'model', 'query', 'top_n']);
    });

    it('counts the ignored fields by route and name (anything else as "other") and logs them at debug', async () => {
      await bearer('/rerank').send({ model: id, query: 'q', documents: ['a'], truncation: true, 'x-anything': 1, other_thing: 2 }).expect(200);
      const metrics = await as(t.server, admin).get('/metrics').expect(200);
      expect(metrics.text).toContain('compat_ignored_fields_total{route="/rerank",field="truncation"} 1');
      expect(metrics.text).toContain('compat_ignored_fields_total{route="/rerank",field="other"} 2');
      expect(metrics.text).toContain('compat_ignored_fields_total{route="/v2/rerank",field="priority"} 1');
      expect(metrics.text).toContain('compat_ignored_fields_total{route="/v1/rerank",field="max_chunks_per_doc"} 1');
      expect(metrics.text).not.toContain('field="x-anything"');
      const line = t.logs.lines.find((entry) => entry.includes('fields ignored') && entry.includes('x-anything'));
      expect(JSON.parse(line!)).toMatchObject({ level: 20, route: '/rerank', fields: ['truncation', 'x-anything', 'other_thing'] });
    });

    it.each([null, 0, -1])('reads top_n %p as "all documents"', async (topN) => {
      const res = await bearer('/v1/rerank').send({ model: id, query: 'q', documents: docs(0.1, 0.3, 0.2), top_n: topN }).expect(200);
      expect(indices(res.body)).toEqual([1, 2, 0]);
      expect(upstream.requests.at(-1)!.body.top_n).toBe(3);
    });

    it('reads null as unset for every optional field', async () => {
      const body = { model: id, query: 'q', documents: docs(0.1, 0.3), top_n: null, return_documents: null, rank_fields: null, max_tokens_per_doc: null };
      for (const path of ['/v1/rerank', '/rerank', '/v2/rerank']) await bearer(path).send(body).expect(200);
    });

    it('returns documents by default on /v1/rerank and /rerank (Jina), only when asked on /v2/rerank', async () => {
      const documents = docs(0.1, 0.9);
      for (const path of ['/v1/rerank', '/rerank']) {
        const res = await bearer(path).send({ model: id, query: 'q', documents }).expect(200);
        expect(res.body.results.map((r: Row) => r.document)).toEqual([{ text: documents[1] }, { text: documents[0] }]);
        const without = await bearer(path).send({ model: id, query: 'q', documents, return_documents: false }).expect(200);
        expect(without.body.results[0]).not.toHaveProperty('document');
      }
      const v2 = await bearer('/v2/rerank').send({ model: id, query: 'q', documents }).expect(200);
      expect(v2.body.results[0]).not.toHaveProperty('document');
      const asked = await bearer('/v2/rerank').send({ model: id, query: 'q', documents, return_documents: true }).expect(200);
      expect(asked.body.results[0].document).toEqual({ text: documents[1] });
    });

    it('still validates model, query and documents strictly', async () => {
      const named = await bearer('/v2/rerank').send({ model: 'rerank-v3.5', query: 'q', documents: ['a'] }).expect(404);
      expect(named.body.message).toBe('No reranker id, alias name or reranker modelIdentifier of yours is "rerank-v3.5"');
      const empty = await bearer('/v2/rerank').send({ model: '', query: 'q', documents: ['a'] }).expect(400);
      expect(empty.body.message).toBe('model: model must be a reranker id, an alias name or a modelIdentifier of yours');
      await bearer('/v1/rerank').send({ query: 'q', documents: ['a'] }).expect(400);
      await bearer('/v1/rerank').send({ model: id, query: '', documents: ['a'] }).expect(400);
      await bearer('/v1/rerank').send({ model: id, query: 'q', documents: [] }).expect(400);
      await bearer('/v1/rerank').send({ model: id, query: 'q', documents: ['a', 7] }).expect(400);
      await bearer('/v1/rerank').send({ model: id, query: 'q', documents: ['a'], top_n: 1.5 }).expect(400);
      const unknown = await bearer('/v1/rerank').send({ model: randomUUID(), query: 'q', documents: ['a'] }).expect(404);
      expect(unknown.body.code).toBe('NOT_FOUND');
    });

    it('keeps the native route strict: unknown fields and top_n 0 are refused', async () => {
      const unknown = await native(id, { query: 'q', documents: ['a'], max_chunks_per_doc: null }).expect(400);
      expect(unknown.body.message).toContain('max_chunks_per_doc');
      await native(id, { query: 'q', documents: ['a'], topN: 0 }).expect(400);
    });
  });

  describe('vLLM', () => {
    it('the fake, like vLLM, refuses a pair over max_model_len unless truncate_prompt_tokens is sent, and ignores unknown fields', async () => {
      const upstream = await fake('VLLM', { maxInputTokens: 8 });
      const long = 'word '.repeat(20);
      const post = (body: Record<string, unknown>) =>
        fetch(`${upstream.url}/rerank`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const refused = await post({ model: 'm', query: 'q', documents: [long], max_tokens_per_doc: 4 });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { message: expect.stringContaining('maximum context length is 8 tokens'), code: 400 } });
      expect((await post({ model: 'm', query: 'q', documents: [long], truncate_prompt_tokens: -1 })).status).toBe(200);
    });

    it('sends truncate_prompt_tokens (-1 = the model length, else maxTokensPerDoc), never max_tokens_per_doc: an over-long document no longer fails the batch', async () => {
      const upstream = await fake('VLLM', { maxInputTokens: 8 });
      const id = await register(upstream);
      const documents = [`${'word '.repeat(20)} score=0.4`, 'short score=0.7'];
      const res = await native(id, { query: 'q', documents }).expect(200);
      expect(res.body.results.map((r: { index: number; relevanceScore: number }) => [r.index, r.relevanceScore])).toEqual([
        [1, 0.7],
        [0, 0.4],
      ]);
      expect(upstream.requests[0]!.body).toEqual({ model: expect.any(String), query: 'q', documents, top_n: 2, truncate_prompt_tokens: -1 });
      await bearer('/v2/rerank').send({ model: id, query: 'q', documents, max_tokens_per_doc: 6 }).expect(200);
      expect(upstream.requests[1]!.body).toMatchObject({ truncate_prompt_tokens: 6 });
      expect(upstream.requests[1]!.body).not.toHaveProperty('max_tokens_per_doc');
    });

    it.each(['nested', 'flat'] as const)('maps its over-length refusal (%s error body) to 400 naming the documents', async (errorStyle) => {
      const upstream = await fake('VLLM', { maxInputTokens: 8, errorStyle });
      const id = await register(upstream);
      const res = await bearer('/v2/rerank').send({ model: id, query: 'q', documents: ['a', 'b'], max_tokens_per_doc: 100 }).expect(400);
      expect(res.body.code).toBe('INVALID_ARGUMENT');
      expect(res.body.message).toBe(
        "One of documents[0..1] (sent upstream together) is too large for this reranker's upstream: truncate_prompt_tokens value (100) is greater than max_model_len (8). Please request a smaller truncation size.",
      );
    });
  });

  describe('llama.cpp', () => {
    const tooLong = `${'word '.repeat(20)}`;

    it('maps "input is too large to process" (HTTP 500) to 400 INVALID_ARGUMENT naming the document or the batch', async () => {
      const upstream = await fake('LLAMA_CPP', { maxInputTokens: 8 });
      const together = await register(upstream);
      const res = await native(together, { query: 'q', documents: ['a', tooLong, 'b'] }).expect(400);
      expect(res.body.code).toBe('INVALID_ARGUMENT');
      expect(res.body.message).toBe(
        "One of documents[0..2] (sent upstream together) is too large for this reranker's upstream: input (21 tokens) is too large to process. increase the physical batch size (current batch size: 8)",
      );
      expect(res.body.details).toMatchObject({ upstreamStatus: 500, documentIndices: { first: 0, last: 2 } });

      const oneByOne = await register(upstream, { maxDocumentsPerRequest: 1 });
      const alone = await native(oneByOne, { query: 'q', documents: ['a', tooLong, 'b'] }).expect(400);
      expect(alone.body.message).toMatch(/^documents\[1\] is too large for this reranker's upstream: input \(21 tokens\)/);
    });

    it("never counts a caller's oversized document against the circuit breaker (threshold 3), while real 500s still open it", async () => {
      const upstream = await fake('LLAMA_CPP', { maxInputTokens: 8 });
      const id = await register(upstream);
      for (let i = 0; i < 5; i++) await native(id, { query: 'q', documents: [tooLong] }).expect(400);
      await native(id, { query: 'q', documents: docs(0.3) }).expect(200);

      upstream.fail({ kind: 'status', status: 500, body: { error: { code: 500, message: 'failed to decode the batch', type: 'server_error' } } });
      for (let i = 0; i < 3; i++) await native(id, { query: 'q', documents: ['a'] }).expect(502);
      const open = await native(id, { query: 'q', documents: ['a'] }).expect(503);
      expect(open.body.code).toBe('UPSTREAM_UNAVAILABLE');
    });

    it('normalizes its raw logits with SIGMOID by default; NONE on request; settable by update', async () => {
      const upstream = await fake('LLAMA_CPP');
      const created = await as(t.server, alice)
        .post('/v1/rerankers')
        .send(rerankerBody({ providerType: 'LLAMA_CPP', endpointUrl: upstream.url }))
        .expect(201);
      expect(created.body.scoreNormalization).toBe('SIGMOID');
      const id = created.body.rerankerId as string;
      const documents = docs(-2.5, 3.1, 0);
      const normalized = await native(id, { query: 'q', documents }).expect(200);
      expect(normalized.body.results.map((r: { index: number }) => r.index)).toEqual([1, 2, 0]);
      expect(normalized.body.results.map((r: { relevanceScore: number }) => r.relevanceScore)).toEqual([sigmoid(3.1), 0.5, sigmoid(-2.5)]);

      const patched = await as(t.server, alice).patch(`/v1/rerankers/${id}`).send({ scoreNormalization: 'NONE' }).expect(200);
      expect(patched.body.scoreNormalization).toBe('NONE');
      const raw = await bearer('/v2/rerank').send({ model: id, query: 'q', documents }).expect(200);
      expect(raw.body.results.map((r: Row) => r.relevance_score)).toEqual([3.1, 0, -2.5]);

      const other = await fake('JINA');
      const jina = await as(t.server, alice).post('/v1/rerankers').send(rerankerBody({ providerType: 'JINA', endpointUrl: other.url })).expect(201);
      expect(jina.body.scoreNormalization).toBe('NONE');
      const sigmoidJina = await register(other, { scoreNormalization: 'SIGMOID' });
      const res = await native(sigmoidJina, { query: 'q', documents: docs(0) }).expect(200);
      expect(res.body.results[0].relevanceScore).toBe(0.5);
    });
  });

  describe('batching', () => {
    it('clamps the topN sent to each batch to its length', async () => {
      const upstream = await fake('VLLM');
      const id = await register(upstream, { maxDocumentsPerRequest: 2 });
      const res = await native(id, { query: 'q', documents: docs(0.1, 0.5, 0.9, 0.3, 0.7), topN: 4 }).expect(200);
      expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([2, 4, 1, 3]);
      expect(upstream.requests.map((sent) => sent.body.top_n)).toEqual([2, 2, 1]);
    });

    it('cuts batches by the reranker maxTokensPerRequest as well as by count', async () => {
      const upstream = await fake('VOYAGE');
      const query = 'what matters most';
      const documents = Array.from({ length: 7 }, (_, i) => `document ${i} score=0.${i} ${'x'.repeat(40)}`);
      const perPair = estimate(query) + estimate(documents[0]!);
      const id = await register(upstream, { maxTokensPerRequest: perPair * 3 });
      const res = await native(id, { query, documents }).expect(200);
      expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([6, 5, 4, 3, 2, 1, 0]);
      expect(res.body.meta.upstreamRequests).toBe(3);
      expect(upstream.requests.map((sent) => (sent.body.documents as string[]).length)).toEqual([3, 3, 1]);
      const reranker = await as(t.server, alice).get(`/v1/rerankers/${id}`).expect(200);
      expect(reranker.body.maxTokensPerRequest).toBe(perPair * 3);
    });

    it("applies Voyage's per-model token budget by default (rerank-1: 300K estimated tokens per request)", async () => {
      const upstream = await fake('VOYAGE');
      const id = await register(upstream, { modelIdentifier: 'rerank-1' });
      const documents = Array.from({ length: 4 }, (_, i) => `score=0.${i} ${'y'.repeat(300_000)}`);
      const res = await native(id, { query: 'q', documents, returnDocuments: false }).expect(200);
      expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([3, 2, 1, 0]);
      const sizes = upstream.requests.map((sent) => (sent.body.documents as string[]).length);
      expect(sizes).toEqual([2, 2]);
      for (const sent of upstream.requests) {
        const batch = sent.body.documents as string[];
        expect(batch.reduce((sum, d) => sum + estimate('q') + estimate(d), 0)).toBeLessThanOrEqual(300_000);
      }
    });

    it('refuses a token budget or a score normalization that is not valid', async () => {
      const upstream = await fake('VOYAGE');
      for (const bad of [{ maxTokensPerRequest: 0 }, { maxTokensPerRequest: 1.5 }, { scoreNormalization: 'SOFTMAX' }]) {
        const res = await as(t.server, alice).post('/v1/rerankers').send(rerankerBody({ providerType: 'VOYAGE', endpointUrl: upstream.url, ...bad }));
        expect([res.status, res.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
      }
      const id = await register(upstream, { maxTokensPerRequest: 5000 });
      const cleared = await as(t.server, alice).patch(`/v1/rerankers/${id}`).send({ maxTokensPerRequest: null }).expect(200);
      expect(cleared.body).not.toHaveProperty('maxTokensPerRequest');
      await as(t.server, alice).patch(`/v1/rerankers/${id}`).send({ scoreNormalization: null }).expect(400);
    });
  });

  describe('TEI', () => {
    it('the fake, like TEI, answers 422 over 32 documents and a plain-text 413 over its payload limit', async () => {
      const upstream = await fake('TEI', { payloadLimitBytes: 2_000 });
      const post = (texts: string[]) =>
        fetch(`${upstream.url}/rerank`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'q', texts }) });
      const overBatch = await post(Array.from({ length: 33 }, () => 'a'));
      expect([overBatch.status, await overBatch.json()]).toEqual([422, { error: 'batch size 33 > maximum allowed batch size 32', error_type: 'Validation' }]);
      const overSize = await post(['z'.repeat(3_000)]);
      expect([overSize.status, overSize.headers.get('content-type'), await overSize.text()]).toEqual([
        413,
        'text/plain; charset=utf-8',
        'Failed to buffer the request body: length limit exceeded',
      ]);
    });

    it('splits a batch that TEI finds too large (413) until it fits, then merges by index', async () => {
      const upstream = await fake('TEI', { payloadLimitBytes: 2_000 });
      const id = await register(upstream);
      const documents = Array.from({ length: 8 }, (_, i) => `score=0.${i} ${'p'.repeat(400)}`);
      const res = await native(id, { query: 'q', documents, returnDocuments: false }).expect(200);
      expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
      const answered = upstream.requests.filter((sent) => Array.isArray(sent.body.texts)).map((sent) => (sent.body.texts as string[]).length);
      expect(answered.reduce((sum, n) => sum + n, 0)).toBe(8);
      expect(res.body.meta.upstreamRequests).toBe(upstream.requests.length);
    });

    it('names a single document over the payload limit in a 400, and reports its over-batch 422 clearly', async () => {
      const upstream = await fake('TEI', { payloadLimitBytes: 2_000 });
      const id = await register(upstream);
      const res = await native(id, { query: 'q', documents: ['small', 'q'.repeat(3_000)] }).expect(400);
      expect(res.body.message).toBe(
        "documents[1] is too large for this reranker's upstream: Failed to buffer the request body: length limit exceeded",
      );
      const misconfigured = await register(upstream, { maxDocumentsPerRequest: 40 });
      const overBatch = await native(misconfigured, { query: 'q', documents: Array.from({ length: 33 }, (_, i) => `d${i}`) }).expect(502);
      expect(overBatch.body).toMatchObject({ code: 'UPSTREAM_ERROR', details: { upstreamStatus: 422 } });
      expect(overBatch.body.message).toContain('batch size 33 > maximum allowed batch size 32');
    });
  });
});
