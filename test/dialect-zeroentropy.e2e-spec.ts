import { jest } from '@jest/globals';
import { ZeroEntropyReranker } from 'mem0ai/oss';
import { expectedRanking, startDialectHarness, TEXTS, WRONG_KEY, type DialectHarness } from './support/dialect-harness.js';

/**
 * mem0's `zero_entropy` reranker (mem0ai 3, unmodified), through the zeroentropy SDK it loads,
 * with `ZEROENTROPY_BASE_URL` on the service: the SDK posts `{base}/models/rerank` and reads
 * `results[{index, relevance_score}]`. On any failure mem0 keeps the input order with scores
 * of 0 and only warns, so the tests read the scores, and the warning for the failures.
 */
describe('ZeroEntropy dialect: mem0 zero_entropy reranker (zeroentropy SDK)', () => {
  let h: DialectHarness;
  const previousBaseUrl = process.env.ZEROENTROPY_BASE_URL;

  beforeAll(async () => {
    h = await startDialectHarness();
    process.env.ZEROENTROPY_BASE_URL = `${h.base}/v1`;
  });

  afterAll(async () => {
    if (previousBaseUrl === undefined) delete process.env.ZEROENTROPY_BASE_URL;
    else process.env.ZEROENTROPY_BASE_URL = previousBaseUrl;
    await h.close();
  });

  beforeEach(() => h.upstream.clear());

  /** What mem0 warned while `run` ran (it logs failures instead of throwing them). */
  async function warnings<T>(run: () => Promise<T>): Promise<{ result: T; warned: string[] }> {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const result = await run();
      return { result, warned: warn.mock.calls.map((call) => String(call[0])) };
    } finally {
      warn.mockRestore();
    }
  }

  it.each([
    ['by reranker id', () => h.rerankerId],
    ['by alias name', () => h.alias],
  ])('reranks %s, cut to topK', async (_how, model) => {
    const reranker = new ZeroEntropyReranker({ apiKey: h.member.key, model: model() });
    const { result, warned } = await warnings(() => reranker.rerank('capital cities', TEXTS, 3));
    expect(warned).toEqual([]);
    expect(result.map((r) => [r.index, r.rerankScore])).toEqual(expectedRanking(TEXTS, 3));
    expect(h.upstream.requests[0]!.path).toBe('/rerank');
  });

  it('answers the SDK shape (/v1/models/rerank)', async () => {
    const res = await fetch(`${h.base}/v1/models/rerank`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.member.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: h.alias, query: 'q', documents: TEXTS, top_n: 2, latency: 'slow' }),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ actual_latency_mode: 'slow', total_tokens: 10, total_bytes: Buffer.byteLength(`q${TEXTS.join('')}`) });
    expect(answer.results).toEqual(expectedRanking(TEXTS, 2).map(([index, relevance_score]) => ({ index, relevance_score })));
    expect([typeof answer.e2e_latency, typeof answer.inference_latency]).toEqual(['number', 'number']);
  });

  it('an unknown model and a wrong key: mem0 falls back to scores of 0 and its warning carries our message', async () => {
    const unknown = await warnings(() => new ZeroEntropyReranker({ apiKey: h.member.key, model: 'zerank-1' }).rerank('q', TEXTS));
    expect(unknown.result.map((r) => r.rerankScore)).toEqual([0, 0, 0, 0]);
    expect(unknown.warned).toEqual([expect.stringContaining('404 No reranker id, alias name or reranker modelIdentifier of yours is "zerank-1"')]);
    const refused = await warnings(() => new ZeroEntropyReranker({ apiKey: WRONG_KEY, model: h.alias }).rerank('q', TEXTS));
    expect(refused.warned).toEqual([expect.stringContaining('401 The API key is invalid, expired or revoked')]);
  });
});
