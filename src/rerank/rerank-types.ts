import type { CircuitStatus } from './upstream/circuit-breaker.js';
import type { CallCredentials, RequestSigner } from '../credentials/call-credentials.js';
import type { Modality, ProviderType, ScoreNormalization } from '../generated/prisma/enums.js';
import type { Principal } from '../auth/principal.js';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import type { BuiltinProviderType, WireProviderType } from '../providers/provider-catalog.js';
import type { RankJob } from '../providers/builtin/builtin-rankers.js';
import type { RateLimitHeaders } from '../limits/rate-limits.js';
import type { CompiledPricing } from '../usage/pricing.js';
import type { RerankDocument } from './document-text.js';
import type { SecretScrubber } from './upstream/secret-scrubber.js';

// The types the execution path shares: a call's input, its target, its outcome, its trace.

/** What every target has, however it ranks. */
interface TargetBase {
  readonly rerankerId: string;
  readonly ownerId: string;
  readonly model: string;
  readonly modalities: readonly Modality[];
  readonly timeoutMs: number;
  /** Documents per upstream request (LOCAL: per inference batch). */
  readonly batchSize: number;
  /** Estimated-token budget of one upstream request (LOCAL: padded tokens of one batch); absent: none. */
  readonly maxTokensPerRequest?: number;
  readonly scoreNormalization: ScoreNormalization;
  /** What a call costs (for its usage record and the cost quotas): the reranker's pricing, else the price list's; absent: unpriced. */
  readonly pricing?: CompiledPricing;
}

/**
 * Everything needed to call a reranker's upstream, prepared once and cached: the wire
 * format, where to send, and the headers (a static credential included, decrypted). In
 * memory only.
 */
export interface UpstreamTarget extends TargetBase {
  readonly kind: 'upstream';
  readonly providerType: WireProviderType;
  readonly adapter: ProviderAdapter;
  readonly origin: string;
  /** apiPath appended to the endpoint's path, with the endpoint's query. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Per-call credentials (cloud identities, signing keys): asked once per call, shared by its batches. */
  readonly authorize?: () => Promise<CallCredentials>;
  /** The reference the credential's secret was read from, when it has one (read again on a 401). */
  readonly secretRef?: string;
  /** Set on a call's copy of the target when each upstream request must be signed. */
  readonly sign?: RequestSigner;
  /** Removes the credential (and extra header values) from anything the upstream sends back. */
  readonly scrubber: SecretScrubber;
  /** Whether a caller may read the upstream's own error text (scrubbed): whoever could have supplied the credential. */
  readonly mayReadUpstreamText: (principal: Principal) => boolean;
}

/** A reranker that ranks inside the service (BuiltinRankers): nothing is sent anywhere. */
export interface BuiltinTarget extends TargetBase {
  readonly kind: 'builtin';
  readonly providerType: BuiltinProviderType;
  /** LEXICAL: BM25's tuning. */
  readonly lexical?: RankJob['lexical'];
}

export type RerankTarget = UpstreamTarget | BuiltinTarget;

/**
 * The client's departure as an AbortSignal, made only when asked for: the built-in rankers
 * ask (to drop queued work), an upstream call does not and pays nothing for it.
 */
export type ClientGone = () => AbortSignal;

/** A rerank call, whichever endpoint it came through. */
export interface RerankInput {
  readonly query: string;
  readonly documents: readonly RerankDocument[];
  readonly topN?: number;
  readonly rankFields?: readonly string[];
  readonly maxTokensPerDoc?: number;
}

export interface RankedDocument {
  readonly index: number;
  readonly score: number;
}

/** What one or more requests answered (an upstream's, or the built-in rankers' batches), indices global to the call. */
export interface BatchOutcome {
  readonly scores: RankedDocument[];
  readonly usage?: Record<string, unknown>;
  readonly requests: number;
  /** The documents of each request that answered. */
  readonly sent: ReadonlyArray<readonly string[]>;
}

export interface RerankOutcome {
  readonly rerankerId: string;
  readonly model: string;
  readonly providerType: ProviderType;
  readonly results: RankedDocument[];
  readonly usage?: Record<string, unknown>;
  readonly upstreamLatencyMs: number;
  readonly upstreamRequests: number;
  /** The rendered documents of each upstream request that answered (after any split), for billing rules. */
  readonly sentBatches: ReadonlyArray<readonly string[]>;
}

export interface PingOutcome {
  ok: boolean;
  httpStatus: number | null;
  rttMs: number;
  errorMessage?: string;
}

/** A ping, and when (epoch ms). */
export interface LastProbe extends PingOutcome {
  at: number;
}

export interface RerankerHealth {
  circuit: CircuitStatus;
  lastProbe: LastProbe | null;
}

/** The one document a ping ranks, as a call's input (what its limits, quotas and usage count). */
export const PING_INPUT: RerankInput = Object.freeze({ query: 'ping', documents: Object.freeze(['ping']) });

/** A ping's answer, and what it used upstream (for its usage record). */
export interface PingResult {
  readonly outcome: PingOutcome;
  /** Requests the upstream answered 2xx (0 or 1: a ping is never retried). */
  readonly upstreamRequests: number;
  readonly usage?: Record<string, unknown>;
}

/** One upstream tried for a call: which, how it went (`ok` or the error code, lower case), how long. */
export interface Attempt {
  readonly rerankerId: string;
  readonly outcome: string;
  readonly latencyMs: number;
}

/** A rerank outcome with the route it took. `servedBy` is a reranker id, or `LEXICAL` for the last resort. */
export interface RoutedOutcome extends RerankOutcome {
  readonly servedBy: string;
  readonly attempts: readonly Attempt[];
  readonly degraded: boolean;
  readonly alias?: string;
  /** The caller's rate-limit state after this call, for the reply's RateLimit-* headers. */
  readonly rateLimitHeaders?: RateLimitHeaders;
  /** What the call was charged (its usage record's cost), set once it is metered; absent when unpriced. */
  cost?: { readonly currency: string; readonly amount: bigint };
}

/** How far a call got, filled in as its route unfolds: the target tried last (the one that answered), the alias it went through. */
export interface RerankTrace {
  target?: RerankTarget;
  alias?: string;
}

/** A finished rerank call, whichever endpoint it came through. */
export interface MeteredRerank extends Readonly<RerankTrace> {
  readonly principal: Principal;
  readonly input: RerankInput;
  /** Service-side duration of the whole call. */
  readonly latencyMs: number;
}
