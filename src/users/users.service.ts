import { Injectable } from '@nestjs/common';
import { visibleOr404 } from '../auth/visibility.js';
import { randomUUID } from 'node:crypto';
import { InvalidationBus } from '../database/invalidation-bus.js';
import { DomainError } from '../common/errors/domain-error.js';
import { encodePageToken, decodePageToken } from '../common/pagination/page-token.js';
import type { PageQueryDto } from '../common/pagination/page-query.dto.js';
import { isUniqueViolation } from '../common/errors/prisma-errors.js';
import type { Caller } from '../auth/caller.js';
import type { Principal } from '../auth/principal.js';
import type { DirectoryUser, UserDirectory } from '../auth/user-directory.js';
import type { User } from '../generated/prisma/client.js';
import type { CreateUserDto } from './dto/create-user.dto.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import type { AuditActor } from '../audit/audit-actor.js';
import type { AuditAction } from '../audit/audit-entry.js';
import { AuditLog } from '../audit/audit-log.js';
import { Transactions, type Tx } from '../database/transactions.js';
import { toUserResponse } from './dto/user.response.js';
import { UsersRepository, type NewUser, type UserChanges } from './users.repository.js';

@Injectable()
export class UsersService implements UserDirectory {
  constructor(
    private readonly users: UsersRepository,
    private readonly invalidations: InvalidationBus,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
  ) {}

  async create(caller: Caller, dto: CreateUserDto): Promise<User> {
    const { principal } = caller;
    principal.requireReach(dto.role ?? 'MEMBER');
    try {
      return await this.transactions.run(async (tx) => {
        const user = await this.users.create(tx, {
          id: randomUUID(),
          email: dto.email,
          displayName: dto.displayName,
          role: dto.role ?? 'MEMBER',
        });
        await this.record(tx, caller, 'user.create', null, user);
        return user;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw DomainError.alreadyExists('A user with this email already exists');
      throw error;
    }
  }

  /** Stores a user in the caller's transaction, unchecked (system init creates the root user with its key). */
  insert(tx: Tx, user: NewUser): Promise<User> {
    return this.users.create(tx, user);
  }

  /** A user by id, for the ownership rules of other modules; no access check. */
  async find(id: string): Promise<DirectoryUser | undefined> {
    return (await this.users.findById(id)) ?? undefined;
  }

  /** The caller's own user, whatever the key's permissions ("who am I" needs none). */
  async me(principal: Principal): Promise<User> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw DomainError.notFound('User');
    return user;
  }

  /** A user the caller may read: themself, or anyone with READ_USER_ANY; 404 otherwise. */
  async get(principal: Principal, id: string): Promise<User> {
    return visibleOr404(this.users.findById(id), (user) => principal.canActOn('READ', 'USER', user.id), 'User');
  }

  async list(query: PageQueryDto): Promise<{ users: User[]; nextToken?: string }> {
    const page = await this.users.listPage(decodePageToken(query.nextToken), query.pageSize);
    return { users: page.items, ...(page.next ? { nextToken: encodePageToken(page.next) } : {}) };
  }

  async update(caller: Caller, id: string, dto: UpdateUserDto): Promise<User> {
    const { principal } = caller;
    const user = await this.users.findById(id);
    if (!user) throw DomainError.notFound('User');
    principal.requireReach(user.role);
    if (dto.role !== undefined) principal.requireReach(dto.role);
    const changingAccess = (dto.role !== undefined && dto.role !== user.role) || dto.disabled !== undefined;
    if (changingAccess && user.id === principal.userId) {
      throw DomainError.invalidArgument('You cannot disable yourself or change your own role');
    }
    const changes: UserChanges = { displayName: dto.displayName, role: dto.role };
    if (dto.disabled !== undefined) {
      changes.disabledAt = dto.disabled ? (user.disabledAt ?? new Date()) : null;
    }
    const updated = await this.transactions.run(async (tx) => {
      const before = await this.users.findForUpdate(tx, id);
      if (!before) throw DomainError.notFound('User');
      const after = await this.users.update(tx, id, changes);
      await this.record(tx, caller, 'user.update', before, after);
      return after;
    });
    if (changingAccess) this.invalidations.publish({ kind: 'user', id });
    return updated;
  }

  private record(tx: Tx, actor: AuditActor, action: AuditAction, before: User | null, after: User): Promise<void> {
    const target = { type: 'user', id: after.id, ownerId: after.id } as const;
    return this.audit.record(tx, { actor, action, target, before: before && toUserResponse(before), after: toUserResponse(after) });
  }
}
