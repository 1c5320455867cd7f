import Mixedbread from '@mixedbread/sdk';
import { expectedRanking, startDialectHarness, TEXTS, WRONG_KEY, type DialectHarness } from './support/dialect-harness.js';

/**
 * @mixedbread/sdk (unmodified) with `baseURL` on the service: `client.rerank()` posts
 * `{base}/v1/reranking` with `input`, `top_k`, `return_input`, `rank_fields`, and no model
 * unless given; it reads `data[{index, score, input}]`, `usage`, `top_k`, `return_input`.
 */
describe('Mixedbread dialect: @mixedbread/sdk', () => {
  let h: DialectHarness;
  const client = (apiKey = h.member.key) => new Mixedbread({ apiKey, baseURL: h.base, maxRetries: 0 });

  beforeAll(async () => {
    h = await startDialectHarness();
  });

  afterAll(() => h.close());

  beforeEach(() => h.upstream.clear());

  it.each([
    ['by reranker id', () => h.rerankerId],
    ['by alias name', () => h.alias],
  ])('reranks %s, with top_k and the input echoed', async (_how, model) => {
    const answer = await client().rerank({ model: model(), query: 'capital cities', input: TEXTS, top_k: 3, return_input: true });
    expect(answer.data.map((d) => [d.index, d.score])).toEqual(expectedRanking(TEXTS, 3));
    expect(answer.data.map((d) => d.input)).toEqual([TEXTS[1], TEXTS[3], TEXTS[0]]);
    expect(answer).toMatchObject({ object: 'list', model: 'BAAI/bge-reranker-base', top_k: 3, return_input: true, usage: { prompt_tokens: 10, total_tokens: 10 } });
  });

  it('ranks object inputs by rank_fields', async () => {
    const input = TEXTS.map((text, i) => ({ title: `doc ${i}`, body: text }));
    const answer = await client().rerank({ model: h.alias, query: 'q', input, rank_fields: ['body'] });
    expect(answer.data.map((d) => d.index)).toEqual(expectedRanking(TEXTS).map(([index]) => index));
    expect(answer.data[0]!.input).toBeUndefined();
    expect(h.upstream.requests[0]!.body.documents).toEqual(TEXTS);
  });

  it("runs the key's defaultModel when the SDK sends no model, and says what is missing without one", async () => {
    const defaulted = new Mixedbread({ apiKey: await h.key({ defaultModel: h.alias }), baseURL: h.base, maxRetries: 0 });
    const answer = await defaulted.rerank({ query: 'q', input: TEXTS, top_k: 1 });
    expect(answer.data.map((d) => [d.index, d.score])).toEqual(expectedRanking(TEXTS, 1));
    await expect(client().rerank({ query: 'q', input: TEXTS })).rejects.toThrow(/^400 model: model is required \(or create the API key with a defaultModel\)/);
  });

  it('shows our message for an unknown model and for a wrong key', async () => {
    const unknown = await client()
      .rerank({ model: 'mxbai-rerank-large-v2', query: 'q', input: TEXTS })
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(Mixedbread.NotFoundError);
    expect((unknown as Error).message).toBe('404 No reranker id, alias name or reranker modelIdentifier of yours is "mxbai-rerank-large-v2"');
    const refused = await client(WRONG_KEY)
      .rerank({ model: h.alias, query: 'q', input: TEXTS })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Mixedbread.AuthenticationError);
    expect((refused as Error).message).toBe('401 The API key is invalid, expired or revoked');
  });
});
