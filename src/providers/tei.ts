import type { ProviderAdapter } from './provider-adapter.js';
import { classifyByStatus, commonErrorMessage, readScores } from './wire-format.js';

/**
 * HuggingFace Text Embeddings Inference `/rerank`: `{query, texts}`, no model and no
 * top_n (we cut); answers a bare `[{index, score}]`. Its default client batch is 32
 * documents (more gives 422 "batch size N > maximum allowed batch size 32"), so batches
 * are split at 32. 413 (plain text) only for bodies over its 2 MB payload limit: the service
 * then splits the batch. Errors `{error, error_type}`.
 */
export const teiAdapter: ProviderAdapter = {
  providerType: 'TEI',
  defaultApiPath: '/rerank',
  maxDocumentsPerRequest: 32,
  buildRequestBody: (batch) => ({ query: batch.query, texts: batch.documents, truncate: true, return_text: false }),
  parseResponse: (body) => ({ scores: readScores(body, ['score']) }),
  errorMessage: commonErrorMessage,
  classifyError: classifyByStatus,
  defaultScoreNormalization: 'NONE',
};
