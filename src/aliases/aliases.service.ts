import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { permitsActingOn, ROLE_PERMISSIONS, type Action } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertOneLabelChange } from '../common/validation/label-changes.dto.js';
import { InvalidationBus } from '../common/invalidation/invalidation-bus.js';
import { MAX_LABELS } from '../common/validation/labels.js';
import { decodePageToken, encodePageToken } from '../common/pagination/page-token.js';
import { isUniqueViolation } from '../database/prisma-errors.js';
import { RerankersRepository } from '../rerankers/rerankers.repository.js';
import { OwnerScope, type Owner } from '../users/owner-scope.js';
import { UsersRepository } from '../users/users.repository.js';
import { AliasesRepository, type AliasFields, type AliasWithTargets, type TargetSpec } from './aliases.repository.js';
import type { AliasTargetDto } from './dto/alias-field-rules.js';
import type { CreateAliasDto } from './dto/create-alias.dto.js';
import type { AliasListFilter } from './dto/list-aliases.query.js';
import type { UpdateAliasDto } from './dto/update-alias.dto.js';

/** The alias rules: owner scope, unique names per owner, targets the owner may execute. */
@Injectable()
export class AliasesService {
  constructor(
    private readonly aliases: AliasesRepository,
    private readonly rerankers: RerankersRepository,
    private readonly users: UsersRepository,
    private readonly owners: OwnerScope,
    private readonly invalidations: InvalidationBus,
  ) {}

  async create(principal: Principal, dto: CreateAliasDto): Promise<AliasWithTargets> {
    const owner = await this.owners.forCreate(principal, 'ALIAS', dto.ownerId);
    if (!principal.mayUseAlias(dto.name)) {
      throw DomainError.permissionDenied('This API key is narrowed to certain aliases: it can only create one with a name among them');
    }
    const ownerId = owner.id;
    const targets = await this.executableTargets(principal, owner, dto.targets);
    try {
      const created = await this.aliases.create({
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
      this.invalidations.publish({ kind: 'alias', ownerId });
      return created;
    } catch (error) {
      if (isUniqueViolation(error)) throw DomainError.alreadyExists(`This owner already has an alias named "${dto.name}"`);
      throw error;
    }
  }

  get(principal: Principal, name: string, ownerId?: string): Promise<AliasWithTargets> {
    return this.visible(principal, 'READ', name, ownerId);
  }

  async list(principal: Principal, { query, labels }: AliasListFilter): Promise<{ aliases: AliasWithTargets[]; nextToken?: string }> {
    const ownerId = this.owners.listedOwner(principal, 'ALIAS', query.ownerId);
    const page = await this.aliases.listPage({ ownerId, labels, names: principal.scopes.aliases }, decodePageToken(query.nextToken), query.pageSize);
    return { aliases: page.items, ...(page.next ? { nextToken: encodePageToken(page.next) } : {}) };
  }

  async update(principal: Principal, name: string, dto: UpdateAliasDto, ownerId?: string): Promise<AliasWithTargets> {
    const current = await this.visible(principal, 'UPDATE', name, ownerId);
    await this.owners.requireReachOf(principal, 'UPDATE', 'ALIAS', current.ownerId);
    assertOneLabelChange(dto);
    let targets: TargetSpec[] | undefined;
    if (dto.targets) {
      const owner = await this.users.findById(current.ownerId);
      targets = await this.executableTargets(principal, owner!, dto.targets);
    }
    const changes: Partial<AliasFields> = {
      description: dto.description,
      strategy: dto.strategy,
      lastResort: dto.lastResort,
      labels: dto.replaceLabels,
    };
    const outcome = await this.aliases.update(current.id, { changes, targets, mergeLabels: dto.mergeLabels, updatedById: principal.userId });
    if (outcome === 'gone') throw DomainError.notFound('Alias');
    if (outcome === 'too-many-labels') throw DomainError.invalidArgument(`mergeLabels would leave more than ${MAX_LABELS} labels`);
    this.invalidations.publish({ kind: 'alias', ownerId: current.ownerId });
    return outcome.alias;
  }

  async delete(principal: Principal, name: string, ownerId?: string): Promise<void> {
    const alias = await this.visible(principal, 'DELETE', name, ownerId);
    await this.owners.requireReachOf(principal, 'DELETE', 'ALIAS', alias.ownerId);
    if (!(await this.aliases.delete(alias.id))) throw DomainError.notFound('Alias');
    this.invalidations.publish({ kind: 'alias', ownerId: alias.ownerId });
  }

  /** The alias if the caller may perform `action` on it; 404 whether missing, someone else's or outside the key's scope. */
  private async visible(principal: Principal, action: Action, name: string, ownerId = principal.userId): Promise<AliasWithTargets> {
    if (!principal.canActOnAlias(action, name, ownerId)) throw DomainError.notFound('Alias');
    const alias = await this.aliases.findByName(ownerId, name);
    if (!alias) throw DomainError.notFound('Alias');
    return alias;
  }

  /**
   * Targets must be distinct rerankers the alias owner may execute, within the calling key's
   * scope; which ones exist is not revealed.
   */
  private async executableTargets(principal: Principal, owner: Owner, targets: readonly AliasTargetDto[]): Promise<TargetSpec[]> {
    const ids = targets.map((target) => target.rerankerId);
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    if (duplicate) throw DomainError.invalidArgument(`targets name reranker ${duplicate} twice`);
    const owners = new Map((await this.rerankers.findOwners(ids)).map((row) => [row.id, row.ownerId]));
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
