import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { APICallError, rerank } from 'ai';
import { expectedRanking, startDialectHarness, TEXTS, WRONG_KEY, type DialectHarness } from './support/dialect-harness.js';

/**
 * The Bedrock agent runtime's Rerank through the AI SDK (ai 6, @ai-sdk/amazon-bedrock 4,
 * unmodified) with `baseURL` on the service and `apiKey` (sent as a Bearer token): it posts
 * `{base}/rerank` with `queries`, `sources` and the model as an ARN, reads
 * `results[{index, relevanceScore}]`, and shows the error body's `message`.
 */
describe('Bedrock dialect: the AI SDK with @ai-sdk/amazon-bedrock', () => {
  let h: DialectHarness;
  const provider = (apiKey = h.member.key) => createAmazonBedrock({ apiKey, region: 'us-east-1', baseURL: h.base });

  beforeAll(async () => {
    h = await startDialectHarness();
  });

  afterAll(() => h.close());

  beforeEach(() => h.upstream.clear());

  it.each([
    ['by reranker id', () => h.rerankerId],
    ['by alias name', () => h.alias],
  ])('reranks %s (the end of the model ARN), numberOfResults', async (_how, model) => {
    const { ranking } = await rerank({ model: provider().reranking(model()), query: 'capital cities', documents: TEXTS, topN: 2, maxRetries: 0 });
    expect(ranking.map((r) => [r.originalIndex, r.score])).toEqual(expectedRanking(TEXTS, 2));
    expect(h.upstream.requests[0]!.body.documents).toEqual(TEXTS);
  });

  it('ranks JSON documents as their JSON text, as Bedrock does', async () => {
    const documents = TEXTS.map((text) => ({ text }));
    const { ranking } = await rerank({ model: provider().reranking(h.alias), query: 'q', documents, maxRetries: 0 });
    const rendered = documents.map((document) => JSON.stringify(document));
    expect(h.upstream.requests[0]!.body.documents).toEqual(rendered);
    expect(ranking.map((r) => [r.originalIndex, r.score])).toEqual(expectedRanking(rendered));
  });

  it('shows our message for an unknown model and for a wrong key', async () => {
    const unknown = await rerank({ model: provider().reranking('amazon.rerank-v1:0'), query: 'q', documents: TEXTS, maxRetries: 0 }).catch((error: unknown) => error);
    expect(APICallError.isInstance(unknown)).toBe(true);
    expect((unknown as APICallError).statusCode).toBe(404);
    expect((unknown as Error).message).toBe('No reranker id, alias name or reranker modelIdentifier of yours is "amazon.rerank-v1:0"');
    const refused = await rerank({ model: provider(WRONG_KEY).reranking(h.alias), query: 'q', documents: TEXTS, maxRetries: 0 }).catch((error: unknown) => error);
    expect((refused as APICallError).statusCode).toBe(401);
    expect((refused as Error).message).toBe('The API key is invalid, expired or revoked');
  });
});
