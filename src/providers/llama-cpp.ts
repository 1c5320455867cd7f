import type { ProviderAdapter } from './provider-adapter.js';
import { commonErrorMessage, compact, inputErrorWhen, readListWithUsage } from './wire-format.js';

/**
 * llama.cpp server `/rerank` (also /v1/rerank, /reranking): `{query, documents, top_n,
 * model?}`; answers `{results: [{index, relevance_score}], usage}`. 501 when the server
 * runs without reranking enabled. Scores are raw logits of the RANK pooling head, hence
 * SIGMOID by default. It cannot truncate: a (query, document) pair longer than its
 * physical batch is a 500 "input (N tokens) is too large to process", which is the
 * request's fault, not an outage.
 */
export const llamaCppAdapter: ProviderAdapter = {
  providerType: 'LLAMA_CPP',
  defaultApiPath: '/rerank',
  maxDocumentsPerRequest: 1000,
  buildRequestBody: (batch) => compact({ model: batch.model, query: batch.query, documents: batch.documents, top_n: batch.topN }),
  parseResponse: (body) => readListWithUsage(body, 'results'),
  errorMessage: commonErrorMessage,
  classifyError: inputErrorWhen(500, /too large to process/i),
  defaultScoreNormalization: 'SIGMOID',
};
