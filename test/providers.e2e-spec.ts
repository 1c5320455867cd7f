import { randomUUID } from 'node:crypto';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream, type FakeWire, type ProviderFormat } from './support/fake-upstream.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SECRET = 'provider-secret-0123456789';
/** Documents whose fake-upstream scores are known: doc i scores scores[i]. */
const docs = (...scores: number[]) => scores.map((score, i) => `document ${i} score=${score}`);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const indices = (body: { results: Array<{ index: number }> }) => body.results.map((r) => r.index);
const scores = (body: { results: Array<{ relevanceScore: number }> }) => body.results.map((r) => r.relevanceScore);

describe('providers: NVIDIA NIM, Pinecone, Mixedbread, DeepInfra, and services configured as existing types', () => {
  let t: TestApp;
  let alice: Actor;
  const fakes: FakeUpstream[] = [];

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', RERANK_MAX_DOCUMENTS: '1200', CIRCUIT_FAILURE_THRESHOLD: '50' });
    const root = await initRoot(t.server);
    alice = await createActor(t.server, root);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all(fakes.map((fake) => fake.close()));
  });

  async function fake(wire: FakeWire): Promise<FakeUpstream> {
    const upstream = await FakeUpstream.start(wire);
    fakes.push(upstream);
    return upstream;
  }

  /** Registers `providerType` against `upstream`; returns the created reranker as the API shows it. */
  async function register(providerType: ProviderFormat, upstream: FakeUpstream, overrides: Record<string, unknown> = {}) {
    const res = await as(t.server, alice)
      .post('/v1/rerankers')
      .send(
        rerankerBody({
          providerType,
          endpointUrl: upstream.url,
          modelIdentifier: `m-${randomUUID().slice(0, 8)}`,
          credentials: inlineCredentials(SECRET),
          ...overrides,
        }),
      )
      .expect(201);
    return res.body as { rerankerId: string; modelIdentifier: string; apiPath: string; scoreNormalization: string; credentials: { apiKey: { headerName: string; prefix: string } } };
  }

  const rerank = (id: string, body: Record<string, unknown>) => as(t.server, alice).post(`/v1/rerankers/${id}/rerank`).send(body);

  describe('NVIDIA_NIM', () => {
    let nim: FakeUpstream;
    beforeAll(async () => {
      nim = await fake('NVIDIA_NIM');
    });
    beforeEach(() => nim.clear());

    it('reranks through /v1/ranking with text objects and truncate END, logits normalized by SIGMOID by default', async () => {
      const reranker = await register('NVIDIA_NIM', nim);
      expect(reranker).toMatchObject({ apiPath: '/v1/ranking', scoreNormalization: 'SIGMOID' });
      const documents = docs(-1.5, 2.25, 0.5);
      const res = await rerank(reranker.rerankerId, { query: 'which way', documents, topN: 2 }).expect(200);

      expect(indices(res.body)).toEqual([1, 2]);
      expect(scores(res.body)).toEqual([sigmoid(2.25), sigmoid(0.5)]);
      const [sent] = nim.requests;
      expect(sent!.path).toBe('/v1/ranking');
      expect(sent!.headers.authorization).toBe(`Bearer ${SECRET}`);
      expect(sent!.body).toEqual({
        model: reranker.modelIdentifier,
        query: { text: 'which way' },
        passages: documents.map((text) => ({ text })),
        truncate: 'END',
      });
    });

    it("reaches the hosted API catalog's per-model URL through endpointUrl + apiPath", async () => {
      const reranker = await register('NVIDIA_NIM', nim, {
        endpointUrl: `${nim.url}/v1/retrieval/nvidia/llama-3_2-nv-rerankqa-1b-v2`,
        apiPath: '/reranking',
        modelIdentifier: 'nvidia/llama-3.2-nv-rerankqa-1b-v2',
      });
      await rerank(reranker.rerankerId, { query: 'q', documents: docs(0.1) }).expect(200);
      expect(nim.requests[0]!.path).toBe('/v1/retrieval/nvidia/llama-3_2-nv-rerankqa-1b-v2/reranking');
    });

    it('splits past 512 passages and merges by global index', async () => {
      const reranker = await register('NVIDIA_NIM', nim);
      const documents = Array.from({ length: 600 }, (_, i) => `passage ${i} score=${i === 555 ? 9 : 0}`);
      const res = await rerank(reranker.rerankerId, { query: 'q', documents, topN: 1 }).expect(200);
      expect(indices(res.body)).toEqual([555]);
      const sizes = nim.requests.map((r) => (r.body.passages as unknown[]).length);
      expect(sizes).toHaveLength(2);
      expect(sizes).toEqual(expect.arrayContaining([512, 88]));
    });

    it("answers 400 INVALID_ARGUMENT to NIM's over-length error (a deployment that refuses to truncate)", async () => {
      const reranker = await register('NVIDIA_NIM', nim);
      nim.fail({ kind: 'status', status: 400, body: { object: 'error', message: 'Input length 1024 exceeds maximum allowed token size 512', type: 'invalid_request_error' } });
      const res = await rerank(reranker.rerankerId, { query: 'q', documents: ['long'] }).expect(400);
      expect(res.body).toMatchObject({ code: 'INVALID_ARGUMENT', details: { upstreamStatus: 400 } });
      expect(res.body.message).toContain('exceeds maximum allowed token size 512');
    });
  });

  describe('PINECONE', () => {
    let pinecone: FakeUpstream;
    beforeAll(async () => {
      pinecone = await fake('PINECONE');
    });
    beforeEach(() => pinecone.clear());

    it('sends the key in Api-Key without prefix by default, the API version header, and {text} documents', async () => {
      const reranker = await register('PINECONE', pinecone, { credentials: inlineCredentials(FakeUpstream.PINECONE_KEY) });
      expect(reranker.apiPath).toBe('/rerank');
      expect(reranker.credentials.apiKey).toMatchObject({ headerName: 'Api-Key', prefix: '' });
      const documents = docs(0.2, 0.9, 0.5);
      const res = await rerank(reranker.rerankerId, { query: 'capital of France', documents, topN: 2 }).expect(200);

      expect(indices(res.body)).toEqual([1, 2]);
      expect(scores(res.body)).toEqual([0.9, 0.5]);
      expect(res.body.usage).toEqual({ rerank_units: 1 });
      const [sent] = pinecone.requests;
      expect(sent!.path).toBe('/rerank');
      expect(sent!.headers['api-key']).toBe(FakeUpstream.PINECONE_KEY);
      expect(sent!.headers.authorization).toBeUndefined();
      expect(sent!.headers['x-pinecone-api-version']).toBe('2025-04');
      expect(sent!.body).toEqual({
        model: reranker.modelIdentifier,
        query: 'capital of France',
        documents: documents.map((text) => ({ text })),
        top_n: 2,
        return_documents: false,
      });
    });

    it("keeps a header name the creator chose (unset prefix: the provider's, none), and lets extraHeaders pick another API version", async () => {
      const reranker = await register('PINECONE', pinecone, {
        credentials: inlineCredentials(FakeUpstream.PINECONE_KEY, { headerName: 'Authorization' }),
        extraHeaders: { 'X-Pinecone-API-Version': '2025-10' },
      });
      expect(reranker.credentials.apiKey).toMatchObject({ headerName: 'Authorization', prefix: '' });
      expect(pinecone.requests).toHaveLength(0);
      const res = await rerank(reranker.rerankerId, { query: 'q', documents: ['a'] }).expect(502);
      expect(res.body).toMatchObject({ code: 'UPSTREAM_ERROR', details: { upstreamStatus: 401 } });
      expect(res.body.message).toContain('Invalid API key.');
      expect(pinecone.requests[0]!.headers).toMatchObject({ authorization: FakeUpstream.PINECONE_KEY, 'x-pinecone-api-version': '2025-10' });
    });

    it('applies the same defaults to a credential replaced by PATCH', async () => {
      const reranker = await register('PINECONE', pinecone, { credentials: inlineCredentials('pcsk_old_key_0123456789') });
      const res = await as(t.server, alice)
        .patch(`/v1/rerankers/${reranker.rerankerId}`)
        .send({ credentials: inlineCredentials(FakeUpstream.PINECONE_KEY) })
        .expect(200);
      expect(res.body.credentials.apiKey).toMatchObject({ headerName: 'Api-Key', prefix: '' });
      await rerank(reranker.rerankerId, { query: 'q', documents: ['a'] }).expect(200);
      expect(pinecone.requests[0]!.headers['api-key']).toBe(FakeUpstream.PINECONE_KEY);
    });

    it('batches at 100 documents per request', async () => {
      const reranker = await register('PINECONE', pinecone, { credentials: inlineCredentials(FakeUpstream.PINECONE_KEY) });
      const documents = Array.from({ length: 150 }, (_, i) => `doc ${i} score=${i === 120 ? 0.99 : 0.01}`);
      const res = await rerank(reranker.rerankerId, { query: 'q', documents, topN: 1 }).expect(200);
      expect(indices(res.body)).toEqual([120]);
      const sizes = pinecone.requests.map((r) => (r.body.documents as unknown[]).length);
      expect(sizes).toHaveLength(2);
      expect(sizes).toEqual(expect.arrayContaining([100, 50]));
    });

    it("reports Pinecone's error body when a reranker's batch exceeds the model's limit", async () => {
      const reranker = await register('PINECONE', pinecone, { credentials: inlineCredentials(FakeUpstream.PINECONE_KEY), maxDocumentsPerRequest: 150 });
      const res = await rerank(reranker.rerankerId, { query: 'q', documents: docs(...Array.from({ length: 150 }, () => 0.1)) }).expect(502);
      expect(res.body).toMatchObject({ code: 'UPSTREAM_ERROR', details: { upstreamStatus: 400 } });
      expect(res.body.message).toContain('maximum for this model is 100');
      expect(pinecone.requests).toHaveLength(1);
    });

    it('pings with the same headers', async () => {
      const reranker = await register('PINECONE', pinecone, { credentials: inlineCredentials(FakeUpstream.PINECONE_KEY) });
      const res = await as(t.server, alice).post(`/v1/rerankers/${reranker.rerankerId}/ping`).expect(200);
      expect(res.body).toMatchObject({ ok: true, httpStatus: 200 });
    });
  });

  describe('MIXEDBREAD', () => {
    it('reranks through /v1/reranking with input and top_k, Bearer auth', async () => {
      const mixedbread = await fake('MIXEDBREAD');
      const reranker = await register('MIXEDBREAD', mixedbread);
      expect(reranker).toMatchObject({ apiPath: '/v1/reranking', scoreNormalization: 'NONE' });
      const documents = docs(0.1, 0.7, 0.3);
      const res = await rerank(reranker.rerankerId, { query: 'bread', documents, topN: 2 }).expect(200);

      expect(indices(res.body)).toEqual([1, 2]);
      expect(scores(res.body)).toEqual([0.7, 0.3]);
      const [sent] = mixedbread.requests;
      expect(sent!.path).toBe('/v1/reranking');
      expect(sent!.headers.authorization).toBe(`Bearer ${SECRET}`);
      expect(sent!.body).toEqual({ model: reranker.modelIdentifier, query: 'bread', input: documents, top_k: 2, return_input: false });
    });
  });

  describe('DEEPINFRA', () => {
    let deepinfra: FakeUpstream;
    beforeAll(async () => {
      deepinfra = await fake('DEEPINFRA');
    });
    beforeEach(() => deepinfra.clear());

    it('calls /v1/inference/<model> derived from modelIdentifier, the query once per document, and maps scores by position', async () => {
      const reranker = await register('DEEPINFRA', deepinfra, { modelIdentifier: 'BAAI/bge-reranker-v2-m3' });
      expect(reranker).toMatchObject({ apiPath: '/v1/inference/BAAI/bge-reranker-v2-m3', scoreNormalization: 'NONE' });
      const documents = docs(0.2, 0.9, 0.5);
      const res = await rerank(reranker.rerankerId, { query: 'q', documents, topN: 2 }).expect(200);

      expect(indices(res.body)).toEqual([1, 2]);
      expect(scores(res.body)).toEqual([0.9, 0.5]);
      expect(res.body.usage).toEqual({ input_tokens: 10 });
      const [sent] = deepinfra.requests;
      expect(sent!.path).toBe('/v1/inference/BAAI/bge-reranker-v2-m3');
      expect(sent!.headers.authorization).toBe(`Bearer ${SECRET}`);
      expect(sent!.body).toEqual({ queries: ['q', 'q', 'q'], documents });
    });

    it('keeps an apiPath the creator names', async () => {
      const reranker = await register('DEEPINFRA', deepinfra, { modelIdentifier: 'Qwen/Qwen3-Reranker-4B', apiPath: '/v1/inference/Qwen/Qwen3-Reranker-4B:v2' });
      await rerank(reranker.rerankerId, { query: 'q', documents: docs(0.1) }).expect(200);
      expect(deepinfra.requests[0]!.path).toBe('/v1/inference/Qwen/Qwen3-Reranker-4B:v2');
    });

    it('merges batches by global index (each batch its own positions)', async () => {
      const reranker = await register('DEEPINFRA', deepinfra, { modelIdentifier: 'Qwen/Qwen3-Reranker-0.6B', maxDocumentsPerRequest: 2 });
      const res = await rerank(reranker.rerankerId, { query: 'q', documents: docs(0.1, 0.2, 0.8), topN: 1 }).expect(200);
      expect(indices(res.body)).toEqual([2]);
      expect(deepinfra.requests.map((r) => (r.body.queries as unknown[]).length).sort()).toEqual([1, 2]);
    });

    it("passes DeepInfra's {detail: {error}} message through", async () => {
      const reranker = await register('DEEPINFRA', deepinfra, { modelIdentifier: 'BAAI/bge-reranker-base' });
      deepinfra.fail({ kind: 'status', status: 401, body: { detail: { error: 'Invalid token' } } });
      const res = await rerank(reranker.rerankerId, { query: 'q', documents: ['a'] }).expect(502);
      expect(res.body).toMatchObject({ code: 'UPSTREAM_ERROR', details: { upstreamStatus: 401 } });
      expect(res.body.message).toContain('Invalid token');
    });
  });

  /**
   * Services that speak an existing type's wire: registered as that type, with the path and header they need.
   * Verified wires (search tool, 2026-11): SiliconFlow, docs.siliconflow.com/en/api-reference/rerank/create-rerank
   * (`POST /v1/rerank`, Bearer, `{model, query, documents, top_n, return_documents, max_chunks_per_doc,
   * overlap_tokens, instruction}`, answer `{id, results: [{document?, index, relevance_score}], tokens:
   * {input_tokens, output_tokens}}`) and docs.siliconflow.com/en/faqs/error-code (errors `{code, message, data}`);
   * Infinity, michaelfeil/infinity libs/infinity_emb/infinity_emb/fastapi_schemas/pymodels.py (RerankInput `{query,
   * documents, return_documents}`, extra fields ignored; ReRankResult `{object: "rerank", <list>: [{relevance_score,
   * index, document?}], model, usage: {prompt_tokens, total_tokens}, id, created}`, the list named `data` in older
   * releases and `results` in current ones, which LiteLLM's litellm/llms/infinity/rerank/transformation.py reads)
   * and fastapi_schemas/errors.py (OpenAIException: `{error: {message, type, param, code}}`).
   */
  describe('configurations of existing types', () => {
    it.each([
      ['Azure AI Foundry (Cohere, serverless: Bearer)', 'COHERE', 'COHERE', {}, '/v2/rerank', 'authorization', `Bearer ${SECRET}`],
      ['Azure AI Foundry (Cohere, api-key header)', 'COHERE', 'COHERE', { headerName: 'api-key', prefix: '' }, '/v2/rerank', 'api-key', SECRET],
      ['Together', 'OPENAI', 'JINA', {}, '/v1/rerank', 'authorization', `Bearer ${SECRET}`],
      ['SiliconFlow', 'OPENAI', 'SILICONFLOW', {}, '/v1/rerank', 'authorization', `Bearer ${SECRET}`],
      ['Infinity', 'OPENAI', 'INFINITY', {}, '/rerank', 'authorization', `Bearer ${SECRET}`],
    ] as const)('%s', async (_service, providerType, wire, credentialHeader, apiPath, headerName, headerValue) => {
      const upstream = await fake(wire);
      const reranker = await register(providerType, upstream, {
        apiPath,
        credentials: inlineCredentials(SECRET, credentialHeader),
      });
      const documents = docs(0.2, 0.9, 0.5);
      const res = await rerank(reranker.rerankerId, { query: 'q', documents, topN: 2, maxTokensPerDoc: 256 }).expect(200);

      expect(indices(res.body)).toEqual([1, 2]);
      expect(scores(res.body)).toEqual([0.9, 0.5]);
      const [sent] = upstream.requests;
      expect(sent!.path).toBe(apiPath);
      expect(sent!.headers[headerName]).toBe(headerValue);
      const common = { model: reranker.modelIdentifier, query: 'q', documents, top_n: 2 };
      expect(sent!.body).toEqual(providerType === 'COHERE' ? { ...common, max_tokens_per_doc: 256 } : { ...common, return_documents: false });
    });

    it.each([
      ['SiliconFlow', 'SILICONFLOW', '/v1/rerank', { code: 20012, message: 'Model does not exist. Please check it carefully.', data: null }, 'Model does not exist'],
      ['Infinity', 'INFINITY', '/rerank', { error: { message: 'model not-served is not loaded', type: 'BadRequestError', param: null, code: 400 } }, 'is not loaded'],
    ] as const)("passes %s's error message through", async (_service, wire, apiPath, errorBody, message) => {
      const upstream = await fake(wire);
      const reranker = await register('OPENAI', upstream, { apiPath });
      upstream.fail({ kind: 'status', status: 400, body: errorBody });
      const res = await rerank(reranker.rerankerId, { query: 'q', documents: ['a'] }).expect(502);
      expect(res.body).toMatchObject({ code: 'UPSTREAM_ERROR', details: { upstreamStatus: 400 } });
      expect(res.body.message).toContain(message);
    });
  });
});
