import type { SignableRequest } from './aws-sigv4.js';

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

/** A reranker's credential, ready to send: in memory only. */
export interface MaterializedCredential {
  /** The static credential header (none for cloud identities and signatures). */
  readonly headers: Readonly<Record<string, string>>;
  /** Values upstream text must never give back (the secret with and without its prefix). */
  readonly secrets: readonly string[];
  /** The reference the secret was read from (Vault, file, env), read again when the upstream answers 401. */
  readonly secretRef?: string;
  /** Per-call credentials (cloud identities, signing keys): asked once per call, shared by its batches. */
  readonly authorize?: () => Promise<CallCredentials>;
}
