import type { ProviderAdapter } from './provider-adapter.js';
import { commonErrorMessage, inputErrorWhen, readScores, requireObject } from './wire-format.js';

/** A request's passages cap in NVIDIA's reranking NIM docs (VLM model: "up to 512 passages"). */
const MAX_PASSAGES_PER_REQUEST = 512;

/**
 * NVIDIA NeMo Retriever reranking NIM (self-hosted container or the hosted API) `/v1/ranking`:
 * `{model, query: {text}, passages: [{text}], truncate: "END" | "NONE"}`; answers
 * `{rankings: [{index, logit}]}` sorted by logit, every passage ranked (no top_n). Logits are
 * raw, hence SIGMOID by default. We always send `truncate: "END"`: with "NONE" one passage
 * over the model's length fails the whole request ("Input length N exceeds maximum allowed
 * token size M", 400 in older containers, 422 `{object: "error", message}` in newer ones),
 * which is still classified as the request's fault should a deployment force it.
 */
export const nvidiaNimAdapter: ProviderAdapter = {
  providerType: 'NVIDIA_NIM',
  defaultApiPath: '/v1/ranking',
  maxDocumentsPerRequest: MAX_PASSAGES_PER_REQUEST,
  buildRequestBody: (batch) => ({
    model: batch.model,
    query: { text: batch.query },
    passages: batch.documents.map((text) => ({ text })),
    truncate: 'END',
  }),
  parseResponse: (body) => ({ scores: readScores(requireObject(body).rankings, ['logit']) }),
  errorMessage: commonErrorMessage,
  classifyError: inputErrorWhen([400, 422], /exceeds maximum allowed token size/i),
  defaultScoreNormalization: 'SIGMOID',
};
