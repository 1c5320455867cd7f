import { DomainError } from '../common/errors/domain-error.js';
import type { UserRole } from '../generated/prisma/enums.js';
import type { KeyScopes } from './key-scopes.js';
import { permitsActingOn, ROLE_PERMISSIONS, ROLE_RANK, type Action, type Permission, type Resource, type Scope } from './permissions.js';

/**
 * Who is calling: the verified API key's user, narrowed by the key's scopes. The key's
 * permissions count only where the user's role (as it is now) holds them too, so a later
 * downgrade of the role narrows the key with it.
 */
export class Principal {
  readonly permissions: ReadonlySet<Permission>;
  private readonly rerankerIds: ReadonlySet<string> | undefined;
  private readonly aliasNames: ReadonlySet<string> | undefined;

  constructor(
    readonly userId: string,
    readonly role: UserRole,
    readonly apiKeyId: string,
    readonly scopes: KeyScopes = {},
    /** What a rerank call that names no model runs (a reranker id or an alias name), set when the key was created. */
    readonly defaultModel?: string,
  ) {
    const held = ROLE_PERMISSIONS[role];
    this.permissions = scopes.permissions ? new Set(scopes.permissions.filter((permission) => held.has(permission))) : held;
    this.rerankerIds = scopes.rerankerIds && new Set(scopes.rerankerIds);
    this.aliasNames = scopes.aliases && new Set(scopes.aliases);
  }

  has(permission: Permission): boolean {
    return this.permissions.has(permission);
  }

  /** The widest scope the caller holds for an action, or undefined if none. */
  scopeFor(action: Action, resource: Resource): Scope | undefined {
    if (this.has(`${action}_${resource}_ANY`)) return 'ANY';
    if (this.has(`${action}_${resource}_OWN`)) return 'OWN';
    return undefined;
  }

  /** Whether the caller may act on something owned by `ownerId`. */
  canActOn(action: Action, resource: Resource, ownerId: string): boolean {
    return permitsActingOn(this.permissions, this.userId, action, resource, ownerId);
  }

  /** Whether the key's scope includes this reranker (a key not narrowed to rerankers includes all). */
  mayUseReranker(id: string): boolean {
    return this.rerankerIds?.has(id) ?? true;
  }

  /** Whether the key's scope includes aliases with this name (a key not narrowed to aliases includes all). */
  mayUseAlias(name: string): boolean {
    return this.aliasNames?.has(name) ?? true;
  }

  /** Whether the caller may perform `action` on this reranker: the permission for its owner, and the key's scope. */
  canActOnReranker(action: Action, id: string, ownerId: string): boolean {
    return this.mayUseReranker(id) && this.canActOn(action, 'RERANKER', ownerId);
  }

  /** Whether the caller may perform `action` on this alias: the permission for its owner, and the key's scope. */
  canActOnAlias(action: Action, name: string, ownerId: string): boolean {
    return this.mayUseAlias(name) && this.canActOn(action, 'ALIAS', ownerId);
  }

  /** Whether the key sees only some rerankers or aliases: names then resolve in the key's own view. */
  get narrowsResources(): boolean {
    return this.rerankerIds !== undefined || this.aliasNames !== undefined;
  }

  /**
   * Whether the caller may act on a user holding `role` (their keys included) or grant
   * that role: never above the caller's own rank. Scope (OWN/ANY) is checked separately.
   */
  reaches(role: UserRole): boolean {
    return ROLE_RANK[role] <= ROLE_RANK[this.role];
  }

  /** Throws PERMISSION_DENIED unless the caller `reaches` the role. */
  requireReach(role: UserRole): void {
    if (!this.reaches(role)) {
      throw DomainError.permissionDenied(`A ${this.role} cannot act on a ${role} user or its keys, nor grant ${role}`);
    }
  }
}
