import { scoreOf } from './support/fake-upstream.js';
import { startDialectHarness, WRONG_KEY, type DialectHarness } from './support/dialect-harness.js';

type ScoreAnswer = { id: string; object: string; created: number; model: string; data: Array<{ index: number; object: string; score: number }>; usage: Record<string, number> };

/**
 * vLLM's score API clients (Python: payloads recorded from vLLM's own sources).
 * examples/pooling/score/openai_cross_encoder_score.py posts `{model, text_1, text_2}` to
 * `/score` three ways: (string, string), (string, list) and (list, list); its only header is
 * `User-Agent` (a key must be added). vllm/entrypoints/pooling/score/protocol.py also takes
 * `{queries, documents}` (ScoreQueriesDocumentsRequest) and answers ScoreResponse:
 * `{id, object: "list", created, model, data[{index, object: "score", score}], usage}`, in
 * input order.
 */
describe('vLLM score dialect (recorded payloads)', () => {
  let h: DialectHarness;
  const brazil = 'The capital of Brazil is Brasilia. score=0.2';
  const france = 'The capital of France is Paris. score=0.9';

  beforeAll(async () => {
    h = await startDialectHarness();
  });

  afterAll(() => h.close());

  const post = (path: string, body: object, key = h.member.key) =>
    fetch(`${h.base}${path}`, { method: 'POST', headers: { 'User-Agent': 'Test Client', authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it.each([
    ['/score', 'text_1 + text_2 (a string and a list), by reranker id', () => ({ model: h.rerankerId, text_1: 'What is the capital of France?', text_2: [brazil, france] })],
    ['/v1/score', 'queries + documents, by alias name', () => ({ model: h.alias, queries: 'What is the capital of France?', documents: [brazil, france] })],
    ['/score', 'text_1 as a list of one query', () => ({ model: h.alias, text_1: ['What is the capital of France?'], text_2: [brazil, france] })],
  ])('%s: %s, scores in input order', async (path, _how, body) => {
    const res = await post(path, body());
    expect(res.status).toBe(200);
    const answer = (await res.json()) as ScoreAnswer;
    expect(answer.data).toEqual([
      { index: 0, object: 'score', score: scoreOf(brazil) },
      { index: 1, object: 'score', score: scoreOf(france) },
    ]);
    expect(answer).toMatchObject({ object: 'list', model: 'BAAI/bge-reranker-base', usage: { prompt_tokens: 10, total_tokens: 10, completion_tokens: 0 } });
    expect(answer.id).toBe(res.headers.get('x-request-id'));
  });

  it('scores one pair (two strings)', async () => {
    const answer = (await (await post('/score', { model: h.alias, text_1: 'What is the capital of Brazil?', text_2: brazil })).json()) as ScoreAnswer;
    expect(answer.data).toEqual([{ index: 0, object: 'score', score: scoreOf(brazil) }]);
  });

  it('refuses two different queries in one call (vLLM pairs them; a rerank is one query), with a message', async () => {
    const res = await post('/score', { model: h.alias, text_1: ['What is the capital of Brazil?', 'What is the capital of France?'], text_2: [brazil, france] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { message: expect.stringContaining('one query per call'), code: 'INVALID_ARGUMENT' } });
  });

  it('answers an unknown model and a wrong key with error{message}', async () => {
    const unknown = await post('/score', { model: 'BAAI/bge-reranker-v2-m3', text_1: 'q', text_2: [brazil] });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { message: 'No reranker id, alias name or reranker modelIdentifier of yours is "BAAI/bge-reranker-v2-m3"' } });
    const refused = await post('/score', { model: h.alias, text_1: 'q', text_2: [brazil] }, WRONG_KEY);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { message: 'The API key is invalid, expired or revoked' } });
  });
});
