import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AliasesService } from '../../aliases/aliases.service.js';
import type { Principal } from '../../auth/principal.js';
import { BoundedTtlCache } from '../../common/cache/bounded-ttl-cache.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { canonicalUuid, isUuid } from '../../common/validation/canonical-uuid.js';
import { InvalidationBus } from '../../database/invalidation-bus.js';
import { AppConfig } from '../../config/app-config.js';
import type { LastResort } from '../../generated/prisma/enums.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { RerankersService } from '../../rerankers/rerankers.service.js';
import { RoutePlanner } from './route-planner.js';

/** Candidates named in an AMBIGUOUS_MODEL error. */
const MAX_CANDIDATES = 10;

/** An alias ready to route: its planner keeps the weighted round-robin's state between calls. */
export interface AliasRoute {
  readonly name: string;
  readonly ownerId: string;
  readonly lastResort: LastResort | null;
  readonly planner: RoutePlanner;
}

export type ResolvedModel =
  | { readonly kind: 'reranker'; readonly rerankerId: string }
  | { readonly kind: 'alias'; readonly route: AliasRoute };

type CachedResolution = { readonly ownerId: string } & (ResolvedModel | { readonly kind: 'unknown' } | { readonly kind: 'ambiguous'; readonly candidates: string[] });

/**
 * What a `model` names, in the caller's own scope: a reranker id; else an alias name; else
 * the modelIdentifier of exactly one of the caller's rerankers. Answers (unknown and
 * ambiguous ones too) are cached per caller and dropped when any of that owner's aliases
 * or rerankers changes, here or on another instance, so steady state makes no query.
 *
 * A key narrowed to some rerankers or aliases has a view of its own (cached per key, its
 * scope never changes): aliases outside it and rerankers outside it are not there, as
 * another owner's are not, and an alias routes only to the targets inside it.
 */
@Injectable()
export class ModelResolver implements OnModuleDestroy {
  private readonly cache: BoundedTtlCache<string, CachedResolution>;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly aliases: AliasesService,
    private readonly rerankers: RerankersService,
    config: AppConfig,
    invalidations: InvalidationBus,
    metrics: MetricsService,
  ) {
    this.cache = new BoundedTtlCache(config.rerank.targetCacheMaxEntries, config.rerank.targetCacheTtlMs);
    metrics.registerCache('model_name', () => this.cache.stats);
    this.unsubscribe = invalidations.subscribe((event) => {
      if (event.kind === 'all') this.cache.clear();
      if (event.kind === 'alias' || event.kind === 'reranker') this.cache.deleteWhere((entry) => entry.ownerId === event.ownerId);
    });
  }

  async resolve(principal: Principal, model: string): Promise<ResolvedModel> {
    if (isUuid(model)) return { kind: 'reranker', rerankerId: canonicalUuid(model) };
    const key = `${viewOf(principal)}\u0000${model}`;
    // One lookup per name at a time: concurrent first calls share it (and one alias planner).
    return answer(principal, model, await this.cache.getOrFill(key, () => this.lookUp(principal, model)));
  }

  /** Only the alias names (not model identifiers) resolve here: `POST /v1/aliases/{name}/rerank`. */
  async resolveAlias(principal: Principal, name: string): Promise<AliasRoute> {
    const resolved = await this.resolve(principal, name);
    if (resolved.kind !== 'alias') throw DomainError.notFound('Alias');
    return resolved.route;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  private async lookUp(principal: Principal, model: string): Promise<CachedResolution> {
    const ownerId = principal.userId;
    const alias = await this.aliases.findRoute(ownerId, model);
    if (alias && principal.mayUseAlias(alias.name)) {
      const targets = alias.targets.filter((target) => principal.mayUseReranker(target.rerankerId));
      const planner = new RoutePlanner(alias.strategy, targets);
      return { ownerId, kind: 'alias', route: { name: alias.name, ownerId, lastResort: alias.lastResort, planner } };
    }
    const ids = await this.rerankers.idsByModel(ownerId, model, MAX_CANDIDATES, principal.scopes.rerankerIds);
    if (ids.length === 0) return { ownerId, kind: 'unknown' };
    if (ids.length > 1) return { ownerId, kind: 'ambiguous', candidates: ids };
    return { ownerId, kind: 'reranker', rerankerId: ids[0]! };
  }
}

/** Whose names the caller sees: its user's, or its key's own view when the key is narrowed to some rerankers or aliases. */
function viewOf(principal: Principal): string {
  return principal.narrowsResources ? `${principal.userId}\u0000${principal.apiKeyId}` : principal.userId;
}

function answer(principal: Principal, model: string, resolution: CachedResolution): ResolvedModel {
  switch (resolution.kind) {
    case 'unknown':
      throw new DomainError('NOT_FOUND', `No reranker id, alias name or reranker modelIdentifier of yours is "${model}"`);
    case 'ambiguous':
      throw new DomainError(
        'AMBIGUOUS_MODEL',
        `Several of your rerankers have modelIdentifier "${model}": call one by id, or name an alias over them`,
        { candidateRerankerIds: resolution.candidates },
      );
    case 'alias':
      if (!principal.canActOn('EXECUTE', 'ALIAS', resolution.route.ownerId)) throw DomainError.notFound('Alias');
      return resolution;
    default:
      return resolution;
  }
}
