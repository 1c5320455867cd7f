import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANY_OBJECT } from '../../common/openapi/schema-properties.js';
import { ProviderType } from '../../generated/prisma/enums.js';
import type { RerankDocument } from '../document-text.js';
import type { RoutedOutcome } from '../rerank-types.js';
import { UsageAmount } from '../../usage/dto/usage.response.js';
import { formatAmount } from '../../usage/money.js';

const DOCUMENT_SCHEMA = { oneOf: [{ type: 'string' }, ANY_OBJECT], description: "The caller's document, as sent" };
const USAGE_SCHEMA = { ...ANY_OBJECT, description: 'Usage as reported upstream (tokens, search units), summed over batches' };

export class RerankAttempt {
  @ApiProperty({ description: 'A reranker id, or LEXICAL for the last resort' })
  rerankerId!: string;

  @ApiProperty({ description: '`ok`, or the error code (lower case) that made the call move on', example: 'upstream_timeout' })
  outcome!: string;

  @ApiProperty()
  latencyMs!: number;
}

export class RerankMeta {
  @ApiProperty({ enum: [...Object.values(ProviderType), 'LEXICAL'] })
  providerType!: ProviderType | 'LEXICAL';

  @ApiProperty({ description: 'The reranker that answered (scores of different models are not comparable), or LEXICAL' })
  servedBy!: string;

  @ApiProperty({ type: [RerankAttempt], description: 'Every upstream tried, in order' })
  attempts!: RerankAttempt[];

  @ApiProperty({ description: 'true when every target failed and the alias ranked lexically (BM25) instead' })
  degraded!: boolean;

  @ApiPropertyOptional({ description: 'The alias the call went through' })
  alias?: string;

  @ApiProperty({ description: 'Time spent waiting on the upstream, all batches' })
  upstreamLatencyMs!: number;

  @ApiProperty({ type: 'integer', description: 'Upstream calls made (batches)' })
  upstreamRequests!: number;

  @ApiPropertyOptional({ type: [UsageAmount], description: "What the call was charged, from the reranker's pricing (as booked in usage); absent when unpriced" })
  cost?: UsageAmount[];
}

export class RerankResult {
  @ApiProperty({ type: 'integer', description: 'Position of the document in the request' })
  index!: number;

  @ApiProperty()
  relevanceScore!: number;

  @ApiPropertyOptional(DOCUMENT_SCHEMA)
  document?: RerankDocument;
}

/** Native shape of POST /v1/rerankers/{id}/rerank. */
export class RerankResponse {
  @ApiProperty({ description: 'The reranker that served the call (a UUID), or LEXICAL for the last resort' })
  rerankerId!: string;

  @ApiProperty()
  model!: string;

  @ApiProperty({ type: [RerankResult], description: 'Best first' })
  results!: RerankResult[];

  @ApiPropertyOptional(USAGE_SCHEMA)
  usage?: Record<string, unknown>;

  @ApiProperty({ type: RerankMeta })
  meta!: RerankMeta;
}

export class CompatApiVersion {
  @ApiProperty({ example: '2' })
  version!: string;
}

export class CompatRerankMeta extends RerankMeta {
  @ApiProperty({ type: CompatApiVersion })
  api_version!: CompatApiVersion;
}

export class CompatV1RerankResult {
  @ApiProperty({ type: 'integer' })
  index!: number;

  @ApiProperty()
  relevance_score!: number;

  @ApiPropertyOptional({ ...ANY_OBJECT, description: 'Unless return_documents: false: the document, a string one as {text}' })
  document?: Record<string, unknown>;
}

/** Jina / Cohere v1 shape of POST /v1/rerank and /rerank. */
export class CompatV1RerankResponse {
  @ApiProperty({ description: 'The request id' })
  id!: string;

  @ApiProperty()
  model!: string;

  @ApiProperty({ type: [CompatV1RerankResult] })
  results!: CompatV1RerankResult[];

  @ApiProperty(USAGE_SCHEMA)
  usage!: Record<string, unknown>;

  @ApiProperty({ type: CompatRerankMeta })
  meta!: CompatRerankMeta;
}

export class CohereV2RerankResult {
  @ApiProperty({ type: 'integer' })
  index!: number;

  @ApiProperty()
  relevance_score!: number;

  @ApiPropertyOptional({ ...ANY_OBJECT, description: 'With return_documents: true: the document, a string one as {text}' })
  document?: Record<string, unknown>;
}

/** Cohere v2 shape of POST /v2/rerank. */
export class CohereV2RerankResponse {
  @ApiProperty({ description: 'The request id' })
  id!: string;

  @ApiProperty({ type: [CohereV2RerankResult] })
  results!: CohereV2RerankResult[];

  @ApiProperty({ type: CompatRerankMeta })
  meta!: CompatRerankMeta;
}

function meta(outcome: RoutedOutcome): RerankMeta;
function meta(outcome: RoutedOutcome, apiVersion: string): CompatRerankMeta;
/** Built field by field, as every response mapping here: object spreads cost µs per call on the hot path. */
function meta(outcome: RoutedOutcome, apiVersion?: string): RerankMeta | CompatRerankMeta {
  return {
    api_version: apiVersion === undefined ? undefined : { version: apiVersion },
    providerType: outcome.providerType,
    upstreamLatencyMs: outcome.upstreamLatencyMs,
    upstreamRequests: outcome.upstreamRequests,
    servedBy: outcome.servedBy,
    attempts: [...outcome.attempts],
    degraded: outcome.degraded,
    alias: outcome.alias,
    cost: outcome.cost && [{ currency: outcome.cost.currency, amount: formatAmount(outcome.cost.amount) }],
  };
}

/** Native shape; documents are echoed from the caller's input, never from the upstream. */
export function toRerankResponse(outcome: RoutedOutcome, documents: readonly RerankDocument[], returnDocuments: boolean): RerankResponse {
  return {
    rerankerId: outcome.rerankerId,
    model: outcome.model,
    results: outcome.results.map(({ index, score }) => ({
      index,
      relevanceScore: score,
      document: returnDocuments ? documents[index] : undefined,
    })),
    usage: outcome.usage,
    meta: meta(outcome),
  };
}

/** Jina / Cohere v1 shape: snake_case, `document: { text }` for string documents. */
export function toCompatV1Response(outcome: RoutedOutcome, id: string, documents: readonly RerankDocument[], returnDocuments: boolean): CompatV1RerankResponse {
  return {
    id,
    model: outcome.model,
    results: compatResults(outcome, documents, returnDocuments),
    usage: outcome.usage ?? {},
    meta: meta(outcome, '1'),
  };
}

/** Cohere v2 shape. */
export function toCohereV2Response(outcome: RoutedOutcome, id: string, documents: readonly RerankDocument[], returnDocuments: boolean): CohereV2RerankResponse {
  return {
    id,
    results: compatResults(outcome, documents, returnDocuments),
    meta: meta(outcome, '2'),
  };
}

function compatResults(outcome: RoutedOutcome, documents: readonly RerankDocument[], returnDocuments: boolean): CompatV1RerankResult[] {
  return outcome.results.map(({ index, score }) => ({
    index,
    relevance_score: score,
    document: returnDocuments ? asDocumentObject(documents[index]!) : undefined,
  }));
}

function asDocumentObject(document: RerankDocument): Record<string, unknown> {
  return typeof document === 'string' ? { text: document } : document;
}
