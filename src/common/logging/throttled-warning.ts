import type { Logger } from 'pino';

/**
 * A warning that is logged at most once per interval however often it happens (a store
 * that is down fails on every request), with how many were left out since the last line.
 */
export class ThrottledWarning {
  private lastLoggedAt = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly logger: Logger,
    private readonly message: string,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  warn(fields: Record<string, unknown> = {}): void {
    const now = this.now();
    if (now - this.lastLoggedAt < this.intervalMs) {
      this.suppressed++;
      return;
    }
    this.logger.warn({ ...fields, suppressed: this.suppressed }, this.message);
    this.lastLoggedAt = now;
    this.suppressed = 0;
  }
}
