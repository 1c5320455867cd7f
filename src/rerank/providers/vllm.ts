import type { ProviderAdapter } from './provider-adapter.js';
import { commonErrorMessage, compact, readListWithUsage } from './wire-format.js';

/**
 * vLLM `/rerank` (also /v1/rerank, /v2/rerank): Jina/Cohere-style body; answers
 * `{id, model, usage, results: [{index, document, relevance_score}]}`. Errors
 * `{error: {message}}` (older: flat `{message}`).
 */
export const vllmAdapter: ProviderAdapter = {
  providerType: 'VLLM',
  defaultApiPath: '/rerank',
  maxDocumentsPerRequest: 1000,
  buildRequestBody: (batch) =>
    compact({
      model: batch.model,
      query: batch.query,
      documents: batch.documents,
      top_n: batch.topN,
      max_tokens_per_doc: batch.maxTokensPerDoc,
    }),
  parseResponse: (body) => readListWithUsage(body, 'results'),
  errorMessage: commonErrorMessage,
};
