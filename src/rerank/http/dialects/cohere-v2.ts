import { ApiProperty } from '@nestjs/swagger';
import { COMPAT_MESSAGES, compatBodySchema, validateCompatBody, type CompatBody } from '../../dto/rerank-body.schema.js';
import { CompatRerankMeta, meta } from '../../dto/rerank.response.js';
import { searchUnitsOf, type Dialect } from '../dialect.js';
import { cohereStyleCall, cohereStyleResults, CompatV1RerankResult, type CohereStyleCall } from './jina.js';

/**
 * Cohere v2, `POST /v2/rerank`: cohere-ai's `CohereClientV2`, the AI SDK's Cohere provider
 * (base URL `{base}/v2`), and vLLM's Cohere-compatible route. The v1 body; no documents
 * unless asked (cohere-ai 7.x still sends `return_documents`).
 */
export class CohereV2RerankResponse {
  @ApiProperty({ description: 'The request id' })
  id!: string;

  @ApiProperty({ type: [CompatV1RerankResult] })
  results!: CompatV1RerankResult[];

  @ApiProperty({ type: CompatRerankMeta })
  meta!: CompatRerankMeta;
}

export const cohereV2: Dialect<CompatBody, CohereStyleCall> = {
  operationId: 'CompatRerankController_v2',
  summary: 'Rerank as Cohere v2 (drop-in)',
  description:
    "`model` is a reranker id, an alias name or a modelIdentifier of yours (none: the key's defaultModel); the response `id` is the request id. " +
    'Documents come back only with return_documents: true. Other fields these clients send are accepted and ignored.',
  paths: ['/v2/rerank'],
  body: { schema: compatBodySchema, validate: validateCompatBody, messages: COMPAT_MESSAGES },
  ignoredFields: ['max_chunks_per_doc', 'priority'],
  ok: CohereV2RerankResponse,
  parse: (body) => cohereStyleCall(body, false),
  render: (outcome, call, { request }): CohereV2RerankResponse => ({
    id: String(request.id),
    results: cohereStyleResults(outcome, call.input.documents, call.returnDocuments),
    meta: meta(outcome, '2', searchUnitsOf(outcome)),
  }),
};
