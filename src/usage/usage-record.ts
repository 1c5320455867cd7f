/** One rerank call, as the usage meter books it. */
export interface UsageRecord {
  /** When the call ended (epoch ms); booked to its minute. */
  readonly at: number;
  /** The caller: the API key's user. */
  readonly ownerId: string;
  readonly apiKeyId: string;
  /** The reranker that served the call (or was tried last when it failed), LEXICAL for an alias's last resort; absent when none was reached. */
  readonly rerankerId?: string;
  readonly alias?: string;
  /** `ok`, `degraded` (lexical last resort), `ping`, or the error code in lower case. */
  readonly outcome: string;
  /** Documents served: the call's documents when a reranker (or the last resort) answered it, else 0. */
  readonly documents: number;
  /** Documents the call asked to rank, served or not (a refused call's included). */
  readonly documentsRequested: number;
  readonly upstreamRequests: number;
  readonly searchUnits: number;
  readonly tokens: number;
  /** Amount units (money.ts) in the reranker's currency; absent when unpriced. */
  readonly cost?: { readonly currency: string; readonly amount: bigint };
  /** The call's duration in the service. */
  readonly latencyMs: number;
}

/** What one rollup row is keyed by; '' stands for "none" (no reranker, no alias, unpriced). */
export interface RollupKey {
  readonly minute: number;
  readonly ownerId: string;
  readonly apiKeyId: string;
  readonly rerankerId: string;
  readonly aliasName: string;
  readonly outcome: string;
  readonly currency: string;
}

/** What is summed for any set of calls, whatever it is grouped by. */
export interface CallCounts {
  calls: number;
  documents: number;
  documentsRequested: number;
  upstreamRequests: number;
  searchUnits: number;
  tokens: number;
  latencyMsSum: number;
  latencyMsMax: number;
}

export interface RollupTotals extends CallCounts {
  cost: bigint;
}

export type Rollup = RollupKey & RollupTotals;

const MINUTE_MS = 60_000;

export function rollupOf(record: UsageRecord): Rollup {
  return {
    minute: Math.floor(record.at / MINUTE_MS) * MINUTE_MS,
    ownerId: record.ownerId,
    apiKeyId: record.apiKeyId,
    rerankerId: record.rerankerId ?? '',
    aliasName: record.alias ?? '',
    outcome: record.outcome,
    currency: record.cost?.currency ?? '',
    calls: 1,
    documents: record.documents,
    documentsRequested: record.documentsRequested,
    upstreamRequests: record.upstreamRequests,
    searchUnits: record.searchUnits,
    tokens: record.tokens,
    cost: record.cost?.amount ?? 0n,
    latencyMsSum: record.latencyMs,
    latencyMsMax: record.latencyMs,
  };
}

/** The rollup's identity as one string (NUL never occurs in ids, names or codes). */
export function rollupKeyOf(key: RollupKey): string {
  return `${key.minute}\u0000${key.ownerId}\u0000${key.apiKeyId}\u0000${key.rerankerId}\u0000${key.aliasName}\u0000${key.outcome}\u0000${key.currency}`;
}

/** Adds `more` into `into` (same key). */
export function addInto(into: RollupTotals, more: RollupTotals): void {
  addCounts(into, more);
  into.cost += more.cost;
}

/** Adds the counts of `more` into `into`. */
export function addCounts(into: CallCounts, more: CallCounts): void {
  into.calls += more.calls;
  into.documents += more.documents;
  into.documentsRequested += more.documentsRequested;
  into.upstreamRequests += more.upstreamRequests;
  into.searchUnits += more.searchUnits;
  into.tokens += more.tokens;
  into.latencyMsSum += more.latencyMsSum;
  into.latencyMsMax = Math.max(into.latencyMsMax, more.latencyMsMax);
}
