import { CohereRerank as LangChainCohereRerank } from '@langchain/cohere';
import { Document } from '@langchain/core/documents';
import { CohereRerank as LlamaIndexCohereRerank } from '@llamaindex/cohere';
import { TextNode } from '@llamaindex/core/schema';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import cohere from 'cohere-ai';
import OpenAI from 'openai';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream, scoreOf } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The real client packages, unmodified, against the drop-in endpoints, plus the exact
 * payloads of clients we cannot run here (Python). Every answer is checked against what the
 * fake upstream computed for the same texts.
 */
describe('real clients against the drop-in endpoints', () => {
  let t: TestApp;
  let member: Actor;
  let upstream: FakeUpstream;
  let base: string;
  let rerankerId: string;

  const texts = ['Paris is in France. score=0.31', 'Berlin is in Germany. score=0.87', 'Cows eat grass. score=0.05', 'Rome is in Italy. score=0.64'];

  /** The fake's ranking of `rendered` (what was sent upstream), best first, cut to topN. */
  function expected(rendered: readonly string[], topN = rendered.length): Array<[number, number]> {
    return rendered
      .map((text, index): [number, number] => [index, scoreOf(text)])
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, topN);
  }

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    member = await createActor(t.server, await initRoot(t.server));
    upstream = await FakeUpstream.start('VLLM');
    const created = await as(t.server, member)
      .post('/v1/rerankers')
      .send(rerankerBody({ providerType: 'VLLM', endpointUrl: upstream.url, modelIdentifier: 'BAAI/bge-reranker-base' }))
      .expect(201);
    rerankerId = created.body.rerankerId;
  });

  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  beforeEach(() => upstream.clear());

  describe('cohere-ai 8.x', () => {
    it('CohereClient.rerank (v1) with string documents', async () => {
      const client = new cohere.CohereClient({ token: member.key, environment: base });
      const response = await client.rerank({ model: rerankerId, query: 'capital cities', documents: texts, topN: 3, returnDocuments: true });
      expect(response.results.map((r) => [r.index, r.relevanceScore])).toEqual(expected(texts, 3));
      expect(response.results.map((r) => r.document?.text)).toEqual([texts[1], texts[3], texts[0]]);
    });

    it('CohereClient.rerank (v1) with object documents, rankFields and maxChunksPerDoc', async () => {
      const client = new cohere.CohereClient({ token: member.key, environment: base });
      const documents = texts.map((text, i) => ({ title: `doc ${i}`, text }));
      const response = await client.rerank({
        model: rerankerId,
        query: 'capital cities',
        documents,
        rankFields: ['title', 'text'],
        maxChunksPerDoc: 10,
      });
      const rendered = documents.map((d) => `title: ${d.title}\ntext: ${d.text}`);
      expect(upstream.requests[0]!.body.documents).toEqual(rendered);
      expect(response.results.map((r) => [r.index, r.relevanceScore])).toEqual(expected(rendered));
    });

    it('CohereClientV2.rerank with maxTokensPerDoc and priority', async () => {
      const client = new cohere.CohereClientV2({ token: member.key, environment: base });
      const response = await client.rerank({ model: rerankerId, query: 'capital cities', documents: texts, topN: 2, maxTokensPerDoc: 256, priority: 1 });
      expect(response.results.map((r) => [r.index, r.relevanceScore])).toEqual(expected(texts, 2));
      expect(upstream.requests[0]!.body).toMatchObject({ truncate_prompt_tokens: 256 });
    });

    it('raises with the status and our error body', async () => {
      const v1 = new cohere.CohereClient({ token: member.key, environment: base });
      await expect(v1.rerank({ model: 'rerank-english-v3.0', query: 'q', documents: texts })).rejects.toMatchObject({
        statusCode: 404,
        body: { code: 'NOT_FOUND', message: expect.stringContaining('"rerank-english-v3.0"') },
      });
      const v2 = new cohere.CohereClientV2({ token: member.key, environment: base });
      await expect(v2.rerank({ model: '00000000-0000-4000-8000-000000000000', query: 'q', documents: texts })).rejects.toMatchObject({
        statusCode: 404,
        body: { code: 'NOT_FOUND' },
      });
    });
  });

  describe('@langchain/cohere CohereRerank (given a cohere client aimed at the service)', () => {
    type LangChainClient = NonNullable<ConstructorParameters<typeof LangChainCohereRerank>[0]>['client'];
    /** cohere-ai 8.x; @langchain/cohere is typed against the 7.x it installs, the runtime contract is the same. */
    const client = () => new cohere.CohereClient({ token: member.key, environment: base }) as unknown as LangChainClient;
    const reranker = () => new LangChainCohereRerank({ client: client(), model: rerankerId });

    it('rerank (it always sends max_chunks_per_doc, null when unset): its default top 3', async () => {
      const results = await reranker().rerank(texts, 'capital cities');
      expect(results.map((r) => [r.index, r.relevanceScore])).toEqual(expected(texts, 3));
    });

    it('rerank with the cohere-ai 7.x client that @langchain/cohere itself installs', async () => {
      const require = createRequire(import.meta.url);
      const own = require.resolve('cohere-ai', { paths: [dirname(require.resolve('@langchain/cohere'))] });
      const cohere7 = (await import(own)) as { CohereClient: new (options: { token: string; environment: string }) => LangChainClient };
      const results = await new LangChainCohereRerank({ client: new cohere7.CohereClient({ token: member.key, environment: base }), model: rerankerId, topN: 4 }).rerank(
        texts,
        'capital cities',
      );
      expect(results.map((r) => [r.index, r.relevanceScore])).toEqual(expected(texts, 4));
    });

    it('compressDocuments: returns the documents in rank order with relevanceScore', async () => {
      const documents = texts.map((pageContent, i) => new Document({ pageContent, metadata: { source: i } }));
      const compressed = await reranker().compressDocuments(documents, 'capital cities');
      expect(compressed.map((d) => [d.metadata.source, d.metadata.relevanceScore])).toEqual(expected(texts, 3));
    });

    it('raises with the status', async () => {
      const wrong = new LangChainCohereRerank({ client: client(), model: 'rerank-v3.5' });
      await expect(wrong.rerank(texts, 'q')).rejects.toMatchObject({ statusCode: 404 });
    });
  });

  describe('@llamaindex/cohere CohereRerank (baseUrl; cohere-ai 7.14 inside)', () => {
    const nodes = () => texts.map((text) => ({ node: new TextNode({ text }), score: 0 }));

    it('postprocessNodes ranks the nodes', async () => {
      const reranker = new LlamaIndexCohereRerank({ apiKey: member.key, baseUrl: base, model: rerankerId, topN: 2 });
      const ranked = await reranker.postprocessNodes(nodes(), 'capital cities');
      const byText = new Map(texts.map((text, i) => [text, i]));
      expect(ranked.map((n) => [byText.get((n.node as TextNode).text), n.score])).toEqual(expected(texts, 2));
    });

    it('works with its default model name (rerank-english-v2.0) once an alias of that name exists', async () => {
      const reranker = new LlamaIndexCohereRerank({ apiKey: member.key, baseUrl: base, topN: 2 });
      await expect(reranker.postprocessNodes(nodes(), 'q')).rejects.toMatchObject({ statusCode: 404 });
      await as(t.server, member)
        .post('/v1/aliases')
        .send({ name: 'rerank-english-v2.0', targets: [{ rerankerId }] })
        .expect(201);
      const ranked = await reranker.postprocessNodes(nodes(), 'capital cities');
      const byText = new Map(texts.map((text, i) => [text, i]));
      expect(ranked.map((n) => [byText.get((n.node as TextNode).text), n.score])).toEqual(expected(texts, 2));
    });
  });

  describe('openai SDK, generic post("/rerank")', () => {
    const client = () => new OpenAI({ apiKey: member.key, baseURL: base });
    type Answer = { results: Array<{ index: number; relevance_score: number; document?: { text: string } }> };

    it('reranks', async () => {
      const answer = await client().post<Answer>('/rerank', { body: { model: rerankerId, query: 'capital cities', documents: texts, top_n: 2 } });
      expect(answer.results.map((r) => [r.index, r.relevance_score])).toEqual(expected(texts, 2));
      expect(answer.results[0]!.document).toEqual({ text: texts[1] });
    });

    it('reranks by model name (the reranker modelIdentifier)', async () => {
      const answer = await client().post<Answer>('/rerank', { body: { model: 'BAAI/bge-reranker-base', query: 'capital cities', documents: texts, top_n: 2 } });
      expect(answer.results.map((r) => [r.index, r.relevance_score])).toEqual(expected(texts, 2));
    });

    it('shows our error message', async () => {
      const failure = await client()
        .post('/rerank', { body: { model: 'BAAI/bge-reranker-large', query: 'q', documents: texts } })
        .then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(404);
      expect((failure as Error).message).toContain('"BAAI/bge-reranker-large"');
    });
  });

  describe('recorded payloads of clients that run elsewhere', () => {
    const post = (path: string, body: unknown, key = member.key) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/json', 'accept-encoding': 'identity' },
        body: JSON.stringify(body),
      });

    it.each([
      ['LangChain Python JinaRerank', 3],
      ['Haystack JinaRanker', null],
    ])('%s: POST /v1/rerank {query, documents, model, top_n: %p}, reads results[].document.text without asking', async (_client, topN) => {
      const res = await post('/v1/rerank', { query: 'capital cities', documents: texts, model: rerankerId, top_n: topN });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { results: Array<{ index: number; relevance_score: number; document: { text: string } }> };
      expect(answer.results.map((r) => [r.index, r.relevance_score])).toEqual(expected(texts, topN ?? texts.length));
      expect(answer.results.map((r) => r.document.text)).toEqual(expected(texts, topN ?? texts.length).map(([i]) => texts[i]));
    });

    it("vLLM's example client: POST /rerank {model, query, documents} (model: the reranker id)", async () => {
      const documents = ['The capital of Brazil is Brasilia. score=0.2', 'The capital of France is Paris. score=0.9', 'Horses and cows are both animals score=0.01'];
      const res = await post('/rerank', { model: rerankerId, query: 'What is the capital of France?', documents });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { results: Array<{ index: number; relevance_score: number }> };
      expect(answer.results.map((r) => [r.index, r.relevance_score])).toEqual(expected(documents));
    });

    it("a Jina-style client's model name works once an alias of that name exists", async () => {
      const body = { model: 'jina-reranker-v2-base-multilingual', query: 'capital cities', documents: texts, top_n: null };
      expect((await post('/v1/rerank', body)).status).toBe(404);
      await as(t.server, member)
        .post('/v1/aliases')
        .send({ name: 'jina-reranker-v2-base-multilingual', targets: [{ rerankerId }] })
        .expect(201);
      const res = await post('/v1/rerank', body);
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { results: Array<{ index: number; relevance_score: number }> };
      expect(answer.results.map((r) => [r.index, r.relevance_score])).toEqual(expected(texts));
    });

    it('errors carry detail (read by Jina-style clients) and message', async () => {
      const named = await post('/rerank', { model: 'BAAI/bge-reranker-large', query: 'q', documents: texts });
      expect(named.status).toBe(404);
      expect(await named.json()).toMatchObject({ detail: expect.any(String), message: expect.stringContaining('"BAAI/bge-reranker-large"') });
      const unauthenticated = await post('/v1/rerank', { model: rerankerId, query: 'q', documents: texts, top_n: null }, 'rrk_wrong');
      expect(unauthenticated.status).toBe(401);
      expect(await unauthenticated.json()).toMatchObject({ detail: expect.any(String) });
    });
  });
});
