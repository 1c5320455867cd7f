import type { ProviderAdapter } from './provider-adapter.js';
import { commonErrorMessage, compact, readListWithUsage } from './wire-format.js';

/**
 * Voyage `/rerank` (endpointUrl usually ends in /v1): `top_k`, not `top_n`; answers
 * `{object: "list", data: [{index, relevance_score}], usage}`. At most 1,000 documents.
 */
export const voyageAdapter: ProviderAdapter = {
  providerType: 'VOYAGE',
  defaultApiPath: '/rerank',
  maxDocumentsPerRequest: 1000,
  buildRequestBody: (batch) =>
    compact({ model: batch.model, query: batch.query, documents: batch.documents, top_k: batch.topN, return_documents: false }),
  parseResponse: (body) => readListWithUsage(body, 'data'),
  errorMessage: commonErrorMessage,
};
