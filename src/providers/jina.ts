import type { ProviderAdapter } from './provider-adapter.js';
import { classifyByStatus, commonErrorMessage, compact, readListWithUsage } from './wire-format.js';

/**
 * Jina `/v1/rerank`: `top_n`, `return_documents` (true by default upstream; we send false,
 * documents are echoed from the caller's input). Answers `{model, usage, results: [{index, relevance_score}]}`;
 * errors carry `detail`.
 */
export const jinaAdapter: ProviderAdapter = {
  providerType: 'JINA',
  defaultApiPath: '/v1/rerank',
  maxDocumentsPerRequest: 1000,
  buildRequestBody: (batch) =>
    compact({ model: batch.model, query: batch.query, documents: batch.documents, top_n: batch.topN, return_documents: false }),
  parseResponse: (body) => readListWithUsage(body, 'results'),
  errorMessage: commonErrorMessage,
  classifyError: classifyByStatus,
  defaultScoreNormalization: 'NONE',
};
