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
import { SecretSource, SecretUnavailable } from '../rerankers/credentials/secret-source.js';
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
  /** The secret reference each target's credential came from, for targets that have one. */
  private readonly secretRefs = new WeakMap<RerankTarget, string>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly rerankers: RerankersRepository,
    private readonly cipher: CredentialCipher,
    private readonly config: AppConfig,
    invalidations: InvalidationBus,
    metrics: MetricsService,
    private readonly secrets: SecretSource,
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
    const target = await this.built(caller, row);
    this.cache.setIfFresh(id, target, token, this.secretRefs.has(target) ? this.referencedSecretTtl() : undefined);
    return target;
  }

  /**
   * After the upstream answered 401: the target rebuilt with its referenced secret read
   * again at the source (Vault, file, env), if that secret changed; undefined when the
   * credential is stored inline, the secret is the same, or it cannot be read now.
   */
  async refreshed(target: RerankTarget): Promise<RerankTarget | undefined> {
    const uri = this.secretRefs.get(target);
    if (!uri) return undefined;
    const token = this.cache.fillToken();
    const fresh = await this.secrets.reread(uri).catch(() => undefined);
    if (fresh === undefined) return undefined;
    const row = await this.rerankers.findById(target.rerankerId);
    if (!row || row.ownerId !== target.ownerId) return undefined;
    const rebuilt = await this.build(row).catch(() => undefined);
    if (!rebuilt || sameHeaders(rebuilt.headers, target.headers)) return undefined;
    this.cache.setIfFresh(row.id, rebuilt, token, this.referencedSecretTtl());
    return rebuilt;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** The built target; an unreadable server secret is named only to those who may reference one. */
  private async built(principal: Principal, row: Reranker): Promise<RerankTarget> {
    try {
      return await this.build(row);
    } catch (error) {
      if (!(error instanceof SecretUnavailable)) throw error;
      const details = principal.has('USE_SECRET_REF') ? { secretRef: error.uri, reason: error.reason } : undefined;
      throw new DomainError('UNAVAILABLE', "The reranker's credential is not available on this server", details);
    }
  }

  /** A target holding a referenced secret is kept no longer than the secret itself. */
  private referencedSecretTtl(): number {
    const targetTtl = this.config.rerank.targetCacheTtlMs || Number.POSITIVE_INFINITY;
    return Math.max(1, Math.min(targetTtl, this.secrets.ttlMs));
  }

  private async build(row: Reranker): Promise<RerankTarget> {
    const adapter = adapterFor(row.providerType);
    const endpoint = new URL(row.endpointUrl);
    const basePath = endpoint.pathname === '/' ? '' : endpoint.pathname;
    const extraHeaders = row.extraHeaders as Record<string, string> | null;
    const credential = await this.credentialHeader(row);
    const target: RerankTarget = {
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
    if (credential?.secretRef) this.secretRefs.set(target, credential.secretRef);
    return target;
  }

  private baseHeaders(): Record<string, string> {
    return { 'content-type': 'application/json', accept: 'application/json', 'user-agent': `reranker-registry/${SERVICE_VERSION}` };
  }

  /** The credential header, and the values upstream text must never give back (with and without the prefix). */
  private async credentialHeader(row: Reranker): Promise<{ header: Record<string, string>; secrets: string[]; secretRef?: string } | undefined> {
    const metadata = row.credentials as CredentialMetadata | null;
    if (!metadata) return undefined;
    const { headerName, prefix, secretRef } = metadata.apiKey;
    const secret = secretRef ? await this.secrets.read(secretRef.uri) : this.inlineSecret(row);
    return { header: { [headerName]: `${prefix}${secret}` }, secrets: [secret, `${prefix}${secret}`], secretRef: secretRef?.uri };
  }

  private inlineSecret(row: Reranker): string {
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

function sameHeaders(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
