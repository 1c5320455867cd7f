import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { BoundedTtlCache } from '../common/cache/bounded-ttl-cache.js';
import { InvalidationBus } from '../database/invalidation-bus.js';
import { AppConfig } from '../config/app-config.js';
import type { LimitSubject } from '../generated/prisma/enums.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { LimitValues } from '../config/limits-config.js';
import { effectiveLimits } from './limit-values.js';
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
      if (event.kind === 'all') this.cache.clear();
      if (event.kind === 'limits') this.cache.delete(cacheKey(event.subject, event.id));
    });
  }

  /** The subject's limits: from memory when known (no promise to wait for), else read once for all concurrent callers. */
  limitsOf(subject: LimitSubject, id: string): LimitValues | Promise<LimitValues> {
    return this.cache.getOrFill(cacheKey(subject, id), async () => effectiveLimits(this.defaults, toOverrides(await this.repository.find(subject, id))));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}

function cacheKey(subject: LimitSubject, id: string): string {
  return `${subject}:${id}`;
}
