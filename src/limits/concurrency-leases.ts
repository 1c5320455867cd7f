import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DomainError } from '../common/errors/domain-error.js';
import type { StoreFailureMode } from '../config/limits-config.js';

/** A concurrency count as RateLimits reads counters: the slots held now (this one included); no window. */
export interface SlotCount {
  readonly consumedPoints: number;
  readonly msBeforeNext: number;
}

/** Where one of this process's slots is held: a lease in Redis, or a count in process. */
type Holding = { readonly where: 'redis'; readonly id: string } | { readonly where: 'memory' };

/** Releases that could not reach Redis, kept for the reconnection (they expire there anyway). */
const MAX_PENDING_RELEASES = 100_000;

/**
 * Takes a lease (a member of the key's sorted set, scored by its expiry on Redis's clock),
 * after dropping the expired ones; answers how many are held.
 */
const TAKE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.call('ZCARD', KEYS[1])`;

/** Extends this process's live leases of a key (adding back any Redis lost). */
const RENEW = `local t = redis.call('TIME')
local expiry = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], expiry, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 0`;

/** The leases held now. */
const COUNT = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])`;

interface LeaseCommands {
  rrLeaseTake(key: string, leaseMs: number, id: string): Promise<number>;
  rrLeaseRenew(key: string, leaseMs: number, ...ids: string[]): Promise<number>;
  rrLeaseCount(key: string): Promise<number>;
}

export interface LeaseStore {
  readonly connection: Redis;
  readonly keyPrefix: string;
  readonly leaseMs: number;
  readonly onFailure: StoreFailureMode;
  /** Called on every failed Redis command (metric and throttled warning). */
  readonly failed: (error: unknown) => void;
}

/**
 * Concurrency slots (issue 19 item 4: a Redis restart locked users out for 30 minutes,
 * slots of calls that had ended stayed counted, and each refused retry renewed them).
 *
 * In Redis each slot is a lease of its own, expiring RATE_LIMIT_CONCURRENCY_LEASE_MS after
 * it was taken or last renewed; this process renews its live leases every third of that.
 * So a slot whose call ended is never counted longer than one lease: released at once when
 * Redis answers, released on reconnection when it did not (the release is kept), and
 * expired otherwise (this process died, or Redis lost the release). A refused call's lease
 * is given back at once and never touches the others, so retrying extends nothing.
 *
 * In process (no Redis, or Redis failing with RATE_LIMIT_REDIS_FAILURE=open) slots are a
 * plain count: no other process can die holding one. The slots of a key held by this
 * process are interchangeable, so a release gives back the one taken last.
 */
export class ConcurrencyLeases {
  private readonly held = new Map<string, Holding[]>();
  private readonly inMemory = new Map<string, number>();
  private readonly pending = new Map<string, { key: string; id: string }>();
  private readonly renewal: NodeJS.Timeout | undefined;

  constructor(private readonly redis: LeaseStore | undefined) {
    if (!redis) return;
    redis.connection.defineCommand('rrLeaseTake', { numberOfKeys: 1, lua: TAKE });
    redis.connection.defineCommand('rrLeaseRenew', { numberOfKeys: 1, lua: RENEW });
    redis.connection.defineCommand('rrLeaseCount', { numberOfKeys: 1, lua: COUNT });
    redis.connection.on('ready', () => this.reconcile());
    this.renewal = setInterval(() => this.renewAll(), Math.max(100, Math.floor(redis.leaseMs / 3))).unref();
  }

  /** Takes a slot of `key` and answers how many are held; a refused caller gives it back with `give`. */
  async take(key: string): Promise<SlotCount> {
    if (this.redis) {
      const id = randomUUID();
      try {
        const count = await this.commands.rrLeaseTake(this.redisKey(key), this.redis.leaseMs, id);
        this.hold(key, { where: 'redis', id });
        return slots(count);
      } catch (error) {
        this.failedOrRefuse(error);
      }
    }
    const count = (this.inMemory.get(key) ?? 0) + 1;
    this.inMemory.set(key, count);
    this.hold(key, { where: 'memory' });
    return slots(count);
  }

  /** Gives back one of this process's slots of `key` (a second release of the same call finds none left). */
  give(key: string): void {
    const holdings = this.held.get(key);
    const holding = holdings?.pop();
    if (!holding) return;
    if (holdings!.length === 0) this.held.delete(key);
    if (holding.where === 'memory') {
      const left = (this.inMemory.get(key) ?? 1) - 1;
      if (left > 0) this.inMemory.set(key, left);
      else this.inMemory.delete(key);
      return;
    }
    this.release(key, holding.id);
  }

  /** Slots of `key` held now: every process's in Redis, this process's in memory. */
  async count(key: string): Promise<SlotCount | undefined> {
    if (this.redis) {
      try {
        return slots(await this.commands.rrLeaseCount(this.redisKey(key)));
      } catch (error) {
        this.failedOrRefuse(error);
      }
    }
    const count = this.inMemory.get(key);
    return count === undefined ? undefined : slots(count);
  }

  close(): void {
    clearInterval(this.renewal);
  }

  private get commands(): LeaseCommands {
    return this.redis!.connection as unknown as LeaseCommands;
  }

  private redisKey(key: string): string {
    return `${this.redis!.keyPrefix}:leases:${key}`;
  }

  private hold(key: string, holding: Holding): void {
    const holdings = this.held.get(key);
    if (holdings) holdings.push(holding);
    else this.held.set(key, [holding]);
  }

  /** A failed command is reported; failing closed refuses the call, failing open counts in process instead. */
  private failedOrRefuse(error: unknown): void {
    this.redis!.failed(error);
    if (this.redis!.onFailure === 'closed') {
      throw new DomainError('UNAVAILABLE', 'Rate limits cannot be checked now: their store is unreachable', { retryAfterMs: 1_000 });
    }
  }

  private release(key: string, id: string): void {
    this.redis!.connection.zrem(this.redisKey(key), id).catch(() => {
      if (this.pending.size >= MAX_PENDING_RELEASES) this.pending.delete(this.pending.keys().next().value!);
      this.pending.set(id, { key, id });
    });
  }

  /** Back in touch with Redis: the releases it missed, and this process's live leases (in case it lost them). */
  private reconcile(): void {
    const missed = [...this.pending.values()];
    this.pending.clear();
    for (const { key, id } of missed) this.release(key, id);
    this.renewAll();
  }

  private renewAll(): void {
    for (const [key, holdings] of this.held) {
      const ids = holdings.flatMap((holding) => (holding.where === 'redis' ? [holding.id] : []));
      if (ids.length > 0) this.commands.rrLeaseRenew(this.redisKey(key), this.redis!.leaseMs, ...ids).catch(() => undefined);
    }
  }
}

function slots(count: number): SlotCount {
  return { consumedPoints: count, msBeforeNext: -1 };
}
