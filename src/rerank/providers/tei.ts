import type { ProviderAdapter } from './provider-adapter.js';
import { commonErrorMessage, readScores } from './wire-format.js';

/**
 * HuggingFace Text Embeddings Inference `/rerank`: `{query, texts}`, no model and no
 * top_n (we cut); answers a bare `[{index, score}]`. Its default client batch is 32
 * documents (more gives 422), so batches are split at 32. Errors `{error, error_type}`.
 */
export const teiAdapter: ProviderAdapter = {
  providerType: 'TEI',
  defaultApiPath: '/rerank',
  maxDocumentsPerRequest: 32,
  buildRequestBody: (batch) => ({ query: batch.query, texts: batch.documents, truncate: true, return_text: false }),
  parseResponse: (body) => ({ scores: readScores(body, ['score']) }),
  errorMessage: commonErrorMessage,
};
