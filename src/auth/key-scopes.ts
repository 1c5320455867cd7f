import type { Permission } from './permissions.js';

/**
 * What an API key is narrowed to, fixed when the key is created. An absent list does not
 * narrow; an empty one allows nothing of its kind.
 */
export interface KeyScopes {
  readonly permissions?: readonly Permission[];
  readonly rerankerIds?: readonly string[];
  readonly aliases?: readonly string[];
}

/** The scopes kept in `api_keys.scopes` (written only by key creation); null: not narrowed. */
export function storedKeyScopes(stored: unknown): KeyScopes {
  return (stored ?? {}) as KeyScopes;
}
