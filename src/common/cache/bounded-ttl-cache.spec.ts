import { BoundedTtlCache } from './bounded-ttl-cache.js';

describe('BoundedTtlCache', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000;
  });

  it('returns values until they are older than their TTL', () => {
    const cache = new BoundedTtlCache<string, number>(10, 100, clock);
    cache.set('a', 1);
    now += 100;
    expect(cache.get('a')).toBe(1);
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry past its bound', () => {
    const cache = new BoundedTtlCache<string, number>(2, 1_000, clock);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('deletes by predicate and counts hits and misses', () => {
    const cache = new BoundedTtlCache<string, { user: string }>(10, 1_000, clock);
    cache.set('k1', { user: 'u1' });
    cache.set('k2', { user: 'u2' });
    cache.deleteWhere((v) => v.user === 'u1');
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k2')).toEqual({ user: 'u2' });
    expect(cache.stats).toEqual({ hits: 1, misses: 1 });
  });

  it('drops a fill that raced an eviction, so eviction always wins', () => {
    const cache = new BoundedTtlCache<string, number>(10, 1_000, clock);
    const raced = cache.fillToken();
    cache.delete('a');
    expect(cache.setIfFresh('a', 1, raced)).toBe(false);
    expect(cache.get('a')).toBeUndefined();
    const clean = cache.fillToken();
    expect(cache.setIfFresh('a', 2, clean)).toBe(true);
    expect(cache.get('a')).toBe(2);
    expect(cache.remainingTtl('a')).toBe(1_000);
  });

  it('caches nothing with a TTL of 0 (a config value of 0 turns a cache off)', () => {
    const cache = new BoundedTtlCache<string, number>(10, 0, clock);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps entries until evicted with an infinite TTL', () => {
    const cache = new BoundedTtlCache<string, number>(10, Infinity, clock);
    cache.set('a', 1);
    now += 1e12;
    expect(cache.get('a')).toBe(1);
  });

  it('loads once for concurrent callers and keeps the value; a caller after an eviction starts its own load', async () => {
    const cache = new BoundedTtlCache<string, number>(10, 1_000, clock);
    const releases: Array<(value: number) => void> = [];
    const load = () => new Promise<number>((resolve) => releases.push(resolve));
    const first = cache.getOrFill('a', load);
    const joined = cache.getOrFill('a', load);
    expect(joined).toBe(first);
    expect(releases).toHaveLength(1);

    cache.delete('a');
    const after = cache.getOrFill('a', load);
    expect(releases).toHaveLength(2);
    releases[0]!(1);
    expect(await first).toBe(1);
    expect(cache.get('a')).toBeUndefined();
    releases[1]!(2);
    expect(await after).toBe(2);
    expect(cache.getOrFill('a', load)).toBe(2);
    expect(releases).toHaveLength(2);
  });

  it('lets a failed load be tried again by the next caller', async () => {
    const cache = new BoundedTtlCache<string, number>(10, 1_000, clock);
    await expect(cache.getOrFill('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.getOrFill('a', () => Promise.resolve(3))).toBe(3);
  });
});
