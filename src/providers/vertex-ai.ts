import { UpstreamFormatError, type ProviderAdapter, type UpstreamScore } from './provider-adapter.js';
import { classifyByStatus, commonErrorMessage, compact, isObject, requireObject } from './wire-format.js';

/**
 * Vertex AI ranking (Discovery Engine `RankService.Rank`): endpointUrl names the project's
 * and location's ranking configs (`https://discoveryengine.googleapis.com/v1/projects/{project}/locations/{location}/rankingConfigs`),
 * apiPath the config and method. Records are `{id, content}` with our batch index as id;
 * the answer is `{records: [{id, score}]}` (only id and score with
 * ignoreRecordDetailsInResponse). At most 200 records per call. Errors are Google's
 * `{error: {code, message, status}}`. Credentials: CREDENTIAL_KIND_GCP_ADC.
 */
export const vertexAiAdapter: ProviderAdapter = {
  providerType: 'VERTEX_AI',
  defaultApiPath: '/default_ranking_config:rank',
  maxDocumentsPerRequest: 200,
  buildRequestBody: (batch) =>
    compact({
      model: batch.model,
      query: batch.query,
      records: batch.documents.map((content, index) => ({ id: String(index), content })),
      topN: batch.topN,
      ignoreRecordDetailsInResponse: true,
    }),
  parseResponse: (body) => ({ scores: readRecords(requireObject(body).records) }),
  errorMessage: commonErrorMessage,
  classifyError: classifyByStatus,
  defaultScoreNormalization: 'NONE',
};

const RECORD_ID = /^(0|[1-9]\d{0,8})$/;

/**
 * proto3 JSON leaves out default values: no `records` is an empty list and no `score` is 0
 * (Google rounds near-zero scores up to 0.0001 to avoid that, but the mapping allows it).
 */
function readRecords(records: unknown): UpstreamScore[] {
  if (records === undefined) return [];
  if (!Array.isArray(records)) throw new UpstreamFormatError('records are not a list');
  return records.map((record, position) => {
    if (!isObject(record) || typeof record.id !== 'string' || !RECORD_ID.test(record.id)) {
      throw new UpstreamFormatError(`record ${position} has no id we sent`);
    }
    const score = record.score ?? 0;
    if (typeof score !== 'number' || !Number.isFinite(score)) throw new UpstreamFormatError(`record ${position} has no numeric score`);
    return { index: Number(record.id), score };
  });
}
