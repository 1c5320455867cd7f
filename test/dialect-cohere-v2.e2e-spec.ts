import { createCohere } from '@ai-sdk/cohere';
import { APICallError, rerank } from 'ai';
import request from 'supertest';
import { expectedRanking, startDialectHarness, TEXTS, WRONG_KEY, type DialectHarness } from './support/dialect-harness.js';

/**
 * Cohere v2 (`/v2/rerank`): the AI SDK's `rerank()` (ai 6) with @ai-sdk/cohere 3, unmodified,
 * `baseURL` `{service}/v2`. It validates `results[{index, relevance_score}]` and shows the
 * error body's `message`. cohere-ai's own v2 client is in real-clients.e2e-spec.ts.
 */
describe('Cohere v2 dialect: the AI SDK with @ai-sdk/cohere', () => {
  let h: DialectHarness;
  const provider = (apiKey = h.member.key) => createCohere({ apiKey, baseURL: `${h.base}/v2` });

  beforeAll(async () => {
    h = await startDialectHarness();
  });

  afterAll(() => h.close());

  beforeEach(() => h.upstream.clear());

  it.each([
    ['by reranker id', () => h.rerankerId],
    ['by alias name', () => h.alias],
  ])('reranks %s, topN', async (_how, model) => {
    const { ranking } = await rerank({ model: provider().reranking(model()), query: 'capital cities', documents: TEXTS, topN: 2, maxRetries: 0 });
    expect(ranking.map((r) => [r.originalIndex, r.score])).toEqual(expectedRanking(TEXTS, 2));
    expect(ranking.map((r) => r.document)).toEqual([TEXTS[1], TEXTS[3]]);
  });

  it("keeps Cohere's meta.billed_units (what the upstream reported, else one search unit per upstream request)", async () => {
    const res = await request(h.t.server).post('/v2/rerank').set('authorization', `Bearer ${h.member.key}`).send({ model: h.alias, query: 'q', documents: TEXTS }).expect(200);
    expect(res.body.meta).toMatchObject({ api_version: { version: '2' }, billed_units: { search_units: 1 } });
  });

  it('shows our message for an unknown model and for a wrong key', async () => {
    const unknown = await rerank({ model: provider().reranking('rerank-v3.5'), query: 'q', documents: TEXTS, maxRetries: 0 }).catch((error: unknown) => error);
    expect(APICallError.isInstance(unknown)).toBe(true);
    expect((unknown as APICallError).statusCode).toBe(404);
    expect((unknown as Error).message).toBe('No reranker id, alias name or reranker modelIdentifier of yours is "rerank-v3.5"');
    const refused = await rerank({ model: provider(WRONG_KEY).reranking(h.alias), query: 'q', documents: TEXTS, maxRetries: 0 }).catch((error: unknown) => error);
    expect((refused as APICallError).statusCode).toBe(401);
    expect((refused as Error).message).toBe('The API key is invalid, expired or revoked');
  });
});
