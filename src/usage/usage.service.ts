import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { OwnerScope } from '../auth/owner-scope.js';
import { addCounts, type CallCounts, type Rollup } from './usage-record.js';
import { UsageMeter } from './usage-meter.js';
import { UsageRepository, type Granularity, type ReportRow, type UsageGroupBy, type UsageSubject } from './usage.repository.js';

/** Calls, documents and cost (amount units per currency, money.ts) since `since`. */
export interface UsageTotals {
  readonly since: Date;
  readonly calls: number;
  readonly documents: number;
  readonly cost: Readonly<Record<string, bigint>>;
}

export interface UsageReportRequest {
  readonly from: Date;
  readonly to: Date;
  readonly granularity: Granularity;
  readonly groupBy?: UsageGroupBy;
  readonly ownerId?: string;
  readonly alias?: string;
}

/** One bucket of one group: rows of several outcomes and currencies folded together. */
export interface UsageBucketTotals extends CallCounts {
  readonly start: Date;
  readonly group: string;
  readonly outcomes: Record<string, number>;
  readonly cost: Record<string, bigint>;
}

const DAY_MS = 86_400_000;
/** The widest range per granularity: buckets stay in the thousands. */
export const MAX_RANGE_MS: Readonly<Record<Granularity, number>> = { minute: 7 * DAY_MS, hour: 92 * DAY_MS, day: 1_098 * DAY_MS };
/** Rows (bucket x group x outcome x currency) one report may read. */
export const MAX_REPORT_ROWS = 10_000;

@Injectable()
export class UsageService {
  constructor(
    private readonly repository: UsageRepository,
    private readonly meter: UsageMeter,
    private readonly owners: OwnerScope,
  ) {}

  /** This calendar month (UTC) of a caller, a key or a reranker: stored rollups and what is still in memory. One query. */
  async monthToDate(subject: UsageSubject): Promise<UsageTotals> {
    const now = new Date();
    const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const stored = await this.repository.totalsSince(subject, since);
    const buffered = this.meter.unflushed((rollup) => rollup.minute >= since.getTime() && isOf(rollup, subject));
    const totals = { since, calls: 0, documents: 0, cost: {} as Record<string, bigint> };
    for (const part of [...stored, ...buffered]) {
      totals.calls += part.calls;
      totals.documents += part.documents;
      if (part.currency) totals.cost[part.currency] = (totals.cost[part.currency] ?? 0n) + part.cost;
    }
    return totals;
  }

  /**
   * The caller's usage (another owner's, or everyone's, with READ_USAGE_ANY) in buckets, per
   * group; a key narrowed by rerankerIds or aliases reads only its view (UsageView), as on
   * every other route.
   */
  async report(principal: Principal, request: UsageReportRequest): Promise<UsageBucketTotals[]> {
    if (request.from >= request.to) throw DomainError.invalidArgument('from must be before to');
    if (request.to.getTime() - request.from.getTime() > MAX_RANGE_MS[request.granularity]) {
      throw DomainError.invalidArgument(`from..to may span at most ${MAX_RANGE_MS[request.granularity] / DAY_MS} days at ${request.granularity} granularity`);
    }
    const ownerId = this.owners.listedOwner(principal, 'USAGE', request.ownerId, 'READ');
    const { rerankerIds, aliases } = principal.scopes;
    const view = principal.narrowsResources ? { apiKeyId: principal.apiKeyId, rerankerIds, aliases } : undefined;
    const rows = await this.repository.report({ ...request, ownerId, view, limit: MAX_REPORT_ROWS + 1 });
    if (rows.length > MAX_REPORT_ROWS) {
      throw DomainError.invalidArgument('The report would be too large: narrow from..to, choose a coarser granularity or another groupBy');
    }
    return foldBuckets(rows);
  }
}

function isOf(rollup: Rollup, subject: UsageSubject): boolean {
  if ('ownerId' in subject) return rollup.ownerId === subject.ownerId;
  if ('apiKeyId' in subject) return rollup.apiKeyId === subject.apiKeyId;
  return rollup.rerankerId === subject.rerankerId;
}

/** Rows arrive ordered by bucket and group, so each bucket x group is one consecutive run. */
function foldBuckets(rows: readonly ReportRow[]): UsageBucketTotals[] {
  const buckets: UsageBucketTotals[] = [];
  for (const row of rows) {
    let bucket = buckets.at(-1);
    if (!bucket || bucket.start.getTime() !== row.bucket.getTime() || bucket.group !== row.group) {
      bucket = { start: row.bucket, group: row.group, calls: 0, documents: 0, documentsRequested: 0, upstreamRequests: 0, searchUnits: 0, tokens: 0, latencyMsSum: 0, latencyMsMax: 0, outcomes: {}, cost: {} };
      buckets.push(bucket);
    }
    addCounts(bucket, row);
    bucket.outcomes[row.outcome] = (bucket.outcomes[row.outcome] ?? 0) + row.calls;
    if (row.currency) bucket.cost[row.currency] = (bucket.cost[row.currency] ?? 0n) + row.cost;
  }
  return buckets;
}
