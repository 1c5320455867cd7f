import { Inject, Injectable } from '@nestjs/common';
import type { Action, Resource } from './permissions.js';
import type { Principal } from './principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { UserRole } from '../generated/prisma/enums.js';
import { USER_DIRECTORY, type UserDirectory } from './user-directory.js';

export interface Owner {
  readonly id: string;
  readonly role: UserRole;
}

/**
 * Who a resource is created for, and whether the caller may act for another owner: the ANY
 * permission, and a rank at least the owner's (no role acts above itself), so an admin
 * cannot plant a reranker or an alias in ROOT's name.
 */
@Injectable()
export class OwnerScope {
  constructor(@Inject(USER_DIRECTORY) private readonly users: UserDirectory) {}

  /** The owner a create names (default: the caller): 403 without the ANY permission or the rank, 400 when no such user. */
  async forCreate(principal: Principal, resource: Resource, ownerId = principal.userId): Promise<Owner> {
    if (!principal.canActOn('CREATE', resource, ownerId)) {
      throw DomainError.permissionDenied(`CREATE_${resource}_ANY is required to create for another owner`);
    }
    if (ownerId === principal.userId) return { id: ownerId, role: principal.role };
    const owner = await this.users.find(ownerId);
    if (!owner) throw DomainError.invalidArgument('ownerId does not name a user');
    principal.requireReach(owner.role);
    return owner;
  }

  /** Whose resources a list (or a report) shows: the owner asked for (403 without the ANY permission), else the caller's, or all with ANY. */
  listedOwner(principal: Principal, resource: Resource, requestedOwnerId: string | undefined, action: Action = 'LIST'): string | undefined {
    const scope = principal.scopeFor(action, resource);
    if (requestedOwnerId && requestedOwnerId !== principal.userId && scope !== 'ANY') {
      throw DomainError.permissionDenied(`${action}_${resource}_ANY is required to see another owner's resources`);
    }
    return requestedOwnerId ?? (scope === 'ANY' ? undefined : principal.userId);
  }

  /** Before changing what another user owns (the caller already holds the ANY permission): their rank must be reachable. */
  async requireReachOf(principal: Principal, action: Action, resource: Resource, ownerId: string): Promise<void> {
    if (ownerId === principal.userId || !principal.canActOn(action, resource, ownerId)) return;
    const owner = await this.users.find(ownerId);
    if (owner) principal.requireReach(owner.role);
  }
}
