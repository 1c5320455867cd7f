import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { BoundedTtlCache } from '../common/cache/bounded-ttl-cache.js';
import { InvalidationBus } from '../common/invalidation/invalidation-bus.js';
import { AppConfig } from '../config/app-config.js';
import type { LimitSubject } from '../generated/prisma/enums.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { effectiveLimits, type LimitValues } from './limit-values.js';
import { LimitsRepository, toOverrides } from './limits.repository.js';

/**
 * The limits in force for each user and key, from memory: a subject's overrides are read
 * once and kept until they change (here or on another instance, through the invalidation
 * bus) or the cache TTL passes, so a call in steady state makes no query.
 */
@Injectable()
export class LimitsDirectory implements OnModuleDestroy {
  private readonly defaults: LimitValues;
  private readonly cache: BoundedTtlCache<string, LimitValues>;
  private readonly filling = new Map<string, Promise<LimitValues>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly repository: LimitsRepository,
    config: AppConfig,
    invalidations: InvalidationBus,
    metrics: MetricsService,
  ) {
    this.defaults = config.limits.defaults;
    this.cache = new BoundedTtlCache(config.limits.cacheMaxEntries, config.limits.cacheTtlMs);
    metrics.registerCache('limits', () => this.cache.stats);
    this.unsubscribe = invalidations.subscribe((event) => {
      if (event.kind === 'all') {
        this.cache.clear();
        this.filling.clear();
      }
      if (event.kind === 'limits') {
        const key = cacheKey(event.subject, event.id);
        this.cache.delete(key);
        // A read under way may have seen the old row: later callers start their own.
        this.filling.delete(key);
      }
    });
  }

  /** The subject's limits: from memory when known (no promise to wait for), else read once for all concurrent callers. */
  limitsOf(subject: LimitSubject, id: string): LimitValues | Promise<LimitValues> {
    const key = cacheKey(subject, id);
    return this.cache.get(key) ?? this.fill(key, subject, id);
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  private fill(key: string, subject: LimitSubject, id: string): Promise<LimitValues> {
    let pending = this.filling.get(key);
    if (!pending) {
      const token = this.cache.fillToken();
      pending = this.repository
        .find(subject, id)
        .then((row) => {
          const limits = effectiveLimits(this.defaults, toOverrides(row));
          this.cache.setIfFresh(key, limits, token);
          return limits;
        })
        .finally(() => {
          if (this.filling.get(key) === pending) this.filling.delete(key);
        });
      this.filling.set(key, pending);
    }
    return pending;
  }
}

function cacheKey(subject: LimitSubject, id: string): string {
  return `${subject}:${id}`;
}
