import { DomainError } from '../common/errors/domain-error.js';
import type { UserRole } from '../generated/prisma/enums.js';
import { permitsActingOn, ROLE_PERMISSIONS, ROLE_RANK, type Action, type Permission, type Resource, type Scope } from './permissions.js';

/** Who is calling: the verified API key's user. */
export class Principal {
  readonly permissions: ReadonlySet<Permission>;

  constructor(
    readonly userId: string,
    readonly role: UserRole,
    readonly apiKeyId: string,
  ) {
    this.permissions = ROLE_PERMISSIONS[role];
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
