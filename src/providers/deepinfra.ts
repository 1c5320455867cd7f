import { UpstreamFormatError, type ParsedUpstreamResponse, type ProviderAdapter } from './provider-adapter.js';
import { classifyByStatus, commonErrorMessage, isObject, requireObject } from './wire-format.js';

/**
 * DeepInfra's per-model inference API, `POST /v1/inference/<model>` (Bearer): the model is in
 * the path, not the body; `{queries, documents}` pairs the i-th query with the i-th document,
 * so the query is repeated once per document. Answers `{scores, input_tokens, request_id,
 * inference_status}`, one score per document in input order (no index, no top_n: we sort and
 * cut). Errors are `{detail: {error}}`.
 */
export const deepInfraAdapter: ProviderAdapter = {
  providerType: 'DEEPINFRA',
  defaultApiPath: (model) => `/v1/inference/${model.split('/').map(encodeURIComponent).join('/')}`,
  maxDocumentsPerRequest: 1000,
  buildRequestBody: (batch) => ({ queries: batch.documents.map(() => batch.query), documents: batch.documents }),
  parseResponse: readPositionalScores,
  errorMessage: (body) => nestedDetailError(body) ?? commonErrorMessage(body),
  classifyError: classifyByStatus,
  defaultScoreNormalization: 'NONE',
};

/** `{scores: [number]}`: the score at position i is document i's. */
function readPositionalScores(body: unknown): ParsedUpstreamResponse {
  const json = requireObject(body);
  if (!Array.isArray(json.scores)) throw new UpstreamFormatError('scores are not a list');
  const scores = json.scores.map((score: unknown, index) => {
    if (typeof score !== 'number' || !Number.isFinite(score)) throw new UpstreamFormatError(`score ${index} is not a finite number`);
    return { index, score };
  });
  const inputTokens = json.input_tokens;
  return { scores, ...(typeof inputTokens === 'number' ? { usage: { input_tokens: inputTokens } } : {}) };
}

function nestedDetailError(body: unknown): string | undefined {
  const detail = isObject(body) ? body.detail : undefined;
  return isObject(detail) && typeof detail.error === 'string' && detail.error.trim() ? detail.error : undefined;
}
