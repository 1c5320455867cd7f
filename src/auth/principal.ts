import type { UserRole } from '../generated/prisma/enums.js';
import { permitsActingOn, ROLE_PERMISSIONS, type Action, type Permission, type Resource, type Scope } from './permissions.js';

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
}
