import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, type IRateLimiterOptions, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError } from '../common/errors/domain-error.js';
import { LOGGER } from '../common/logging/logger.token.js';
import { ThrottledWarning } from '../common/logging/throttled-warning.js';
import { AppConfig } from '../config/app-config.js';
import type { RedisLimitsConfig } from '../config/limits-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ConcurrencyLeases } from './concurrency-leases.js';

export type CounterKind = 'requests' | 'documents' | 'concurrent' | 'monthlyDocuments';

/**
 * A counter's state, as the library answers it: `consumedPoints` counted in the current
 * window (this change included), `msBeforeNext` until the window ends and the count starts
 * again (-1 when it has no end).
 */
export type Count = Pick<RateLimiterRes, 'consumedPoints' | 'msBeforeNext'>;

const MINUTE_SECONDS = 60;
/** Monthly counters are always written with their own window (until the month ends). */
const MONTH_SECONDS = 31 * 24 * 3600;
/** How long boot waits for Redis to answer before it goes on (the failure mode applies meanwhile). */
const CONNECT_WAIT_MS = 2_000;

/** An exact amount is kept in Redis as whole billionths (`hi`) and the billionths of those (`lo`). */
const LO_SCALE = 1_000_000_000n;

/**
 * Adds an exact amount in two integer fields, each within what Redis and Lua count exactly:
 * `lo` is carried into `hi` whenever it leaves 0..1e9-1. A new counter lasts ARGV[3] seconds.
 * Hand-written: rate-limiter-flexible counts in one number, exact only to 2^53.
 */
const AMOUNT_SCRIPT = `local lo = redis.call('hincrby', KEYS[1], 'lo', ARGV[2])
local hi = redis.call('hincrby', KEYS[1], 'hi', ARGV[1])
local carry = math.floor(lo / 1000000000)
if carry ~= 0 then
  lo = lo - carry * 1000000000
  redis.call('hset', KEYS[1], 'lo', lo)
  hi = redis.call('hincrby', KEYS[1], 'hi', carry)
end
if redis.call('ttl', KEYS[1]) < 0 then redis.call('expire', KEYS[1], ARGV[3]) end
return {hi, lo}`;

/** The windowed counters; concurrency is counted in slots (ConcurrencyLeases). */
type WindowedKind = Exclude<CounterKind, 'concurrent'>;

const WINDOW_SECONDS: Readonly<Record<WindowedKind, number>> = {
  requests: MINUTE_SECONDS,
  documents: MINUTE_SECONDS,
  monthlyDocuments: MONTH_SECONDS,
};

const KINDS = Object.keys(WINDOW_SECONDS) as WindowedKind[];

type Limiter = RateLimiterAbstract;

/** AMOUNT_SCRIPT as a command of the shared connection: the new total's `hi` and `lo`. */
interface AmountCommand {
  rrAddAmount(key: string, hi: string, lo: string, windowSeconds: number): Promise<[number, number]>;
}
type WindowOption = { customDuration?: number };

/** A counter's own window. */
const OWN_WINDOW: WindowOption = Object.freeze({});
/** In process, a count with no expiry. */
const NO_EXPIRY: WindowOption = Object.freeze({ customDuration: 0 });

/** Where the counters are: `in-process` (no REDIS_URL), or Redis `up` or `down`. */
export type StoreStatus = 'in-process' | 'up' | 'down';

/**
 * Atomic windowed counters (rate-limiter-flexible), one family per kind, concurrency slots
 * (ConcurrencyLeases) and exact amounts: in process, or in Redis shared by every instance
 * when REDIS_URL is set. They only count; which limit a count breaks is decided by the
 * caller, because limits differ per user and per key.
 *
 * When Redis fails (down, slow past the command timeout, not connected yet), each failure is
 * counted in `rate_limit_store_failures_total` and warned about (at most every 10 s), and
 * then: `open` (default) counts in process meanwhile (what the library calls an insurance
 * limiter), so each instance still enforces every limit on its own; `closed` refuses the call
 * with 503 UNAVAILABLE.
 */
@Injectable()
export class CounterStore implements OnModuleInit, OnModuleDestroy {
  private readonly counters: Readonly<Record<WindowedKind, Limiter>>;
  /** The in-process stand-ins while Redis fails (`open`); none in process or when failing closed. */
  private readonly insurance: Readonly<Record<WindowedKind, Limiter>> | undefined;
  private readonly slots: ConcurrencyLeases;
  private readonly inRedis: boolean;
  private readonly connections: readonly Redis[];
  private readonly storeDown: ThrottledWarning;
  private readonly connectionLost: ThrottledWarning;
  /** Exact amounts in process: everything without Redis, the stand-in (`open`) while it fails. */
  private readonly amounts = new Map<string, bigint>();
  private readonly amountPrefix: string;

  constructor(
    config: AppConfig,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) logger: Logger,
  ) {
    const redis = config.limits.redis;
    this.inRedis = redis !== undefined;
    this.storeDown = new ThrottledWarning(logger, `rate-limit store (Redis) failed: ${redis?.onFailure === 'closed' ? 'refusing calls' : 'counting in process meanwhile'}`);
    this.connectionLost = new ThrottledWarning(logger, 'rate-limit store (Redis) connection error');
    this.amountPrefix = `${redis?.keyPrefix ?? ''}:amount:`;
    const inProcess = (): Record<WindowedKind, Limiter> => byKind((kind) => new RateLimiterMemory(memoryOptions(kind)));
    if (!redis) {
      this.connections = [];
      this.counters = inProcess();
      this.slots = new ConcurrencyLeases(undefined);
      return;
    }
    const shared = this.connect(redis);
    // Sent by its hash once Redis knows it (EVALSHA), like the library's own script.
    shared.defineCommand('rrAddAmount', { numberOfKeys: 1, lua: AMOUNT_SCRIPT });
    this.connections = [shared];
    this.counters = byKind(
      (kind) =>
        new RateLimiterRedis({
          storeClient: shared,
          keyPrefix: `${redis.keyPrefix}:${kind}`,
          points: 1,
          duration: WINDOW_SECONDS[kind],
          rejectIfRedisNotReady: true,
        }),
    );
    this.slots = new ConcurrencyLeases({
      connection: shared,
      keyPrefix: redis.keyPrefix,
      leaseMs: redis.concurrencyLeaseMs,
      onFailure: redis.onFailure,
      failed: (error) => this.failed(error),
    });
    this.insurance = redis.onFailure === 'open' ? inProcess() : undefined;
  }

  async onModuleInit(): Promise<void> {
    await Promise.all(this.connections.map((connection) => untilReady(connection, CONNECT_WAIT_MS)));
  }

  async onModuleDestroy(): Promise<void> {
    this.slots.close();
    await Promise.all(this.connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
  }

  /** Where the counters live and whether that store answers now: Redis up or down, or in process (no REDIS_URL). */
  get status(): StoreStatus {
    if (!this.inRedis) return 'in-process';
    return this.connections.every((connection) => connection.status === 'ready') ? 'up' : 'down';
  }

  /**
   * Adds `points` to a counter (a new one lasts `windowSeconds`, default its kind's window) and
   * returns the count; `concurrent` takes one slot (points are 1) until `subtract` gives it back.
   */
  add(kind: CounterKind, key: string, points: number, windowSeconds?: number): Promise<Count> {
    if (kind === 'concurrent') return this.slots.take(key);
    return this.run(kind, windowSeconds, (limiter, window) => limiter.penalty(key, points, window));
  }

  /** Takes points back (a refund or a released slot). Never fails: a lost refund only errs on the strict side. */
  subtract(kind: CounterKind, key: string, points: number, windowSeconds?: number): void {
    if (kind === 'concurrent') return this.slots.give(key);
    this.run(kind, windowSeconds, (limiter, window) => limiter.reward(key, points, window)).catch(() => undefined);
  }

  /** The current count, or undefined when nothing was counted in the current window. */
  async read(kind: CounterKind, key: string): Promise<Count | undefined> {
    if (kind === 'concurrent') return this.slots.count(key);
    return (await this.run(kind, undefined, (limiter) => limiter.get(key))) ?? undefined;
  }

  /**
   * Adds an exact amount (a bigint, negative to take back) to a counter that lasts
   * `windowSeconds` from its first change, and returns the total. For the monthly cost
   * quotas, which count the same exact units as usage (money.ts): no cost is rounded away.
   */
  addAmount(key: string, amount: bigint, windowSeconds: number): Promise<bigint> {
    return this.guarded(
      async () => {
        const lo = ((amount % LO_SCALE) + LO_SCALE) % LO_SCALE;
        const hi = (amount - lo) / LO_SCALE;
        const connection = this.connections[0] as Redis & AmountCommand;
        const [total, remainder] = await connection.rrAddAmount(this.amountPrefix + key, hi.toString(), lo.toString(), windowSeconds);
        return BigInt(total) * LO_SCALE + BigInt(remainder);
      },
      () => {
        const total = (this.amounts.get(key) ?? 0n) + amount;
        this.amounts.set(key, total);
        return Promise.resolve(total);
      },
    );
  }

  /** An exact amount's total (0 when nothing was counted). */
  readAmount(key: string): Promise<bigint> {
    return this.guarded(
      async () => {
        const [hi, lo] = await this.connections[0]!.hmget(this.amountPrefix + key, 'hi', 'lo');
        return BigInt(hi ?? 0) * LO_SCALE + BigInt(lo ?? 0);
      },
      () => Promise.resolve(this.amounts.get(key) ?? 0n),
    );
  }

  /** Redis when configured, with the same failure mode as the library's counters; else in process. */
  private guarded<T>(inRedis: () => Promise<T>, inProcess: () => Promise<T>): Promise<T> {
    if (!this.inRedis) return inProcess();
    return inRedis().catch((error: unknown) => {
      this.failed(error);
      if (!this.insurance) {
        throw new DomainError('UNAVAILABLE', 'Rate limits cannot be checked now: their store is unreachable', { retryAfterMs: 1_000 });
      }
      return inProcess();
    });
  }

  /** The library's own promise on the hot path; a Redis failure goes to the insurance, or becomes 503. */
  private run<T>(kind: WindowedKind, windowSeconds: number | undefined, operation: (limiter: Limiter, window: WindowOption) => Promise<T>): Promise<T> {
    return this.guarded(
      () => operation(this.counters[kind], windowOption(windowSeconds)),
      () => operation((this.insurance ?? this.counters)[kind], memoryWindow(kind, windowSeconds)),
    );
  }

  private failed(error: unknown): void {
    this.metrics.countLimitStoreFailure(this.insurance ? 'open' : 'closed');
    this.storeDown.warn(error instanceof Error ? { reason: error.message } : {});
  }

  private connect(redis: RedisLimitsConfig): Redis {
    const connection = new Redis(redis.url.reveal(), {
      // Fail at once while disconnected instead of queueing: the failure mode decides.
      enableOfflineQueue: false,
      // Commands of concurrent calls share one round trip.
      enableAutoPipelining: true,
      // A command cut by a lost connection fails too, rather than being resent later.
      maxRetriesPerRequest: 0,
      commandTimeout: redis.commandTimeoutMs,
      connectTimeout: Math.max(1_000, redis.commandTimeoutMs),
      retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 6), 5_000),
    });
    connection.on('error', (error: Error) => this.connectionLost.warn({ reason: error.message }));
    return connection;
  }
}

function byKind(make: (kind: WindowedKind) => Limiter): Record<WindowedKind, Limiter> {
  return Object.fromEntries(KINDS.map((kind) => [kind, make(kind)])) as Record<WindowedKind, Limiter>;
}

function memoryOptions(kind: WindowedKind): IRateLimiterOptions {
  return { keyPrefix: kind, points: 1, duration: isMonthly(kind) ? 0 : WINDOW_SECONDS[kind] };
}

/**
 * In process a month is no window: a Node timer cannot wait longer than 24.8 days (a longer
 * one fires at once), so monthly counts are kept without expiry; their key names the month.
 */
function memoryWindow(kind: WindowedKind, windowSeconds: number | undefined): WindowOption {
  return isMonthly(kind) ? NO_EXPIRY : windowOption(windowSeconds);
}

function windowOption(windowSeconds: number | undefined): WindowOption {
  return windowSeconds === undefined ? OWN_WINDOW : { customDuration: windowSeconds };
}

function isMonthly(kind: WindowedKind): boolean {
  return kind === 'monthlyDocuments';
}

/** Resolves when the connection is ready, fails, or after `waitMs` (it keeps reconnecting in the background). */
function untilReady(connection: Redis, waitMs: number): Promise<void> {
  if (connection.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      connection.off('ready', done).off('error', done);
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    connection.once('ready', done).once('error', done);
  });
}
