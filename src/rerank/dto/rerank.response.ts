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
  @ApiProperty({ enum: ProviderType, enumName: 'ProviderType', description: "The answering reranker's type; LEXICAL for an alias's last resort too" })
  providerType!: ProviderType;

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

export class CompatBilledUnits {
  @ApiProperty({ type: 'integer', description: 'As the upstream reported them, else one per upstream request' })
  search_units!: number;
}

/** Our meta with Cohere's own blocks in it: its clients read `api_version` and `billed_units`. */
export class CompatRerankMeta extends RerankMeta {
  @ApiProperty({ type: CompatApiVersion })
  api_version!: CompatApiVersion;

  @ApiProperty({ type: CompatBilledUnits })
  billed_units!: CompatBilledUnits;
}

export function meta(outcome: RoutedOutcome): RerankMeta;
export function meta(outcome: RoutedOutcome, apiVersion: string, searchUnits: number): CompatRerankMeta;
/** Built field by field, as every response mapping here: object spreads cost µs per call on the hot path. */
export function meta(outcome: RoutedOutcome, apiVersion?: string, searchUnits?: number): RerankMeta | CompatRerankMeta {
  return {
    api_version: apiVersion === undefined ? undefined : { version: apiVersion },
    billed_units: searchUnits === undefined ? undefined : { search_units: searchUnits },
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
