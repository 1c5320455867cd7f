import type { Principal } from './principal.js';

/**
 * Turns a presented API key into the caller's Principal. Owned here, implemented by the
 * api-keys module (which holds the keys and their hashes) and given to AuthModule at
 * composition, so authentication never imports a feature module.
 */
export interface KeyVerifier {
  /** undefined when the key is unknown, wrong, revoked, expired or its user is disabled. */
  verify(rawKey: string, clientAddress: string): Promise<Principal | undefined>;
}

export const KEY_VERIFIER = Symbol('KEY_VERIFIER');
