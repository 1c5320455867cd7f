import type { ProviderAdapter } from './provider-adapter.js';
import { classifyByStatus, commonErrorMessage, compact, readListWithUsage } from './wire-format.js';

/**
 * Voyage caps the tokens of one request (query tokens x documents + document tokens): 600K
 * for the rerank-2 family and later, 300K for rerank-1 and for models we do not know.
 */
const TOKENS_PER_REQUEST: Record<string, number> = {
  'rerank-2.5': 600_000,
  'rerank-2.5-lite': 600_000,
  'rerank-2': 600_000,
  'rerank-2-lite': 600_000,
  'rerank-1': 300_000,
  'rerank-lite-1': 300_000,
};
const UNKNOWN_MODEL_TOKENS_PER_REQUEST = 300_000;

/**
 * Voyage `/rerank` (endpointUrl usually ends in /v1): `top_k`, not `top_n`; answers
 * `{object: "list", data: [{index, relevance_score}], usage}`. At most 1,000 documents, and
 * a token budget per request (batches are cut by both).
 */
export const voyageAdapter: ProviderAdapter = {
  providerType: 'VOYAGE',
  defaultApiPath: '/rerank',
  maxDocumentsPerRequest: 1000,
  buildRequestBody: (batch) =>
    compact({ model: batch.model, query: batch.query, documents: batch.documents, top_k: batch.topN, return_documents: false }),
  parseResponse: (body) => readListWithUsage(body, 'data'),
  errorMessage: commonErrorMessage,
  classifyError: classifyByStatus,
  defaultScoreNormalization: 'NONE',
  defaultMaxTokensPerRequest: (model) => TOKENS_PER_REQUEST[model] ?? UNKNOWN_MODEL_TOKENS_PER_REQUEST,
};
