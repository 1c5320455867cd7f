import { formatAmount, parseAmount } from '../../src/usage/money.js';

/** One bucket of GET /v1/usage, as the API answers it. */
export interface Bucket {
  start: number;
  rerankerId?: string | null;
  alias?: string | null;
  apiKeyId?: string;
  ownerId?: string;
  calls: number;
  outcomes: Record<string, number>;
  documents: number;
  documentsRequested: number;
  upstreamRequests: number;
  searchUnits: number;
  tokens: number;
  cost: Array<{ currency: string; amount: string }>;
}

/** Buckets of one group summed over time (a test may straddle a minute, hour or day). */
export function byGroup(buckets: Bucket[], key: 'rerankerId' | 'alias' | 'apiKeyId' | 'ownerId'): Map<string | null, Omit<Bucket, 'start'>> {
  const groups = new Map<string | null, Omit<Bucket, 'start'>>();
  for (const { start: _start, ...bucket } of buckets) {
    const group = bucket[key] ?? null;
    const sum = groups.get(group);
    if (!sum) {
      groups.set(group, { ...bucket, outcomes: { ...bucket.outcomes }, cost: [...bucket.cost] });
      continue;
    }
    for (const field of ['calls', 'documents', 'documentsRequested', 'upstreamRequests', 'searchUnits', 'tokens'] as const) sum[field] += bucket[field];
    for (const [outcome, calls] of Object.entries(bucket.outcomes)) sum.outcomes[outcome] = (sum.outcomes[outcome] ?? 0) + calls;
    sum.cost = mergeCost(sum.cost, bucket.cost);
  }
  return groups;
}

function mergeCost(a: Bucket['cost'], b: Bucket['cost']): Bucket['cost'] {
  const totals = new Map<string, bigint>();
  for (const { currency, amount } of [...a, ...b]) totals.set(currency, (totals.get(currency) ?? 0n) + parseAmount(amount));
  return [...totals].map(([currency, amount]) => ({ currency, amount: formatAmount(amount) }));
}

/** A GET /v1/usage range around now: the last hour and the next minute. */
export const recently = () => ({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
