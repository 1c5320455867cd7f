import { LRUCache } from 'lru-cache';
import { DomainError } from '../common/errors/domain-error.js';

export interface FailureLimits {
  readonly windowMs: number;
  readonly maxPerKey: number;
  readonly maxPerAddress: number;
  /** Wait before each further attempt on a key id, per failure it already has (tarpit). */
  readonly delayPerFailureMs: number;
  /** Bound of each counter map (key ids, addresses). */
  readonly maxTracked: number;
}

interface Counter {
  count: number;
}

/**
 * Counts failed API key verifications per key id and per client address in fixed windows
 * (the window starts at the first failure). Once either count reaches its limit, further
 * attempts that would cost work (a database lookup, argon2) are refused with 429 until the
 * window ends; before that, each further attempt on a key id waits longer (delayFor). Only
 * costly failures are recorded: a secret answered from memory is not.
 */
export class FailureLimiter {
  private readonly byKey: LRUCache<string, Counter>;
  private readonly byAddress: LRUCache<string, Counter>;

  constructor(
    private readonly limits: FailureLimits,
    clock: () => number = () => performance.now(),
  ) {
    const options = { max: limits.maxTracked, ttl: limits.windowMs, ttlResolution: 0, perf: { now: clock } };
    this.byKey = new LRUCache(options);
    this.byAddress = new LRUCache(options);
  }

  /** Throws 429 TOO_MANY_FAILED_ATTEMPTS when the key id or the address has used up its failures. */
  check(keyId: string, address: string): void {
    this.refuseIfSpent(this.byKey, keyId, this.limits.maxPerKey, 'this API key id');
    this.refuseIfSpent(this.byAddress, address, this.limits.maxPerAddress, 'this client address');
  }

  /**
   * How long to hold the next attempt on a key id: its failures x delayPerFailureMs. Spreads
   * a flood's argon2 work over the window instead of running it back to back.
   */
  delayFor(keyId: string): number {
    return (this.byKey.get(keyId)?.count ?? 0) * this.limits.delayPerFailureMs;
  }

  record(keyId: string, address: string): void {
    increment(this.byKey, keyId);
    increment(this.byAddress, address);
  }

  private refuseIfSpent(counters: LRUCache<string, Counter>, id: string, max: number, what: string): void {
    if ((counters.get(id)?.count ?? 0) < max) return;
    const retryAfterMs = counters.getRemainingTTL(id);
    throw new DomainError(
      'TOO_MANY_FAILED_ATTEMPTS',
      `Too many failed API key verifications for ${what}; retry after ${Math.ceil(retryAfterMs / 1000)} s`,
      { retryAfterMs },
    );
  }
}

function increment(counters: LRUCache<string, Counter>, id: string): void {
  const counter = counters.get(id);
  if (counter) counter.count++;
  else counters.set(id, { count: 1 });
}
