import { Injectable } from '@nestjs/common';
import { visibleOr404 } from '../auth/visibility.js';
import { randomUUID } from 'node:crypto';
import { permitsActingOn, ROLE_PERMISSIONS, type Action } from '../auth/permissions.js';
import type { Caller } from '../auth/caller.js';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertOneLabelChange } from '../common/validation/label-changes.dto.js';
import { InvalidationBus } from '../database/invalidation-bus.js';
import { MAX_LABELS } from '../common/validation/labels.js';
import { decodePageToken, encodePageToken } from '../common/pagination/page-token.js';
import { isUniqueViolation } from '../common/errors/prisma-errors.js';
import { LabelLimitReached } from '../database/label-merge.js';
import { Transactions, type Tx } from '../database/transactions.js';
import { ifMatchAccepts, revisionEtag } from '../common/http/etag.js';
import type { AuditActor } from '../audit/audit-actor.js';
import type { AuditAction } from '../audit/audit-entry.js';
import { AuditLog } from '../audit/audit-log.js';
import { RerankersService } from '../rerankers/rerankers.service.js';
import { OwnerScope, type Owner } from '../auth/owner-scope.js';
import { UsersService } from '../users/users.service.js';
import { AliasesRepository, type AliasFields, type AliasUpdate, type AliasWithTargets, type TargetSpec } from './aliases.repository.js';
import { toAliasResponse } from './dto/alias.response.js';
import type { AliasTargetDto } from './dto/alias-field-rules.js';
import type { CreateAliasDto } from './dto/create-alias.dto.js';
import type { AliasListFilter } from './dto/list-aliases.query.js';
import type { UpdateAliasDto } from './dto/update-alias.dto.js';

/** The alias rules: owner scope, unique names per owner, targets the owner may execute. */
@Injectable()
export class AliasesService {
  constructor(
    private readonly aliases: AliasesRepository,
    private readonly rerankers: RerankersService,
    private readonly users: UsersService,
    private readonly owners: OwnerScope,
    private readonly invalidations: InvalidationBus,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
  ) {}

  async create(caller: Caller, dto: CreateAliasDto): Promise<AliasWithTargets> {
    const { principal } = caller;
    const owner = await this.owners.forCreate(principal, 'ALIAS', dto.ownerId);
    if (!principal.mayUseAlias(dto.name)) {
      throw DomainError.permissionDenied('This API key is narrowed to certain aliases: it can only create one with a name among them');
    }
    const ownerId = owner.id;
    const targets = await this.executableTargets(principal, owner, dto.targets);
    try {
      const created = await this.transactions.run(async (tx) => {
        const alias = await this.aliases.create(tx, {
          id: randomUUID(),
          ownerId,
          name: dto.name,
          description: dto.description ?? null,
          strategy: dto.strategy ?? 'FALLBACK',
          lastResort: dto.lastResort ?? null,
          labels: dto.labels ?? {},
          createdById: principal.userId,
          targets,
        });
        await this.record(tx, caller, 'alias.create', null, alias);
        return alias;
      });
      this.invalidations.publish({ kind: 'alias', ownerId });
      return inViewOf(principal, created);
    } catch (error) {
      if (isUniqueViolation(error)) throw DomainError.alreadyExists(`This owner already has an alias named "${dto.name}"`);
      throw error;
    }
  }

  async get(principal: Principal, name: string, ownerId?: string): Promise<AliasWithTargets> {
    return inViewOf(principal, await this.visible(principal, 'READ', name, ownerId));
  }

  async list(principal: Principal, { query, labels }: AliasListFilter): Promise<{ aliases: AliasWithTargets[]; nextToken?: string }> {
    const ownerId = this.owners.listedOwner(principal, 'ALIAS', query.ownerId);
    const page = await this.aliases.listPage({ ownerId, labels, names: principal.scopes.aliases }, decodePageToken(query.nextToken), query.pageSize);
    return { aliases: page.items.map((alias) => inViewOf(principal, alias)), ...(page.next ? { nextToken: encodePageToken(page.next) } : {}) };
  }

  /** With `ifMatch`, only if the alias still has that ETag (412 otherwise, checked on the locked row). */
  async update(caller: Caller, name: string, dto: UpdateAliasDto, ownerId?: string, ifMatch?: string): Promise<AliasWithTargets> {
    const { principal } = caller;
    const current = await this.visible(principal, 'UPDATE', name, ownerId);
    await this.owners.requireReachOf(principal, 'UPDATE', 'ALIAS', current.ownerId);
    assertOneLabelChange(dto);
    let targets: TargetSpec[] | undefined;
    if (dto.targets) {
      const owner = await this.users.find(current.ownerId);
      targets = await this.executableTargets(principal, owner!, dto.targets);
    }
    const changes: Partial<AliasFields> = {
      description: dto.description,
      strategy: dto.strategy,
      lastResort: dto.lastResort,
      labels: dto.replaceLabels,
    };
    const updated = await this.write(caller, current.id, { changes, targets, mergeLabels: dto.mergeLabels, updatedById: principal.userId }, ifMatch);
    this.invalidations.publish({ kind: 'alias', ownerId: current.ownerId });
    return inViewOf(principal, updated);
  }

  async delete(caller: Caller, name: string, ownerId?: string): Promise<void> {
    const { principal } = caller;
    const alias = await this.visible(principal, 'DELETE', name, ownerId);
    await this.owners.requireReachOf(principal, 'DELETE', 'ALIAS', alias.ownerId);
    await this.transactions.run(async (tx) => {
      const deleted = await this.aliases.delete(tx, alias.id);
      if (!deleted) throw DomainError.notFound('Alias');
      await this.record(tx, caller, 'alias.delete', deleted, null);
    });
    this.invalidations.publish({ kind: 'alias', ownerId: alias.ownerId });
  }

  /** The update and its audit event in one transaction; the row is locked and read first, so "before" is exact. */
  private async write(actor: AuditActor, id: string, update: AliasUpdate, ifMatch?: string): Promise<AliasWithTargets> {
    try {
      return await this.transactions.run(async (tx) => {
        const before = await this.aliases.findForUpdate(tx, id);
        if (!before) throw DomainError.notFound('Alias');
        if (ifMatch !== undefined && !ifMatchAccepts(ifMatch, revisionEtag(before))) {
          throw new DomainError('PRECONDITION_FAILED', 'The alias changed since the ETag in If-Match was read; read it again');
        }
        const after = await this.aliases.update(tx, id, update);
        await this.record(tx, actor, 'alias.update', before, after);
        return after;
      });
    } catch (error) {
      if (error instanceof LabelLimitReached) throw DomainError.invalidArgument(`mergeLabels would leave more than ${MAX_LABELS} labels`);
      throw error;
    }
  }

  private record(tx: Tx, actor: AuditActor, action: AuditAction, before: AliasWithTargets | null, after: AliasWithTargets | null): Promise<void> {
    const { id, ownerId, name } = (after ?? before)!;
    return this.audit.record(tx, {
      actor,
      action,
      target: { type: 'alias', id, ownerId, name },
      before: before && toAliasResponse(before),
      after: after && toAliasResponse(after),
    });
  }

  /** The alias if the caller may perform `action` on it; 404 whether missing, someone else's or outside the key's scope. */
  private async visible(principal: Principal, action: Action, name: string, ownerId = principal.userId): Promise<AliasWithTargets> {
    return visibleOr404(this.aliases.findByName(ownerId, name), () => principal.canActOnAlias(action, name, ownerId), 'Alias');
  }

  /** An owner's alias with its targets, by name, for the execution path (which checks access itself). */
  async findRoute(ownerId: string, name: string): Promise<AliasWithTargets | undefined> {
    return (await this.aliases.findRoute(ownerId, name)) ?? undefined;
  }

  /**
   * Targets must be distinct rerankers the alias owner may execute, within the calling key's
   * scope; which ones exist is not revealed.
   */
  private async executableTargets(principal: Principal, owner: Owner, targets: readonly AliasTargetDto[]): Promise<TargetSpec[]> {
    const ids = targets.map((target) => target.rerankerId);
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    if (duplicate) throw DomainError.invalidArgument(`targets name reranker ${duplicate} twice`);
    const owners = new Map((await this.rerankers.ownersOf(ids)).map((row) => [row.id, row.ownerId]));
    const permissions = ROLE_PERMISSIONS[owner.role];
    targets.forEach(({ rerankerId }, index) => {
      const rerankerOwner = owners.get(rerankerId);
      const executable = rerankerOwner !== undefined && permitsActingOn(permissions, owner.id, 'EXECUTE', 'RERANKER', rerankerOwner);
      if (!executable || !principal.mayUseReranker(rerankerId)) {
        throw DomainError.invalidArgument(`targets[${index}].rerankerId does not name a reranker the alias owner may execute`);
      }
    });
    return targets.map(({ rerankerId, weight, priority }) => ({ rerankerId, weight, priority }));
  }
}

/**
 * The alias as the caller may see it: a key narrowed by rerankerIds sees only the targets in
 * its list, as it sees only those rerankers everywhere else (its calls skip the others).
 */
function inViewOf(principal: Principal, alias: AliasWithTargets): AliasWithTargets {
  if (!principal.scopes.rerankerIds) return alias;
  return { ...alias, targets: alias.targets.filter((target) => principal.mayUseReranker(target.rerankerId)) };
}
