import type { ProviderAdapter } from './provider-adapter.js';
import { classifyByStatus, commonErrorMessage, compact, isObject, objectAt, readScores } from './wire-format.js';

/**
 * "OpenAI-style" self-hosted `/rerank` (Infinity, SiliconFlow, Together, gateways): the
 * Jina/Cohere request; lenient reading: `results`, `data` or a bare list, with
 * `relevance_score` or `score`.
 */
export const openAiCompatibleAdapter: ProviderAdapter = {
  providerType: 'OPENAI',
  defaultApiPath: '/rerank',
  maxDocumentsPerRequest: 1000,
  buildRequestBody: (batch) =>
    compact({ model: batch.model, query: batch.query, documents: batch.documents, top_n: batch.topN, return_documents: false }),
  parseResponse: (body) => {
    const list = isObject(body) ? (body.results ?? body.data) : body;
    const usage = isObject(body) ? objectAt(body, 'usage') : undefined;
    return { scores: readScores(list, ['relevance_score', 'score']), ...(usage ? { usage } : {}) };
  },
  errorMessage: commonErrorMessage,
  classifyError: classifyByStatus,
  defaultScoreNormalization: 'NONE',
};
