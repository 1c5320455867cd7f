import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logger.token.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { addInto, rollupKeyOf, rollupOf, type Rollup, type UsageRecord } from './usage-record.js';
import { UsageRepository } from './usage.repository.js';

/** Rows per INSERT: 15 parameters each, far below PostgreSQL's 65,535 per statement. */
const ROWS_PER_STATEMENT = 500;

/**
 * Books every rerank call without touching the database on the way: `record` adds the call
 * to an in-memory rollup (one per minute x caller x key x reranker x alias x outcome x
 * currency), and a timer writes them in batches that add to the stored rows. Bounded: a
 * call needing a new row when USAGE_MAX_PENDING_KEYS are held is dropped and counted
 * (usage_records_dropped_total). A batch that fails stays pending for the next flush,
 * merged with what came since and under the same bound. The last flush runs at shutdown,
 * after the HTTP server has drained and before the database closes (a global module's
 * hooks run last).
 */
@Injectable()
export class UsageMeter implements OnModuleInit, OnApplicationShutdown {
  private pending = new Map<string, Rollup>();
  /** Rows being written: still counted by `unflushed` until their statement succeeded. */
  private writing: readonly Rollup[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: UsageRepository,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    metrics.registerUsagePending(() => this.pending.size);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.usage.flushIntervalMs);
    this.timer.unref();
  }

  /** Synchronous and in memory only. */
  record(record: UsageRecord): void {
    this.merge(rollupOf(record));
  }

  /** Writes what is pending; concurrent callers share the flush under way, then start their own if more came. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    this.flushing = this.write().finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  /** Rollups recorded but not yet stored, the matching ones (for totals that must include them). */
  unflushed(matches: (rollup: Rollup) => boolean): Rollup[] {
    return [...this.pending.values(), ...this.writing].filter(matches);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    const lost = [...this.pending.values()].reduce((calls, rollup) => calls + rollup.calls, 0);
    if (lost > 0) {
      this.metrics.countUsageDropped(lost);
      this.logger.error({ calls: lost }, 'usage of these calls could not be written before shutdown');
    }
  }

  private async write(): Promise<void> {
    const rows = [...this.pending.values()].sort(byKey);
    this.pending = new Map();
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      this.writing = rows.slice(start);
      try {
        await this.repository.add(rows.slice(start, start + ROWS_PER_STATEMENT));
        this.metrics.countUsageFlush('ok');
      } catch (error) {
        this.metrics.countUsageFlush('failed');
        this.logger.warn({ err: error, rows: rows.length - start }, 'usage flush failed; kept for the next one');
        this.writing = [];
        for (const row of rows.slice(start)) this.merge(row);
        return;
      }
    }
    this.writing = [];
  }

  private merge(rollup: Rollup): void {
    const key = rollupKeyOf(rollup);
    const existing = this.pending.get(key);
    if (existing) addInto(existing, rollup);
    else if (this.pending.size < this.config.usage.maxPendingKeys) this.pending.set(key, rollup);
    else this.metrics.countUsageDropped(rollup.calls);
  }
}

function byKey(a: Rollup, b: Rollup): number {
  const x = rollupKeyOf(a);
  const y = rollupKeyOf(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
