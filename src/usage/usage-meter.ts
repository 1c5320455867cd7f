import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { isRefusedData, sqlStateOf } from '../common/errors/prisma-errors.js';
import { loggableError } from '../common/errors/loggable-error.js';
import { LOGGER } from '../common/logging/logger.token.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { addInto, rollupKeyOf, rollupOf, type Rollup, type UsageRecord } from './usage-record.js';
import { UsageRepository } from './usage.repository.js';

/** Rows per INSERT: 16 parameters each, far below PostgreSQL's 65,535 per statement. */
const ROWS_PER_STATEMENT = 500;

/**
 * Books every rerank call without touching the database on the way: `record` adds the call
 * to an in-memory rollup (one per minute x caller x key x reranker x alias x outcome x
 * currency), and a timer writes them in batches that add to the stored rows. Bounded: a
 * call needing a new row when USAGE_MAX_PENDING_KEYS are held is dropped and counted
 * (usage_records_dropped_total). A batch the database cannot take stays pending for the
 * next flush, merged with what came since and under the same bound; a row it refuses for
 * its values is dropped and counted alone (see write). The last flush runs at shutdown,
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

  /**
   * Writes everything pending, a statement per ROWS_PER_STATEMENT rows. A statement the
   * database could not take (down, timed out) leaves it and every later row pending for the
   * next flush. One it refused for the data (a value out of range) is written row by row,
   * so one bad row never holds back another owner's: each row refused on its own is
   * dropped, counted and logged by its code, never retried.
   */
  private async write(): Promise<void> {
    const rows = [...this.pending.values()].sort(byKey);
    this.pending = new Map();
    const refused: Rollup[] = [];
    let firstRefusal: unknown;
    try {
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        this.writing = rows.slice(start);
        const batch = rows.slice(start, start + ROWS_PER_STATEMENT);
        const error = await this.add(batch);
        if (error === undefined) continue;
        if (!isRefusedData(error)) return this.keepPending(rows.slice(start), error);
        // The database refused a value of this batch: find the rows it refuses alone.
        for (const [index, row] of batch.entries()) {
          this.writing = rows.slice(start + index);
          const alone = batch.length === 1 ? error : await this.add([row]);
          if (alone === undefined) continue;
          if (!isRefusedData(alone)) return this.keepPending(rows.slice(start + index), alone);
          refused.push(row);
          firstRefusal ??= alone;
        }
      }
    } finally {
      this.writing = [];
      if (refused.length > 0) this.reject(refused, firstRefusal);
    }
  }

  /** One statement; the error instead of a throw, counted either way. */
  private async add(rows: readonly Rollup[]): Promise<unknown> {
    try {
      await this.repository.add(rows);
      this.metrics.countUsageFlush('ok');
      return undefined;
    } catch (error) {
      this.metrics.countUsageFlush('failed');
      return error ?? new Error('usage write failed');
    }
  }

  private keepPending(rows: readonly Rollup[], error: unknown): void {
    // By code only: the message of a database error quotes the values of the statement.
    this.logger.warn({ err: loggableError(error), sqlState: sqlStateOf(error), rows: rows.length }, 'usage flush failed; kept for the next one');
    for (const row of rows) this.merge(row);
  }

  private reject(rows: readonly Rollup[], error: unknown): void {
    const calls = rows.reduce((sum, row) => sum + row.calls, 0);
    this.metrics.countUsageRejected(rows.length, calls);
    this.logger.error(
      { err: loggableError(error), sqlState: sqlStateOf(error), rows: rows.length, calls, owners: [...new Set(rows.map((row) => row.ownerId))].slice(0, 10) },
      'usage rollups the database refused were dropped (not retried)',
    );
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
