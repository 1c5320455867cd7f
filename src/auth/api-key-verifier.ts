import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { parseApiKey, verifyKeySecret } from '../api-keys/api-key-material.js';
import { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import { BoundedTtlCache } from '../common/cache/bounded-ttl-cache.js';
import { ConcurrencyLimiter } from '../common/concurrency/concurrency-limiter.js';
import { InvalidationBus, type Invalidation } from '../common/invalidation/invalidation-bus.js';
import { LOGGER } from '../common/logging/logger.token.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { Principal } from './principal.js';

interface VerifiedKey {
  readonly principal: Principal;
  readonly expiresAt: number | null;
}

/**
 * Turns a presented API key into a Principal. argon2 is paid at most once per key per
 * TTL: successes are cached under a SHA-256 of the presented key, failures briefly too,
 * and revocations, disables and role changes evict at once through the InvalidationBus.
 */
@Injectable()
export class ApiKeyVerifier implements OnModuleDestroy {
  private readonly verified: BoundedTtlCache<string, VerifiedKey>;
  private readonly rejected: BoundedTtlCache<string, true>;
  private readonly argon2Slots: ConcurrencyLimiter;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly keys: ApiKeysRepository,
    config: AppConfig,
    invalidations: InvalidationBus,
    metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const { cacheMaxEntries, cacheTtlMs, negativeCacheTtlMs, maxConcurrentVerifications } = config.auth;
    this.verified = new BoundedTtlCache(cacheMaxEntries, cacheTtlMs);
    this.rejected = new BoundedTtlCache(cacheMaxEntries, negativeCacheTtlMs);
    this.argon2Slots = new ConcurrencyLimiter(maxConcurrentVerifications);
    this.unsubscribe = invalidations.subscribe((event) => this.evict(event));
    metrics.registerCache('api_key', () => this.verified.stats);
  }

  async verify(rawKey: string): Promise<Principal | undefined> {
    const cacheKey = createHash('sha256').update(rawKey).digest('base64url');
    const cached = this.verified.get(cacheKey);
    if (cached) {
      if (cached.expiresAt === null || cached.expiresAt > Date.now()) return cached.principal;
      this.verified.delete(cacheKey);
      return undefined;
    }
    if (this.rejected.get(cacheKey)) return undefined;

    const found = await this.lookUp(rawKey);
    if (found) this.verified.set(cacheKey, found);
    else this.rejected.set(cacheKey, true);
    return found?.principal;
  }

  get cacheStats(): { hits: number; misses: number } {
    return this.verified.stats;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  private async lookUp(rawKey: string): Promise<VerifiedKey | undefined> {
    const parsed = parseApiKey(rawKey);
    if (!parsed) return undefined;
    const key = await this.keys.findWithUser(parsed.id);
    const now = Date.now();
    if (!key || key.revokedAt || key.user.disabledAt || (key.expiresAt && key.expiresAt.getTime() <= now)) {
      return undefined;
    }
    const valid = await this.argon2Slots.run(() => verifyKeySecret(key.secretHash, parsed.secret));
    if (!valid) return undefined;
    this.keys.touchLastUsed(key.id, new Date(now)).catch((error: unknown) => {
      this.logger.warn({ err: error, apiKeyId: key.id }, 'could not record lastUsedAt');
    });
    return {
      principal: new Principal(key.user.id, key.user.role, key.id),
      expiresAt: key.expiresAt?.getTime() ?? null,
    };
  }

  private evict(event: Invalidation): void {
    if (event.kind === 'all') this.verified.clear();
    if (event.kind === 'api-key') this.verified.deleteWhere((entry) => entry.principal.apiKeyId === event.id);
    if (event.kind === 'user') this.verified.deleteWhere((entry) => entry.principal.userId === event.id);
    // A rejection may have been caused by what just changed (a re-enabled user).
    if (event.kind !== 'reranker') this.rejected.clear();
  }
}
