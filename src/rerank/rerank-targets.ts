import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { visibleOr404 } from '../auth/visibility.js';
import { BoundedTtlCache } from '../common/cache/bounded-ttl-cache.js';
import { DomainError } from '../common/errors/domain-error.js';
import { InvalidationBus } from '../database/invalidation-bus.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { Action } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { CredentialPolicy } from '../credentials/credential-policy.js';
import { CredentialResolver } from '../credentials/credential-resolver.js';
import { sameHeaders, upstreamHeaders } from '../credentials/header-rules.js';
import { SecretUnavailable } from '../credentials/secret-source.js';
import type { CredentialMetadata } from '../credentials/credential.js';
import type { Reranker } from '../generated/prisma/client.js';
import { LOCAL_PAIRS_PER_BATCH } from '../providers/builtin/builtin-rankers.js';
import { adapterFor, isBuiltinProvider, type BuiltinProviderType, type WireProviderType } from '../providers/provider-catalog.js';
import { RerankersService } from '../rerankers/rerankers.service.js';
import { SERVICE_VERSION } from '../system/build-info.js';
import { PriceList } from '../usage/price-list.js';
import { compilePricing, type CompiledPricing, type Pricing } from '../usage/pricing.js';
import type { BuiltinTarget, RerankTarget, UpstreamTarget } from './rerank-types.js';
import { SecretScrubber } from './upstream/secret-scrubber.js';

const BASE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  accept: 'application/json',
  'user-agent': `reranker-registry/${SERVICE_VERSION}`,
};

/**
 * Resolves a reranker id to a ready-to-call target. Steady state is a memory lookup: no
 * query, no decryption; concurrent cold calls share one build. Updates and deletes evict
 * through the InvalidationBus, and an eviction during a build keeps that build out of memory.
 */
@Injectable()
export class RerankTargets implements OnModuleDestroy {
  private readonly cache: BoundedTtlCache<string, RerankTarget>;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly rerankers: RerankersService,
    private readonly credentials: CredentialResolver,
    private readonly prices: PriceList,
    private readonly policy: CredentialPolicy,
    private readonly config: AppConfig,
    invalidations: InvalidationBus,
    metrics: MetricsService,
  ) {
    this.cache = new BoundedTtlCache(config.rerank.targetCacheMaxEntries, config.rerank.targetCacheTtlMs);
    metrics.registerCache('reranker', () => this.cache.stats);
    this.unsubscribe = invalidations.subscribe((event) => {
      if (event.kind === 'reranker') this.cache.delete(event.id);
      if (event.kind === 'all') this.cache.clear();
    });
  }

  /**
   * The target if the caller may perform `action` on it; 404 whether missing, someone else's
   * or outside the key's scope, decided before the credential is read, so a stranger learns
   * nothing about it.
   */
  async resolve(principal: Principal, id: string, action: Action): Promise<RerankTarget> {
    const allowed = (ownerId: string) => principal.canActOnReranker(action, id, ownerId);
    const cached = this.cache.get(id);
    if (cached) {
      if (!allowed(cached.ownerId)) throw DomainError.notFound('Reranker');
      return cached;
    }
    const since = this.cache.fillToken();
    const row = await visibleOr404(this.rerankers.findStored(id), (found) => allowed(found.ownerId), 'Reranker');
    try {
      return await this.cache.getOrFill(id, () => this.build(row), { since, ttlOf: (target) => this.ttlOf(target) });
    } catch (error) {
      throw unavailableTo(principal, error);
    }
  }

  /** A target for a row that is not stored (the dry probe): built like any other, never cached. */
  async unsaved(principal: Principal, row: Reranker): Promise<RerankTarget> {
    try {
      return await this.build(row);
    } catch (error) {
      throw unavailableTo(principal, error);
    }
  }

  /**
   * After the upstream answered 401: the target rebuilt with its referenced secret read
   * again at the source (Vault, file, env), if that secret changed; undefined when the
   * credential is stored inline, the secret is the same, or it cannot be read now.
   */
  async refreshed(target: UpstreamTarget): Promise<UpstreamTarget | undefined> {
    if (!target.secretRef) return undefined;
    const since = this.cache.fillToken();
    if ((await this.credentials.reread(target.secretRef)) === undefined) return undefined;
    const row = await this.rerankers.findStored(target.rerankerId);
    if (!row || row.ownerId !== target.ownerId) return undefined;
    const rebuilt = await this.build(row).catch(() => undefined);
    if (rebuilt?.kind !== 'upstream' || sameHeaders(rebuilt.headers, target.headers)) return undefined;
    this.cache.setIfFresh(row.id, rebuilt, since, this.ttlOf(rebuilt));
    return rebuilt;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** A target holding a referenced secret is kept no longer than the secret itself. */
  private ttlOf(target: RerankTarget): number | undefined {
    if (target.kind !== 'upstream' || !target.secretRef) return undefined;
    const targetTtl = this.config.rerank.targetCacheTtlMs || Number.POSITIVE_INFINITY;
    return Math.max(1, Math.min(targetTtl, this.credentials.referencedSecretTtlMs));
  }

  private build(row: Reranker): Promise<RerankTarget> {
    return isBuiltinProvider(row.providerType) ? Promise.resolve(this.builtinTarget(row, row.providerType)) : this.upstreamTarget(row, row.providerType);
  }

  /** LEXICAL ranks a call in one unit; LOCAL in batches of the reranker's size (its default otherwise). */
  private builtinTarget(row: Reranker, providerType: BuiltinProviderType): BuiltinTarget {
    const pricing = this.pricingOf(row);
    return {
      kind: 'builtin',
      rerankerId: row.id,
      ownerId: row.ownerId,
      providerType,
      model: row.modelIdentifier,
      modalities: row.supportedModalities,
      ...(row.lexical !== null ? { lexical: row.lexical as BuiltinTarget['lexical'] } : {}),
      timeoutMs: row.requestTimeoutMs ?? this.config.upstream.defaultTimeoutMs,
      batchSize: row.maxDocumentsPerRequest ?? (providerType === 'LOCAL' ? LOCAL_PAIRS_PER_BATCH : this.config.rerank.maxDocuments),
      ...(row.maxTokensPerRequest !== null ? { maxTokensPerRequest: row.maxTokensPerRequest } : {}),
      scoreNormalization: row.scoreNormalization,
      ...(pricing ? { pricing } : {}),
    };
  }

  private async upstreamTarget(row: Reranker, providerType: WireProviderType): Promise<UpstreamTarget> {
    const adapter = adapterFor(providerType);
    const endpoint = new URL(row.endpointUrl);
    const basePath = endpoint.pathname === '/' ? '' : endpoint.pathname;
    const extraHeaders = row.extraHeaders as Record<string, string> | null;
    const credential = await this.credentials.materialize(row);
    const pricing = this.pricingOf(row);
    const supplied = { credentials: row.credentials as CredentialMetadata | null, credentialsSetById: row.credentialsSetById };
    return {
      kind: 'upstream',
      rerankerId: row.id,
      ownerId: row.ownerId,
      providerType,
      adapter,
      model: row.modelIdentifier,
      modalities: row.supportedModalities,
      origin: endpoint.origin,
      path: `${basePath}${row.apiPath === '/' ? '' : row.apiPath}${endpoint.search}` || '/',
      headers: upstreamHeaders(adapter.requestHeaders, extraHeaders, BASE_HEADERS, credential.headers),
      ...(credential.authorize ? { authorize: credential.authorize } : {}),
      ...(credential.secretRef ? { secretRef: credential.secretRef } : {}),
      scrubber: new SecretScrubber(credential.secrets, Object.values(extraHeaders ?? {})),
      mayReadUpstreamText: (principal) => this.policy.couldSupply(principal, supplied),
      timeoutMs: row.requestTimeoutMs ?? this.config.upstream.defaultTimeoutMs,
      batchSize: row.maxDocumentsPerRequest ?? adapter.maxDocumentsPerRequest,
      maxTokensPerRequest: row.maxTokensPerRequest ?? adapter.defaultMaxTokensPerRequest?.(row.modelIdentifier),
      scoreNormalization: row.scoreNormalization,
      ...(pricing ? { pricing } : {}),
    };
  }

  /** An admin's price for this reranker, else the deployment's for its provider and model. */
  private pricingOf(row: Reranker): CompiledPricing | undefined {
    return row.pricing !== null ? compilePricing(row.pricing as Pricing) : this.prices.pricingFor(row.providerType, row.modelIdentifier);
  }
}

/** An unreadable server secret is named (reference and reason) only to those who may reference one. */
function unavailableTo(principal: Principal, error: unknown): unknown {
  if (!(error instanceof SecretUnavailable)) return error;
  const details = principal.has('USE_SECRET_REF') ? { secretRef: error.uri, reason: error.reason } : undefined;
  return new DomainError('UNAVAILABLE', "The reranker's credential is not available on this server", details);
}
