import type { ProviderAdapter } from './provider-adapter.js';
import { classifyByStatus, commonErrorMessage, compact, readListWithUsage } from './wire-format.js';

/** The API version this wire format follows (Pinecone dates its API; the header selects it). */
export const PINECONE_API_VERSION = '2025-04';
/** bge-reranker-v2-m3 and pinecone-rerank-v0 take at most 100 documents per request (cohere-rerank-3.5 more). */
const MAX_DOCUMENTS_PER_REQUEST = 100;

/**
 * Pinecone Inference `POST https://api.pinecone.io/rerank` (OpenAPI 2025-04): authenticated by
 * an `Api-Key` header (no prefix), versioned by `X-Pinecone-API-Version`. Documents are objects
 * ranked by `rank_fields` (default `["text"]`), so each rendered text goes as `{text}`;
 * `return_documents` defaults to true upstream and is sent false. Answers `{model, data:
 * [{index, score, document?}], usage: {rerank_units}}`; errors `{error: {code, message}, status}`.
 */
export const pineconeAdapter: ProviderAdapter = {
  providerType: 'PINECONE',
  defaultApiPath: '/rerank',
  maxDocumentsPerRequest: MAX_DOCUMENTS_PER_REQUEST,
  buildRequestBody: (batch) =>
    compact({
      model: batch.model,
      query: batch.query,
      documents: batch.documents.map((text) => ({ text })),
      top_n: batch.topN,
      return_documents: false,
    }),
  parseResponse: (body) => readListWithUsage(body, 'data', 'score'),
  errorMessage: commonErrorMessage,
  classifyError: classifyByStatus,
  defaultScoreNormalization: 'NONE',
  requestHeaders: { 'X-Pinecone-API-Version': PINECONE_API_VERSION },
  credentialHeader: { headerName: 'Api-Key', prefix: '' },
};
