/**
 * Mixedbread reranking, verified against mixedbread.com/api-reference/endpoints/reranking
 * (`POST /v1/reranking`, `Authorization: Bearer`; body `{model, query, input: string[] |
 * object[], rank_fields?, top_k?, return_input?}`; documents over the token limit are
 * truncated) and the answer `{object: "list", model, data: [{index, score, input?}], usage,
 * top_k, return_input}` read by @langchain/mixedbread-ai and @llamaindex/mixedbread.
 */
import { mixedbreadAdapter } from './mixedbread.js';
import { UpstreamFormatError } from './provider-adapter.js';

describe('Mixedbread adapter', () => {
  it('sends input and top_k, never asking for the input back', () => {
    expect(mixedbreadAdapter.buildRequestBody({ model: 'mixedbread-ai/mxbai-rerank-large-v2', query: 'q', documents: ['a', 'b'], topN: 1 })).toEqual({
      model: 'mixedbread-ai/mxbai-rerank-large-v2',
      query: 'q',
      input: ['a', 'b'],
      top_k: 1,
      return_input: false,
    });
  });

  it('reads data[{index, score}] and the usage', () => {
    const body = { object: 'list', model: 'm', data: [{ index: 1, score: 0.9, object: 'rank_result' }], usage: { prompt_tokens: 5, total_tokens: 5 }, top_k: 1 };
    expect(mixedbreadAdapter.parseResponse(body)).toEqual({ scores: [{ index: 1, score: 0.9 }], usage: { prompt_tokens: 5, total_tokens: 5 } });
  });

  it('refuses a Cohere-shaped answer', () => {
    expect(() => mixedbreadAdapter.parseResponse({ results: [{ index: 1, relevance_score: 0.9 }] })).toThrow(UpstreamFormatError);
  });

  it('declares its defaults: /v1/reranking, Bearer, raw scores untouched', () => {
    expect(mixedbreadAdapter.defaultApiPath).toBe('/v1/reranking');
    expect(mixedbreadAdapter.defaultScoreNormalization).toBe('NONE');
    expect(mixedbreadAdapter.credentialHeader).toBeUndefined();
    expect(mixedbreadAdapter.requestHeaders).toBeUndefined();
  });
});
