import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import { AppConfig } from '../config/app-config.js';

/** What an argon2 run is for: checking a presented key, or hashing a new one. */
export type Argon2Lane = 'verify' | 'hash';

/** When a shed run may be retried (the queue drains in well under a second). */
const SHED_RETRY_AFTER_MS = 1_000;

/**
 * Every argon2 run of the process goes through here: checking presented keys and hashing new
 * ones alike (issue 19 item 5: unbounded key creation took the libuv threads that logins and
 * DNS lookups need).
 *
 * - At most AUTH_MAX_CONCURRENT_VERIFICATIONS run at once, below libuv's threadpool size, so
 *   a DNS lookup (same threadpool) always finds a free thread.
 * - A verification goes first: when a slot frees, a waiting verification takes it before a
 *   waiting hash, and hashing never holds more than all but one slot, so a login waits for
 *   at most the verifications queued before it, never for a creation flood.
 * - Each lane waits in a queue of at most AUTH_MAX_QUEUED_VERIFICATIONS; past it the run is
 *   shed with 503 UNAVAILABLE (details.retryAfterMs).
 */
@Injectable()
export class Argon2Pool {
  private readonly slots: number;
  private readonly hashSlots: number;
  private readonly maxQueued: number;
  private running = 0;
  private hashing = 0;
  private readonly waiting: Record<Argon2Lane, Array<() => void>> = { verify: [], hash: [] };

  constructor(config: AppConfig) {
    this.slots = config.auth.maxConcurrentVerifications;
    this.hashSlots = Math.max(1, this.slots - 1);
    this.maxQueued = config.auth.maxQueuedVerifications;
  }

  /** Runs one argon2 task in its lane, or throws 503 UNAVAILABLE when that lane's queue is full. */
  async run<T>(lane: Argon2Lane, task: () => Promise<T>): Promise<T> {
    if (this.mayStart(lane)) this.take(lane);
    else {
      if (this.waiting[lane].length >= this.maxQueued) {
        const what = lane === 'verify' ? 'API key verifications' : 'API key creations';
        throw new DomainError('UNAVAILABLE', `Too many ${what} are waiting; retry shortly`, { retryAfterMs: SHED_RETRY_AFTER_MS });
      }
      // startNext takes the slot on this run's behalf before it wakes it.
      await new Promise<void>((resolve) => this.waiting[lane].push(resolve));
    }
    try {
      return await task();
    } finally {
      this.running--;
      if (lane === 'hash') this.hashing--;
      this.startNext();
    }
  }

  /** Runs waiting right now, per lane (for metrics and tests). */
  get queued(): Record<Argon2Lane, number> {
    return { verify: this.waiting.verify.length, hash: this.waiting.hash.length };
  }

  private mayStart(lane: Argon2Lane): boolean {
    if (this.running >= this.slots) return false;
    return lane === 'verify' || (this.waiting.verify.length === 0 && this.hashing < this.hashSlots);
  }

  /** A freed slot goes to a waiting verification, else to a waiting hash if hashing may take one more. */
  private startNext(): void {
    if (this.running >= this.slots) return;
    const lane: Argon2Lane | undefined =
      this.waiting.verify.length > 0 ? 'verify' : this.waiting.hash.length > 0 && this.hashing < this.hashSlots ? 'hash' : undefined;
    if (!lane) return;
    this.take(lane);
    this.waiting[lane].shift()!();
  }

  private take(lane: Argon2Lane): void {
    this.running++;
    if (lane === 'hash') this.hashing++;
  }
}
