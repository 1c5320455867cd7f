import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { BoundedTtlCache } from '../common/cache/bounded-ttl-cache.js';
import { DomainError } from '../common/errors/domain-error.js';
import { InvalidationBus } from '../common/invalidation/invalidation-bus.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { Action } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { Reranker } from '../generated/prisma/client.js';
import type { CredentialMetadata } from '../rerankers/credentials/credential.js';
import { CredentialCipher } from '../rerankers/credentials/credential-cipher.js';
import { resolveSecretRef } from '../rerankers/credentials/secret-ref.js';
import { upstreamHeaders } from '../rerankers/header-rules.js';
import { RerankersRepository } from '../rerankers/rerankers.repository.js';
import { SERVICE_VERSION } from '../system/build-info.js';
import { adapterFor } from './providers/provider-catalog.js';
import type { RerankTarget } from './rerank-target.js';
import { SecretScrubber } from './upstream/secret-scrubber.js';

/**
 * Resolves a reranker id to a ready-to-call target. Steady state is a memory lookup: no
 * query, no decryption. Updates and deletes evict through the InvalidationBus.
 */
@Injectable()
export class RerankTargets implements OnModuleDestroy {
  private readonly cache: BoundedTtlCache<string, RerankTarget>;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly rerankers: RerankersRepository,
    private readonly cipher: CredentialCipher,
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
   * The target if the caller may perform `action` on it; 404 whether missing or someone
   * else's, decided before the credential is read, so a stranger learns nothing about it.
   */
  async resolve(principal: Principal, id: string, action: Action): Promise<RerankTarget> {
    return this.resolveWhere(id, (ownerId) => principal.canActOn(action, 'RERANKER', ownerId), principal);
  }

  /**
   * The same for a call authorized by someone other than the caller (an alias's owner):
   * `allowed` says whose rerankers may be used; `caller` decides only what an error reveals.
   */
  async resolveWhere(id: string, allowed: (ownerId: string) => boolean, caller: Principal): Promise<RerankTarget> {
    const cached = this.cache.get(id);
    if (cached) {
      if (!allowed(cached.ownerId)) throw DomainError.notFound('Reranker');
      return cached;
    }
    const token = this.cache.fillToken();
    const row = await this.rerankers.findById(id);
    if (!row || !allowed(row.ownerId)) throw DomainError.notFound('Reranker');
    const target = this.built(caller, row);
    this.cache.setIfFresh(id, target, token);
    return target;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** The built target; a missing server secret is named only to those who may reference one. */
  private built(principal: Principal, row: Reranker): RerankTarget {
    try {
      return this.build(row);
    } catch (error) {
      if (!(error instanceof UnsetSecretRef)) throw error;
      const details = principal.has('USE_SECRET_REF') ? { secretRef: error.uri } : undefined;
      throw new DomainError('UNAVAILABLE', "The reranker's credential is not available on this server", details);
    }
  }

  private build(row: Reranker): RerankTarget {
    const adapter = adapterFor(row.providerType);
    const endpoint = new URL(row.endpointUrl);
    const basePath = endpoint.pathname === '/' ? '' : endpoint.pathname;
    const extraHeaders = row.extraHeaders as Record<string, string> | null;
    const credential = this.credentialHeader(row);
    return {
      rerankerId: row.id,
      ownerId: row.ownerId,
      providerType: row.providerType,
      adapter,
      model: row.modelIdentifier,
      modalities: row.supportedModalities,
      origin: endpoint.origin,
      path: `${basePath}${row.apiPath === '/' ? '' : row.apiPath}${endpoint.search}` || '/',
      headers: upstreamHeaders(adapter.requestHeaders, extraHeaders, this.baseHeaders(), credential?.header),
      scrubber: new SecretScrubber(credential?.secrets ?? [], Object.values(extraHeaders ?? {})),
      timeoutMs: row.requestTimeoutMs ?? this.config.upstream.defaultTimeoutMs,
      batchSize: row.maxDocumentsPerRequest ?? adapter.maxDocumentsPerRequest,
      maxTokensPerRequest: row.maxTokensPerRequest ?? adapter.defaultMaxTokensPerRequest?.(row.modelIdentifier),
      scoreNormalization: row.scoreNormalization,
    };
  }

  private baseHeaders(): Record<string, string> {
    return { 'content-type': 'application/json', accept: 'application/json', 'user-agent': `reranker-registry/${SERVICE_VERSION}` };
  }

  /** The credential header, and the values upstream text must never give back (with and without the prefix). */
  private credentialHeader(row: Reranker): { header: Record<string, string>; secrets: string[] } | undefined {
    const metadata = row.credentials as CredentialMetadata | null;
    if (!metadata) return undefined;
    const { headerName, prefix, secretRef } = metadata.apiKey;
    const secret = this.secretOf(row, secretRef?.uri);
    return { header: { [headerName]: `${prefix}${secret}` }, secrets: [secret, `${prefix}${secret}`] };
  }

  private secretOf(row: Reranker, secretRefUri: string | undefined): string {
    if (secretRefUri) {
      const secret = resolveSecretRef(secretRefUri);
      if (secret === undefined) throw new UnsetSecretRef(secretRefUri);
      return secret;
    }
    try {
      return this.cipher.decrypt(
        { ciphertext: row.credentialsCiphertext!, keyId: row.credentialsKeyId! },
        { rerankerId: row.id, ownerId: row.ownerId },
      );
    } catch {
      throw new DomainError('UNAVAILABLE', "The reranker's credential cannot be decrypted with the configured keys");
    }
  }
}

/** The env:// variable a credential refers to is not set here. */
class UnsetSecretRef extends Error {
  constructor(readonly uri: string) {
    super(`${uri} is not set on this server`);
  }
}
