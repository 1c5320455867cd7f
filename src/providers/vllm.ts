import type { ProviderAdapter } from './provider-adapter.js';
import { commonErrorMessage, compact, inputErrorWhen, readListWithUsage } from './wire-format.js';

/** vLLM's "truncate each (query, document) pair to the model's max length". */
const TRUNCATE_TO_MODEL_LENGTH = -1;

/**
 * vLLM `/rerank` (also /v1/rerank, /v2/rerank): `{model, query, documents, top_n,
 * truncate_prompt_tokens}`. It has no `max_tokens_per_doc` (unknown fields are ignored), so
 * the limit goes in `truncate_prompt_tokens`, and without one we ask for truncation to the
 * model's length: an over-long document must not fail the whole batch with a 400. Answers
 * `{id, model, usage, results: [{index, document, relevance_score}]}`. Errors
 * `{error: {message, type, code}}` (older: flat `{message, code}`).
 */
export const vllmAdapter: ProviderAdapter = {
  providerType: 'VLLM',
  defaultApiPath: '/rerank',
  maxDocumentsPerRequest: 1000,
  buildRequestBody: (batch) =>
    compact({
      model: batch.model,
      query: batch.query,
      documents: batch.documents,
      top_n: batch.topN,
      truncate_prompt_tokens: batch.maxTokensPerDoc ?? TRUNCATE_TO_MODEL_LENGTH,
    }),
  parseResponse: (body) => readListWithUsage(body, 'results'),
  errorMessage: commonErrorMessage,
  // "maximum context length is N tokens" / "truncate_prompt_tokens ... greater than max_model_len"
  classifyError: inputErrorWhen(400, /maximum context length|max_model_len/i),
  defaultScoreNormalization: 'NONE',
};
