import type { KeyScopes } from '../auth/key-scopes.js';
import { ROLE_PERMISSIONS } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { UserRole } from '../generated/prisma/enums.js';

/**
 * The scopes of a key `minter` issues for a user holding `role`. Permissions must be held by
 * that role (400 naming the first that is not). A narrowed calling key can only issue keys
 * narrower or equal to itself, or it could escape its scope by minting an unscoped key: each
 * list it narrows is passed on when the request leaves it out, and a list asked for must lie
 * within it (403 naming what does not).
 */
export function mintedScopes(minter: Principal, requested: KeyScopes, role: UserRole): KeyScopes {
  const held = ROLE_PERMISSIONS[role];
  const notHeld = requested.permissions?.find((permission) => !held.has(permission));
  if (notHeld) throw DomainError.invalidArgument(`scopes.permissions: ${notHeld} is not held by the key's user (${role})`);
  const minterPermissions = minter.scopes.permissions && [...minter.permissions].filter((permission) => held.has(permission));
  const scopes: KeyScopes = {
    permissions: within('permissions', requested.permissions, minterPermissions),
    rerankerIds: within('rerankerIds', requested.rerankerIds, minter.scopes.rerankerIds),
    aliases: within('aliases', requested.aliases, minter.scopes.aliases),
  };
  return Object.fromEntries(Object.entries(scopes).filter(([, list]) => list !== undefined));
}

/** The list asked for, which must lie within the minter's own when it has one; left out: the minter's. */
function within<T>(field: keyof KeyScopes, requested: readonly T[] | undefined, minters: readonly T[] | undefined): readonly T[] | undefined {
  if (!minters) return requested;
  if (!requested) return minters;
  const outside = requested.find((item) => !minters.includes(item));
  if (outside !== undefined) {
    throw DomainError.permissionDenied(`scopes.${field}: ${String(outside)} is outside this API key's own scope, and a key can only issue keys within it`);
  }
  return requested;
}
