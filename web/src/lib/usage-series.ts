/**
 * GET /v1/usage buckets (one per time bucket x group, oldest first) as chart series: one
 * series per group (reranker, alias, key or owner), one value per bucket start.
 */
export interface UsageBucketLike {
  readonly start: number;
  readonly rerankerId?: string | null;
  readonly alias?: string | null;
  readonly apiKeyId?: string;
  readonly ownerId?: string;
  readonly calls: number;
  readonly documents: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly cost: ReadonlyArray<{ readonly currency: string; readonly amount: string }>;
  readonly latencyMsAvg: number;
}

export type GroupBy = 'reranker' | 'alias' | 'apiKey' | 'owner';
export type Metric = 'calls' | 'documents' | 'cost' | 'errors';

export interface Series {
  readonly group: string;
  readonly values: number[];
  readonly total: number;
}

export interface Chart {
  readonly starts: number[];
  readonly series: Series[];
  readonly max: number;
}

export function groupOf(bucket: UsageBucketLike, groupBy: GroupBy): string {
  const value = groupBy === 'reranker' ? bucket.rerankerId : groupBy === 'alias' ? bucket.alias : groupBy === 'apiKey' ? bucket.apiKeyId : bucket.ownerId;
  if (value === null || value === undefined) return groupBy === 'alias' ? '(direct)' : '(none)';
  return value;
}

/** Errors are every outcome other than ok and degraded (an answered call). */
export function errorsOf(bucket: UsageBucketLike): number {
  return Object.entries(bucket.outcomes).reduce((sum, [outcome, count]) => (outcome === 'ok' || outcome === 'degraded' ? sum : sum + count), 0);
}

/** Cost in one currency; amounts are decimal strings (exact on the server), charted as numbers. */
export function costOf(bucket: UsageBucketLike, currency: string): number {
  return bucket.cost.filter((c) => c.currency === currency).reduce((sum, c) => sum + Number(c.amount), 0);
}

export function currenciesOf(buckets: readonly UsageBucketLike[]): string[] {
  return [...new Set(buckets.flatMap((b) => b.cost.map((c) => c.currency)))].sort();
}

export function valueOf(bucket: UsageBucketLike, metric: Metric, currency: string): number {
  switch (metric) {
    case 'calls':
      return bucket.calls;
    case 'documents':
      return bucket.documents;
    case 'errors':
      return errorsOf(bucket);
    case 'cost':
      return costOf(bucket, currency);
  }
}

export function chartOf(buckets: readonly UsageBucketLike[], groupBy: GroupBy, metric: Metric, currency = 'USD'): Chart {
  const starts = [...new Set(buckets.map((b) => b.start))].sort((a, b) => a - b);
  const position = new Map(starts.map((start, i) => [start, i]));
  const byGroup = new Map<string, number[]>();
  for (const bucket of buckets) {
    const group = groupOf(bucket, groupBy);
    let values = byGroup.get(group);
    if (!values) byGroup.set(group, (values = starts.map(() => 0)));
    values[position.get(bucket.start)!]! += valueOf(bucket, metric, currency);
  }
  const series = [...byGroup.entries()]
    .map(([group, values]) => ({ group, values, total: values.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.group.localeCompare(b.group));
  const stacked = starts.map((_, i) => series.reduce((sum, s) => sum + s.values[i]!, 0));
  return { starts, series, max: Math.max(0, ...stacked) };
}

export function usageCsvRows(buckets: readonly UsageBucketLike[], groupBy: GroupBy): { header: string[]; rows: Array<Array<string | number>> } {
  const currencies = currenciesOf(buckets);
  const header = ['start', groupBy, 'calls', 'documents', 'errors', 'latencyMsAvg', ...currencies.map((c) => `cost_${c}`)];
  const rows = buckets.map((b) => [
    new Date(b.start).toISOString(),
    groupOf(b, groupBy),
    b.calls,
    b.documents,
    errorsOf(b),
    b.latencyMsAvg,
    ...currencies.map((c) => b.cost.filter((x) => x.currency === c).map((x) => x.amount)[0] ?? '0'),
  ]);
  return { header, rows };
}
