import type { ProviderAdapter } from './provider-adapter.js';
import { commonErrorMessage, compact, readListWithUsage } from './wire-format.js';

/**
 * llama.cpp server `/rerank` (also /v1/rerank, /reranking): `{query, documents, top_n,
 * model?}`; answers `{results: [{index, relevance_score}], usage}`. 501 when the server
 * runs without reranking enabled.
 */
export const llamaCppAdapter: ProviderAdapter = {
  providerType: 'LLAMA_CPP',
  defaultApiPath: '/rerank',
  maxDocumentsPerRequest: 1000,
  buildRequestBody: (batch) => compact({ model: batch.model, query: batch.query, documents: batch.documents, top_n: batch.topN }),
  parseResponse: (body) => readListWithUsage(body, 'results'),
  errorMessage: commonErrorMessage,
};
