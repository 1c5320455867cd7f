import type { ProviderAdapter } from './provider-adapter.js';
import { cohereAdapter } from './cohere.js';
import { commonErrorMessage, readListWithUsage } from './wire-format.js';

/**
 * vLLM `/rerank` (also /v1/rerank, /v2/rerank): takes Cohere v2's body exactly; answers
 * `{id, model, usage, results: [{index, document, relevance_score}]}`. Errors
 * `{error: {message}}` (older: flat `{message}`).
 */
export const vllmAdapter: ProviderAdapter = {
  providerType: 'VLLM',
  defaultApiPath: '/rerank',
  maxDocumentsPerRequest: 1000,
  buildRequestBody: cohereAdapter.buildRequestBody,
  parseResponse: (body) => readListWithUsage(body, 'results'),
  errorMessage: commonErrorMessage,
};
