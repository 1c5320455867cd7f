import { VoyageAIClient, VoyageAIError } from 'voyageai';
import { expectedRanking, startDialectHarness, TEXTS, WRONG_KEY, type DialectHarness } from './support/dialect-harness.js';

/**
 * The voyageai SDK (0.4, unmodified) with `baseUrl` on the service: it posts `{base}/rerank`
 * with `top_k`, `return_documents`, `truncation`, and reads `data[{index, relevance_score,
 * document}]`, `model` and `usage.total_tokens` (its parser skips validation: a wrong shape
 * would just come back empty).
 */
describe('Voyage dialect: the voyageai SDK', () => {
  let h: DialectHarness;
  const client = (baseUrl: string, apiKey = h.member.key) => new VoyageAIClient({ apiKey, baseUrl, maxRetries: 0 });

  beforeAll(async () => {
    h = await startDialectHarness();
  });

  afterAll(() => h.close());

  beforeEach(() => h.upstream.clear());

  it.each([
    ['by reranker id, base {service}/v1 (told apart by the SDK header)', () => h.rerankerId, () => `${h.base}/v1`],
    ['by alias name, base {service}/dialects/voyage/v1', () => h.alias, () => `${h.base}/dialects/voyage/v1`],
  ])('reranks %s, top_k and the documents as strings', async (_how, model, baseUrl) => {
    const answer = await client(baseUrl()).rerank({ model: model(), query: 'capital cities', documents: TEXTS, topK: 2, returnDocuments: true, truncation: true });
    expect(answer.object).toBe('list');
    expect(answer.data!.map((d) => [d.index, d.relevanceScore])).toEqual(expectedRanking(TEXTS, 2));
    expect(answer.data!.map((d) => d.document)).toEqual([TEXTS[1], TEXTS[3]]);
    expect(answer.model).toBe('BAAI/bge-reranker-base');
    expect(answer.usage!.totalTokens).toBe(10);
    expect(h.upstream.requests[0]!.body.documents).toEqual(TEXTS);
  });

  it('leaves the documents out unless asked, and returns every one without top_k', async () => {
    const answer = await client(`${h.base}/v1`).rerank({ model: h.alias, query: 'q', documents: TEXTS });
    expect(answer.data!.map((d) => d.index)).toEqual(expectedRanking(TEXTS).map(([index]) => index));
    expect(answer.data!.every((d) => d.document === undefined)).toBe(true);
  });

  it('is told apart on the shared /v1/rerank by top_k when the SDK header is not there', async () => {
    const res = await fetch(`${h.base}/v1/rerank`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.member.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: h.rerankerId, query: 'q', documents: TEXTS, top_k: 1 }),
    });
    expect(await res.json()).toMatchObject({ object: 'list', data: [{ index: 1, relevance_score: 0.87 }] });
  });

  it('shows our message for an unknown model and refuses a wrong key (status, body with error.param)', async () => {
    const unknown = await client(`${h.base}/v1`)
      .rerank({ model: 'rerank-2', query: 'q', documents: TEXTS })
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(VoyageAIError);
    expect((unknown as VoyageAIError).statusCode).toBe(404);
    expect((unknown as Error).message).toContain('No reranker id, alias name or reranker modelIdentifier of yours is \\"rerank-2\\"');
    expect((unknown as VoyageAIError).body).toMatchObject({ error: { code: 'NOT_FOUND', param: null } });
    const refused = await client(`${h.base}/v1`, WRONG_KEY)
      .rerank({ model: h.alias, query: 'q', documents: TEXTS })
      .catch((error: unknown) => error);
    expect((refused as VoyageAIError).statusCode).toBe(401);
    expect((refused as Error).message).toContain('The API key is invalid, expired or revoked');
  });
});
