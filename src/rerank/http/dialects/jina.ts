import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANY_OBJECT } from '../../../common/openapi/schema-properties.js';
import { COMPAT_MESSAGES, compatBodySchema, validateCompatBody, type CompatBody } from '../../dto/rerank-body.schema.js';
import { CompatRerankMeta, meta } from '../../dto/rerank.response.js';
import type { RerankDocument } from '../../document-text.js';
import type { RerankInput, RoutedOutcome } from '../../rerank-types.js';
import { asDocumentObject, searchUnitsOf, tokenUsage, TokenUsage, topNOf, type Dialect, type DialectCall } from '../dialect.js';

/**
 * Jina and Cohere v1, `POST /v1/rerank` and `/rerank`: the shape most clients speak (Jina-style
 * clients, cohere-ai's v1 client, the openai SDK's generic post, vLLM's and llama.cpp's
 * clients, Infinity's, and the AI SDK's Together provider, which validates `usage`). The path
 * is shared: the other dialects claim their requests first (dialects/index.ts), this one
 * takes the rest. Documents come back unless `return_documents: false` (Jina's default).
 */
export interface CohereStyleCall extends DialectCall {
  readonly returnDocuments: boolean;
}

export class CompatV1RerankResult {
  @ApiProperty({ type: 'integer' })
  index!: number;

  @ApiProperty()
  relevance_score!: number;

  @ApiPropertyOptional({ ...ANY_OBJECT, description: 'With return_documents (default true for Jina and Cohere v1, false for v2): the document, a string one as {text}' })
  document?: Record<string, unknown>;
}

export class CompatV1RerankResponse {
  @ApiProperty({ description: 'The request id' })
  id!: string;

  @ApiProperty()
  model!: string;

  @ApiProperty({ type: [CompatV1RerankResult] })
  results!: CompatV1RerankResult[];

  @ApiProperty({ type: TokenUsage })
  usage!: TokenUsage;

  @ApiProperty({ type: CompatRerankMeta })
  meta!: CompatRerankMeta;
}

export const jina: Dialect<CompatBody, CohereStyleCall> = {
  operationId: 'CompatRerankController_v1',
  summary: 'Rerank as Jina or Cohere v1 (drop-in)',
  description:
    "`model` is a reranker id, an alias name or a modelIdentifier of yours (none: the key's defaultModel); the response `id` is the request id. " +
    'Documents come back unless return_documents is false; usage is normalized (Together, Infinity, vLLM and llama.cpp clients speak this too). ' +
    'Other fields these clients send are accepted and ignored.',
  paths: ['/v1/rerank', '/rerank'],
  body: { schema: compatBodySchema, validate: validateCompatBody, messages: COMPAT_MESSAGES },
  ignoredFields: ['max_chunks_per_doc', 'priority', 'truncation', 'return_embeddings'],
  ok: CompatV1RerankResponse,
  parse: (body) => cohereStyleCall(body, true),
  render: (outcome, call, { request }): CompatV1RerankResponse => ({
    id: String(request.id),
    model: outcome.model,
    results: cohereStyleResults(outcome, call.input.documents, call.returnDocuments),
    usage: tokenUsage(outcome, call.input.query),
    meta: meta(outcome, '1', searchUnitsOf(outcome)),
  }),
};

/** The Cohere-style body (v1 and v2 alike), read leniently: `null` is unset, a `top_n` of 0 or less means every document. */
export function cohereStyleCall(body: CompatBody, returnDocumentsByDefault: boolean): CohereStyleCall {
  const input: RerankInput = {
    query: body.query,
    documents: body.documents,
    topN: topNOf(body.top_n),
    rankFields: body.rank_fields ?? undefined,
    maxTokensPerDoc: body.max_tokens_per_doc ?? undefined,
  };
  return { model: body.model, input, returnDocuments: body.return_documents ?? returnDocumentsByDefault };
}

/** Cohere's results: snake_case, `document: {text}` for a string document, echoed from the caller's input, never the upstream's. */
export function cohereStyleResults(outcome: RoutedOutcome, documents: readonly RerankDocument[], returnDocuments: boolean): CompatV1RerankResult[] {
  return outcome.results.map(({ index, score }) => ({
    index,
    relevance_score: score,
    document: returnDocuments ? asDocumentObject(documents[index]!) : undefined,
  }));
}
