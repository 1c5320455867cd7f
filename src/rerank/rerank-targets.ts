import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { BoundedTtlCache } from '../common/cache/bounded-ttl-cache.js';
import { DomainError } from '../common/errors/domain-error.js';
import { InvalidationBus } from '../common/invalidation/invalidation-bus.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { Action } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { Reranker } from '../generated/prisma/client.js';
import { AWS_CREDENTIAL_SOURCE, sigV4Headers, type AwsCredentialSource } from '../rerankers/credentials/aws-sigv4.js';
import {
  CREDENTIAL_KIND_API_KEY,
  CREDENTIAL_KIND_AWS_SIGV4,
  CREDENTIAL_KIND_GCP_ADC,
  GCP_QUOTA_PROJECT_HEADER,
  type ApiKeyCredentialMetadata,
  type AwsKeys,
  type AwsSigV4CredentialMetadata,
  type CredentialMetadata,
  type GcpAdcCredentialMetadata,
} from '../rerankers/credentials/credential.js';
import { CredentialCipher } from '../rerankers/credentials/credential-cipher.js';
import { GCP_TOKEN_SOURCE, type GcpTokenSource } from '../rerankers/credentials/gcp-token-source.js';
import { SecretSource, SecretUnavailable } from '../rerankers/credentials/secret-source.js';
import { upstreamHeaders } from '../rerankers/header-rules.js';
import { RerankersRepository } from '../rerankers/rerankers.repository.js';
import { SERVICE_VERSION } from '../system/build-info.js';
import { compilePricing, type Pricing } from '../usage/pricing.js';
import { adapterFor } from './providers/provider-catalog.js';
import type { CallCredentials, RerankTarget } from './rerank-target.js';
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
    @Inject(GCP_TOKEN_SOURCE) private readonly gcpTokens: GcpTokenSource,
    @Inject(AWS_CREDENTIAL_SOURCE) private readonly awsCredentials: AwsCredentialSource,
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
    const token = this.cache.fillToken();
    const row = await this.rerankers.findById(id);
    if (!row || !allowed(row.ownerId)) throw DomainError.notFound('Reranker');
    const target = await this.built(principal, row);
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
    const metadata = row.credentials as CredentialMetadata | null;
    const credential = metadata?.kind === CREDENTIAL_KIND_API_KEY ? await this.credentialHeader(row, metadata) : undefined;
    const authorize = this.perCallCredentials(row, metadata);
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
      ...(authorize ? { authorize } : {}),
      scrubber: new SecretScrubber(credential?.secrets ?? [], Object.values(extraHeaders ?? {})),
      timeoutMs: row.requestTimeoutMs ?? this.config.upstream.defaultTimeoutMs,
      batchSize: row.maxDocumentsPerRequest ?? adapter.maxDocumentsPerRequest,
      maxTokensPerRequest: row.maxTokensPerRequest ?? adapter.defaultMaxTokensPerRequest?.(row.modelIdentifier),
      scoreNormalization: row.scoreNormalization,
      ...(row.pricing !== null ? { pricing: compilePricing(row.pricing as Pricing) } : {}),
    };
    if (credential?.secretRef) this.secretRefs.set(target, credential.secretRef);
    return target;
  }

  private baseHeaders(): Record<string, string> {
    return { 'content-type': 'application/json', accept: 'application/json', 'user-agent': `reranker-registry/${SERVICE_VERSION}` };
  }

  /** The credential header, and the values upstream text must never give back (with and without the prefix). */
  private async credentialHeader(
    row: Reranker,
    metadata: ApiKeyCredentialMetadata,
  ): Promise<{ header: Record<string, string>; secrets: string[]; secretRef?: string }> {
    const { headerName, prefix, secretRef } = metadata.apiKey;
    const secret = secretRef ? await this.secrets.read(secretRef.uri) : this.inlineSecret(row);
    return { header: { [headerName]: `${prefix}${secret}` }, secrets: [secret, `${prefix}${secret}`], secretRef: secretRef?.uri };
  }

  /** Credentials computed per call: the server's cloud identities, and SigV4 signatures. */
  private perCallCredentials(row: Reranker, metadata: CredentialMetadata | null): (() => Promise<CallCredentials>) | undefined {
    if (metadata?.kind === CREDENTIAL_KIND_GCP_ADC) return this.gcpAdcAuthorizer(metadata.gcpAdc);
    if (metadata?.kind === CREDENTIAL_KIND_AWS_SIGV4) return this.sigV4Authorizer(row, metadata.awsSigV4);
    return undefined;
  }

  /** A fresh Bearer token per call from the service's own Google identity, and the quota project when set. */
  private gcpAdcAuthorizer({ scopes, quotaProjectId }: GcpAdcCredentialMetadata['gcpAdc']): () => Promise<CallCredentials> {
    const quota: Record<string, string> = quotaProjectId !== undefined ? { [GCP_QUOTA_PROJECT_HEADER]: quotaProjectId } : {};
    return async () => {
      const header = `Bearer ${await this.gcpTokens.accessToken(scopes)}`;
      return { headers: { authorization: header, ...quota }, secrets: [header.slice('Bearer '.length), header] };
    };
  }

  /**
   * Inline keys are decrypted once, with the target; the server chain is asked per call (the
   * SDK memoizes and refreshes). Each upstream request is then signed over its own body.
   */
  private sigV4Authorizer(row: Reranker, { region, service, hasInlineKeys }: AwsSigV4CredentialMetadata['awsSigV4']): () => Promise<CallCredentials> {
    const inline = hasInlineKeys ? (JSON.parse(this.inlineSecret(row)) as AwsKeys) : undefined;
    return async () => {
      const keys = inline ?? (await this.awsCredentials.credentials());
      return {
        headers: {},
        secrets: [keys.secretAccessKey, ...(keys.sessionToken ? [keys.sessionToken] : [])],
        sign: (request) => sigV4Headers(keys, { region, service }, request),
      };
    };
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
