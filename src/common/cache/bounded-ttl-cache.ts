import { LRUCache } from 'lru-cache';

/** A token taken before a slow fill (database read, argon2); see BoundedTtlCache.setIfFresh. */
export type FillToken = number & { readonly __fillToken: unique symbol };

/**
 * A size-bounded LRU map whose entries expire (lru-cache underneath), with hit/miss
 * counters and an eviction epoch: a value computed while an invalidation ran must not be
 * cached, or a revoke racing a first lookup would leave the old value behind. Callers take
 * `fillToken()` before the slow work and store with `setIfFresh`; any explicit eviction
 * (delete, deleteWhere, clear) in between makes the fill a no-op, so eviction always wins.
 */
export class BoundedTtlCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  private readonly entries: LRUCache<K, V>;
  /** Loads under way (getOrFill), with the eviction epoch they began in. */
  private readonly loading = new Map<K, { readonly token: FillToken; readonly value: Promise<V> }>();
  private evictions = 0;
  private hitCount = 0;
  private missCount = 0;

  /** Whether entries are kept at all: a TTL of 0 (or less) turns the cache off, as config values mean it. */
  private readonly enabled: boolean;

  /** `ttlMs`: how long an entry lives; 0 caches nothing; Infinity keeps entries until evicted. */
  constructor(maxEntries: number, ttlMs: number, now: () => number = () => performance.now()) {
    this.enabled = ttlMs > 0;
    // lru-cache reads a ttl of 0 as "no expiry"; ttlResolution 0 reads the clock on every
    // check, so an injected clock is exact.
    const ttl = Number.isFinite(ttlMs) ? Math.max(0, ttlMs) : 0;
    this.entries = new LRUCache<K, V>({ max: maxEntries, ttl, ttlResolution: 0, perf: { now } });
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) this.missCount++;
    else this.hitCount++;
    return value;
  }

  /** Milliseconds before `key` expires; 0 when absent or expired. */
  remainingTtl(key: K): number {
    return Math.max(0, this.entries.getRemainingTTL(key));
  }

  set(key: K, value: V, ttlMs?: number): void {
    if (!this.enabled) return;
    this.entries.set(key, value, ttlMs === undefined ? undefined : { ttl: ttlMs });
  }

  /**
   * The value from memory, or loaded once for all concurrent callers and stored unless an
   * eviction came first. A caller arriving after an eviction does not join a load begun
   * before it (that load may have read the old state): it starts its own. `since`: a token
   * taken before the caller read what the load builds on (so an eviction meanwhile wins);
   * `ttlOf`: a shorter life for some values.
   */
  getOrFill(key: K, load: () => Promise<V>, options: { since?: FillToken; ttlOf?: (value: V) => number | undefined } = {}): V | Promise<V> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const token = options.since ?? this.fillToken();
    const under = this.loading.get(key);
    if (under && under.token === token) return under.value;
    const value = load()
      .then((loaded) => {
        this.setIfFresh(key, loaded, token, options.ttlOf?.(loaded));
        return loaded;
      })
      .finally(() => {
        if (this.loading.get(key)?.value === value) this.loading.delete(key);
      });
    this.loading.set(key, { token, value });
    return value;
  }

  fillToken(): FillToken {
    return this.evictions as FillToken;
  }

  /** Stores `value` unless an eviction happened since `token` was taken; true when stored. */
  setIfFresh(key: K, value: V, token: FillToken, ttlMs?: number): boolean {
    if (token !== this.evictions) return false;
    this.set(key, value, ttlMs);
    return true;
  }

  delete(key: K): void {
    this.evictions++;
    this.entries.delete(key);
  }

  /** Drops every entry whose value matches; for invalidations by a secondary attribute. */
  deleteWhere(predicate: (value: V) => boolean): void {
    this.evictions++;
    for (const [key, value] of this.entries.entries()) {
      if (predicate(value)) this.entries.delete(key);
    }
  }

  clear(): void {
    this.evictions++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  get stats(): { hits: number; misses: number } {
    return { hits: this.hitCount, misses: this.missCount };
  }
}
