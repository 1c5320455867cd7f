import { cohereBilling } from './cohere-billing.js';
import type { ProviderAdapter } from './provider-adapter.js';
import { classifyByStatus, commonErrorMessage, compact, objectAt, readScores, requireObject } from './wire-format.js';

/**
 * Cohere v2 `/v2/rerank`: strings only, `top_n`, `max_tokens_per_doc`; rejects unknown
 * fields, so nothing else is sent. Answers `{id, results: [{index, relevance_score}], meta}`.
 */
export const cohereAdapter: ProviderAdapter = {
  providerType: 'COHERE',
  defaultApiPath: '/v2/rerank',
  maxDocumentsPerRequest: 1000,
  buildRequestBody: (batch) =>
    compact({
      model: batch.model,
      query: batch.query,
      documents: batch.documents,
      top_n: batch.topN,
      max_tokens_per_doc: batch.maxTokensPerDoc,
    }),
  parseResponse: (body) => {
    const json = requireObject(body);
    const meta = objectAt(json, 'meta');
    const usage = meta && (objectAt(meta, 'billed_units') || objectAt(meta, 'tokens')) ? meta : undefined;
    return { scores: readScores(json.results, ['relevance_score']), ...(usage ? { usage } : {}) };
  },
  errorMessage: commonErrorMessage,
  classifyError: classifyByStatus,
  defaultScoreNormalization: 'NONE',
  billing: cohereBilling,
};
