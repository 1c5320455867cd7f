import type { ProviderAdapter } from './provider-adapter.js';
import { classifyByStatus, commonErrorMessage, compact, readListWithUsage } from './wire-format.js';

/**
 * Mixedbread `POST https://api.mixedbread.com/v1/reranking` (Bearer): `{model, query, input:
 * [string | object], rank_fields?, top_k, return_input}`; we send strings and
 * `return_input: false`. Answers `{object: "list", model, data: [{index, score, input?}],
 * usage: {prompt_tokens, total_tokens}, top_k, return_input}`. Documents over the model's
 * length are truncated upstream.
 */
export const mixedbreadAdapter: ProviderAdapter = {
  providerType: 'MIXEDBREAD',
  defaultApiPath: '/v1/reranking',
  maxDocumentsPerRequest: 1000,
  buildRequestBody: (batch) =>
    compact({ model: batch.model, query: batch.query, input: batch.documents, top_k: batch.topN, return_input: false }),
  parseResponse: (body) => readListWithUsage(body, 'data', 'score'),
  errorMessage: commonErrorMessage,
  classifyError: classifyByStatus,
  defaultScoreNormalization: 'NONE',
};
