import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiEpochMs } from '../../common/openapi/schema-properties.js';
import { formatAmount } from '../money.js';
import type { UsageBucketTotals, UsageTotals } from '../usage.service.js';
import type { UsageGroupBy } from '../usage.repository.js';
import { GRANULARITIES, GROUP_BYS } from './usage.query.js';

export class UsageAmount {
  @ApiProperty({ example: 'USD', description: 'ISO 4217' })
  currency!: string;

  @ApiProperty({ example: '0.004', description: 'Exact decimal, as a string' })
  amount!: string;
}

/** This month's usage of a reranker, shown on its GET. */
export class RerankerUsageSummary {
  @ApiEpochMs({ description: 'Start of the calendar month (UTC) counted from' })
  since!: number;

  @ApiProperty({ type: 'integer', description: 'Calls served by or tried last on this reranker, by every caller' })
  calls!: number;

  @ApiProperty({ type: 'integer', description: 'Documents served (failed calls serve none)' })
  documents!: number;

  @ApiProperty({ type: [UsageAmount], description: 'Per currency; empty when unpriced' })
  cost!: UsageAmount[];
}

export class UsageBucket {
  @ApiEpochMs({ description: 'Start of the bucket (UTC)' })
  start!: number;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'groupBy=reranker: the reranker id, LEXICAL (last resort), or null (none reached)' })
  rerankerId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'groupBy=alias: the alias name, or null (called directly)' })
  alias?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'groupBy=apiKey' })
  apiKeyId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'groupBy=owner: the calling user' })
  ownerId?: string;

  @ApiProperty({ type: 'integer' })
  calls!: number;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Calls per outcome: ok, degraded, or an error code in lower case', example: { ok: 9, upstream_timeout: 1 } })
  outcomes!: Record<string, number>;

  @ApiProperty({
    type: 'integer',
    description: 'Documents served: those of calls a reranker (or the lexical last resort) answered. Refused (429) and failed calls serve none',
  })
  documents!: number;

  @ApiProperty({ type: 'integer', description: 'Documents the calls asked to rank, served or not (refused and failed calls included)' })
  documentsRequested!: number;

  @ApiProperty({ type: 'integer' })
  upstreamRequests!: number;

  @ApiProperty({ type: 'integer', description: 'As the upstream reported them, else counted as Cohere bills (Cohere, or priced per search unit)' })
  searchUnits!: number;

  @ApiProperty({ type: 'integer', description: 'As the upstream reported them, else estimated when priced per token' })
  tokens!: number;

  @ApiProperty({ type: [UsageAmount] })
  cost!: UsageAmount[];

  @ApiProperty({ description: 'Mean service-side duration of a call' })
  latencyMsAvg!: number;

  @ApiProperty()
  latencyMsMax!: number;
}

export class UsageReport {
  @ApiEpochMs()
  from!: number;

  @ApiEpochMs()
  to!: number;

  @ApiProperty({ enum: GRANULARITIES })
  granularity!: string;

  @ApiPropertyOptional({ enum: GROUP_BYS })
  groupBy?: string;

  @ApiProperty({ type: [UsageBucket], description: 'Oldest first; buckets without calls are left out' })
  buckets!: UsageBucket[];
}

export function toUsageAmounts(cost: Readonly<Record<string, bigint>>): UsageAmount[] {
  return Object.entries(cost)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => ({ currency, amount: formatAmount(amount) }));
}

export function toRerankerUsageSummary(totals: UsageTotals): RerankerUsageSummary {
  return { since: totals.since.getTime(), calls: totals.calls, documents: totals.documents, cost: toUsageAmounts(totals.cost) };
}

const GROUP_FIELDS: Readonly<Record<UsageGroupBy, (group: string) => Partial<UsageBucket>>> = {
  reranker: (group) => ({ rerankerId: group || null }),
  alias: (group) => ({ alias: group || null }),
  apiKey: (group) => ({ apiKeyId: group }),
  owner: (group) => ({ ownerId: group }),
};

export function toUsageBucket(bucket: UsageBucketTotals, groupBy: UsageGroupBy | undefined): UsageBucket {
  return {
    start: bucket.start.getTime(),
    ...(groupBy ? GROUP_FIELDS[groupBy](bucket.group) : {}),
    calls: bucket.calls,
    outcomes: bucket.outcomes,
    documents: bucket.documents,
    documentsRequested: bucket.documentsRequested,
    upstreamRequests: bucket.upstreamRequests,
    searchUnits: bucket.searchUnits,
    tokens: bucket.tokens,
    cost: toUsageAmounts(bucket.cost),
    latencyMsAvg: Math.round((bucket.latencyMsSum / bucket.calls) * 1000) / 1000,
    latencyMsMax: bucket.latencyMsMax,
  };
}
