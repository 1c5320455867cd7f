/**
 * DeepInfra reranking, verified against
 * - DeepInfra's model API pages (deepinfra.com/<model>/api, e.g. nvidia/Nemotron-3.5-Rerank-8B-BF16):
 *   `POST https://api.deepinfra.com/v1/inference/<model>`, `Authorization: bearer <token>`, body
 *   `{queries: [...], documents: [...]}`, answer `{scores: [number], input_tokens, request_id,
 *   inference_status: {status, runtime_ms, cost, tokens_generated, tokens_input, output_length}}`;
 * - deepinfra.com/docs/inference: every model has `https://api.deepinfra.com/v1/inference/{model_name}`
 *   (the model name keeps its slash), Bearer token;
 * - LiteLLM litellm/llms/deepinfra/rerank/transformation.py: URL `<base>/inference/<model>`, the
 *   query repeated once per document ("queries to be of same length as documents"), no model in
 *   the body, `scores[i]` is document i's relevance (index = position), errors `{"detail": {"error": "..."}}`
 *   (or a string `detail`).
 */
import { deepInfraAdapter } from './deepinfra.js';
import { defaultApiPathFor, UpstreamFormatError } from './provider-adapter.js';

describe('DeepInfra adapter', () => {
  it('derives its default apiPath from the model, keeping the slash of org/model', () => {
    expect(defaultApiPathFor(deepInfraAdapter, 'BAAI/bge-reranker-v2-m3')).toBe('/v1/inference/BAAI/bge-reranker-v2-m3');
    expect(defaultApiPathFor(deepInfraAdapter, 'Qwen/Qwen3-Reranker-4B')).toBe('/v1/inference/Qwen/Qwen3-Reranker-4B');
  });

  it('escapes characters a path segment cannot carry', () => {
    expect(defaultApiPathFor(deepInfraAdapter, 'org/model?x#y')).toBe('/v1/inference/org/model%3Fx%23y');
  });

  it('sends the query once per document and no model, top_n or truncation field', () => {
    expect(deepInfraAdapter.buildRequestBody({ model: 'BAAI/bge-reranker-v2-m3', query: 'q', documents: ['a', 'b', 'c'], topN: 1, maxTokensPerDoc: 10 })).toEqual({
      queries: ['q', 'q', 'q'],
      documents: ['a', 'b', 'c'],
    });
  });

  it('reads scores by position and reports input_tokens as usage', () => {
    const body = { scores: [0.1, 0.9, 0.3], input_tokens: 42, request_id: null, inference_status: { status: 'succeeded', runtime_ms: 12, cost: 0 } };
    expect(deepInfraAdapter.parseResponse(body)).toEqual({
      scores: [
        { index: 0, score: 0.1 },
        { index: 1, score: 0.9 },
        { index: 2, score: 0.3 },
      ],
      usage: { input_tokens: 42 },
    });
  });

  it('refuses a body without a scores list, or with a non-numeric score', () => {
    expect(() => deepInfraAdapter.parseResponse({ results: [{ index: 0, relevance_score: 0.9 }] })).toThrow(UpstreamFormatError);
    expect(() => deepInfraAdapter.parseResponse({ scores: [0.2, 'high'] })).toThrow(UpstreamFormatError);
    expect(() => deepInfraAdapter.parseResponse([0.2])).toThrow(UpstreamFormatError);
  });

  it('reads {detail: {error}} and a plain detail string', () => {
    expect(deepInfraAdapter.errorMessage({ detail: { error: 'queries and documents must have the same length' } })).toBe('queries and documents must have the same length');
    expect(deepInfraAdapter.errorMessage({ detail: 'Not authenticated' })).toBe('Not authenticated');
    expect(deepInfraAdapter.errorMessage({ detail: { error: '' } })).toBeUndefined();
  });

  it('classifies by status and declares Bearer auth, raw scores untouched', () => {
    expect(deepInfraAdapter.classifyError(413, {})).toBe('payload-too-large');
    expect(deepInfraAdapter.classifyError(422, { detail: { error: 'x' } })).toBe('upstream');
    expect(deepInfraAdapter.defaultScoreNormalization).toBe('NONE');
    expect(deepInfraAdapter.credentialHeader).toBeUndefined();
  });
});
