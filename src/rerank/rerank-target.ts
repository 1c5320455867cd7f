import type { Modality, ProviderType, ScoreNormalization } from '../generated/prisma/enums.js';
import type { SignableRequest } from '../rerankers/credentials/aws-sigv4.js';
import type { CompiledPricing } from '../usage/pricing.js';
import type { ProviderAdapter } from './providers/provider-adapter.js';
import type { SecretScrubber } from './upstream/secret-scrubber.js';

/** Headers that cover one upstream request's exact bytes (a SigV4 signature). */
export type RequestSigner = (request: SignableRequest) => Promise<Record<string, string>>;

/** Credentials that change over time (access tokens, signatures): headers for one call, and the values they expose. */
export interface CallCredentials {
  readonly headers: Readonly<Record<string, string>>;
  /** Removed from anything the upstream sends back, like the static credential. */
  readonly secrets: readonly string[];
  /** Per upstream request, when the credential signs each one. */
  readonly sign?: RequestSigner;
}

/**
 * Everything needed to call a reranker's upstream, prepared once and cached: the wire
 * format, where to send, and the headers (a static credential included, decrypted). In
 * memory only.
 */
export interface RerankTarget {
  readonly rerankerId: string;
  readonly ownerId: string;
  readonly providerType: ProviderType;
  readonly adapter: ProviderAdapter;
  readonly model: string;
  readonly modalities: readonly Modality[];
  readonly origin: string;
  /** apiPath appended to the endpoint's path, with the endpoint's query. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Per-call credentials (cloud identities, signing keys): asked once per call, shared by its batches. */
  readonly authorize?: () => Promise<CallCredentials>;
  /** Set on a call's copy of the target when each upstream request must be signed. */
  readonly sign?: RequestSigner;
  /** Removes the credential (and extra header values) from anything the upstream sends back. */
  readonly scrubber: SecretScrubber;
  readonly timeoutMs: number;
  readonly batchSize: number;
  /** Estimated-token budget of one upstream request; absent: none. */
  readonly maxTokensPerRequest?: number;
  readonly scoreNormalization: ScoreNormalization;
  /** What a call costs (for its usage record); absent: unpriced. */
  readonly pricing?: CompiledPricing;
}
