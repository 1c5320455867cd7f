import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logger.token.js';
import { AppConfig } from '../config/app-config.js';
import { AuditEventsRepository } from './audit-events.repository.js';

/** Wall-clock milliseconds; replaceable in tests. */
export const AUDIT_CLOCK = Symbol('AUDIT_CLOCK');

const DAY_MS = 86_400_000;
/** Pruning runs at boot and then this often, on every instance (deleting is idempotent). */
const PRUNE_INTERVAL_MS = 3_600_000;

/** Deletes audit events older than AUDIT_RETENTION_DAYS (0 keeps them forever): the only way an event goes. */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly retentionDays: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly events: AuditEventsRepository,
    config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(AUDIT_CLOCK) private readonly clock: () => number = Date.now,
  ) {
    this.retentionDays = config.audit.retentionDays;
  }

  onApplicationBootstrap(): void {
    if (this.retentionDays === 0) return;
    this.pruneInBackground();
    // unref: a pending prune never keeps the process alive.
    this.timer = setInterval(() => this.pruneInBackground(), PRUNE_INTERVAL_MS).unref();
  }

  /** Before the database closes: no new run, and the one in flight finishes. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes the events that occurred more than the retention period ago; returns how many. */
  async prune(): Promise<number> {
    if (this.retentionDays === 0) return 0;
    return this.events.deleteOccurredBefore(new Date(this.clock() - this.retentionDays * DAY_MS));
  }

  private pruneInBackground(): void {
    if (this.running) return;
    this.running = this.prune()
      .then((deleted) => {
        if (deleted > 0) this.logger.info({ deleted, retentionDays: this.retentionDays }, 'audit events past retention deleted');
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not prune audit events; retrying at the next interval'))
      .finally(() => {
        this.running = undefined;
      });
  }
}
