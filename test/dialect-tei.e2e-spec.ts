import { expectedRanking, startDialectHarness, TEXTS, WRONG_KEY, type DialectHarness } from './support/dialect-harness.js';

type Rank = { index: number; score: number; text?: string };

/**
 * Text Embeddings Inference clients (Python, so their payloads are recorded here from their
 * source). TEI serves one model: its clients send none, so the base URL carries it
 * (`{service}/dialects/tei/{reranker id or alias name}`), or the key's defaultModel serves a
 * client that posts to the root `/rerank`. They read a bare list `[{index, score, text?}]`,
 * one item per text, best first, and TEI's error body `{error, error_type}`.
 */
describe('TEI dialect: LlamaIndex, Haystack and pymilvus TEI clients (recorded payloads)', () => {
  let h: DialectHarness;

  beforeAll(async () => {
    h = await startDialectHarness();
  });

  afterAll(() => h.close());

  beforeEach(() => h.upstream.clear());

  const post = (url: string, body: object, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  /**
   * LlamaIndex, llama-index-integrations/postprocessor/llama-index-postprocessor-tei-rerank/
   * llama_index/postprocessor/tei_rerank/base.py (TextEmbeddingInference._call_api): POST
   * `{base_url}/rerank` (the base URL's path kept), `Authorization: <auth_token>` as given,
   * `{query, texts}`; it asserts one score per node, and reads each item's index and score.
   */
  describe('LlamaIndex TextEmbeddingInference (base_url {service}/dialects/tei/<model>)', () => {
    it.each([
      ['by reranker id', () => h.rerankerId],
      ['by alias name', () => h.alias],
    ])('reranks %s: every text, best first', async (_how, model) => {
      const res = await post(`${h.base}/dialects/tei/${model()}/rerank`, { query: 'capital cities', texts: TEXTS }, { Authorization: `Bearer ${h.member.key}` });
      expect(res.status).toBe(200);
      const ranks = (await res.json()) as Rank[];
      expect(ranks).toHaveLength(TEXTS.length);
      expect(ranks.map((r) => [r.index, r.score])).toEqual(expectedRanking(TEXTS));
      expect(ranks.every((r) => r.text === undefined)).toBe(true);
    });

    it('a model name with a slash goes percent-encoded in the base URL', async () => {
      const res = await post(`${h.base}/dialects/tei/${encodeURIComponent('BAAI/bge-reranker-base')}/rerank`, { query: 'q', texts: TEXTS }, { Authorization: `Bearer ${h.member.key}` });
      expect(res.status).toBe(200);
      expect(((await res.json()) as Rank[]).map((r) => r.index)).toEqual(expectedRanking(TEXTS).map(([index]) => index));
    });

    it('answers an unknown model and a wrong key in TEI\'s error shape, our message in "error"', async () => {
      const unknown = await post(`${h.base}/dialects/tei/bge-reranker-large/rerank`, { query: 'q', texts: TEXTS }, { Authorization: `Bearer ${h.member.key}` });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({
        error: 'No reranker id, alias name or reranker modelIdentifier of yours is "bge-reranker-large"',
        error_type: 'Validation',
        code: 'NOT_FOUND',
        requestId: unknown.headers.get('x-request-id'),
      });
      const refused = await post(`${h.base}/dialects/tei/${h.alias}/rerank`, { query: 'q', texts: TEXTS }, { Authorization: `Bearer ${WRONG_KEY}` });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: 'The API key is invalid, expired or revoked', error_type: 'Unauthorized' });
    });
  });

  /**
   * Haystack, haystack/components/rankers/hugging_face_tei.py (HuggingFaceTEIRanker.run):
   * POST `urljoin(url, "/rerank")`, which drops the base URL's path (so always the root
   * `/rerank`), Bearer token, `{query, texts, raw_scores}` and, with a truncation direction,
   * `truncate: true, truncation_direction: "Left" | "Right"`; it keeps the first top_k items
   * of the list as they come, and raises `({error_type}): {error}` on an error body.
   */
  describe('Haystack HuggingFaceTEIRanker (url {service}: the root /rerank, model from the key)', () => {
    it.each([
      ['by alias name', () => h.alias],
      ['by reranker id', () => h.rerankerId],
    ])("reranks with the key's defaultModel %s", async (_how, defaultModel) => {
      const key = await h.key({ defaultModel: defaultModel() });
      const body = { query: 'capital cities', texts: TEXTS, raw_scores: false, truncate: true, truncation_direction: 'Right' };
      const res = await post(`${h.base}/rerank`, body, { Authorization: `Bearer ${key}` });
      expect(res.status).toBe(200);
      const ranks = (await res.json()) as Rank[];
      expect(ranks.slice(0, 2).map((r) => [r.index, r.score])).toEqual(expectedRanking(TEXTS, 2));
    });

    it('tells a key without defaultModel what to do, in the error TEI clients read', async () => {
      const res = await post(`${h.base}/rerank`, { query: 'q', texts: TEXTS, raw_scores: false }, { Authorization: `Bearer ${h.member.key}` });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'model: model is required (or create the API key with a defaultModel)', error_type: 'Validation' });
    });
  });

  /**
   * pymilvus, milvus-io/milvus-model src/pymilvus/model/reranker/tei.py (TEIRerankFunction):
   * POST `api_url + "/rerank"` with `{query, return_text: true, texts}` and no credential of
   * its own (the key goes on its requests.Session: `fn._session.headers["Authorization"]`);
   * it reads text, score and index of the first items, and raises `RuntimeError(resp["error"])`.
   */
  describe('pymilvus TEIRerankFunction (api_url {service}/dialects/tei/<model>)', () => {
    it.each([
      ['by reranker id', () => h.rerankerId],
      ['by alias name', () => h.alias],
    ])('reranks %s and returns the texts', async (_how, model) => {
      const res = await post(`${h.base}/dialects/tei/${model()}/rerank`, { query: 'capital cities', return_text: true, texts: TEXTS }, { Authorization: `Bearer ${h.member.key}` });
      const ranks = (await res.json()) as Rank[];
      expect(ranks.slice(0, 5).map((r) => [r.index, r.score, r.text])).toEqual(expectedRanking(TEXTS).map(([index, score]) => [index, score, TEXTS[index]]));
    });

    it('without the session header: a 401 whose "error" says the key is missing', async () => {
      const res = await post(`${h.base}/dialects/tei/${h.alias}/rerank`, { query: 'q', return_text: true, texts: TEXTS }, {});
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe('An API key is required (x-api-key or Authorization: Bearer)');
    });
  });

  it('is told apart on the shared /v1/rerank by texts (a LlamaIndex base URL ending in /v1)', async () => {
    const key = await h.key({ defaultModel: h.alias });
    const res = await post(`${h.base}/v1/rerank`, { query: 'q', texts: TEXTS }, { Authorization: `Bearer ${key}` });
    expect(((await res.json()) as Rank[]).map((r) => r.index)).toEqual(expectedRanking(TEXTS).map(([index]) => index));
  });
});
