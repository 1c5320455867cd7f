import type { Modality, ProviderType, ScoreNormalization } from '../generated/prisma/enums.js';
import type { ProviderAdapter } from './providers/provider-adapter.js';
import type { SecretScrubber } from './upstream/secret-scrubber.js';

/**
 * Everything needed to call a reranker's upstream, prepared once and cached: the wire
 * format, where to send, and the headers (credential included, decrypted). In memory only.
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
  /** Removes the credential (and extra header values) from anything the upstream sends back. */
  readonly scrubber: SecretScrubber;
  readonly timeoutMs: number;
  readonly batchSize: number;
  /** Estimated-token budget of one upstream request; absent: none. */
  readonly maxTokensPerRequest?: number;
  readonly scoreNormalization: ScoreNormalization;
}
