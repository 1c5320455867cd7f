import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { EnvReader } from '../config/env-reader.js';
import { loadLimitsConfig } from '../config/limits-config.js';
import type { MetricsService } from '../metrics/metrics.service.js';
import { CounterStore } from './counter-store.js';

describe('CounterStore in process', () => {
  const store = new CounterStore(
    { limits: loadLimitsConfig(new EnvReader({})) } as AppConfig,
    {} as MetricsService,
    { warn: () => undefined } as unknown as Logger,
  );

  it('counts, takes back and reads within a window', async () => {
    expect(await store.add('requests', 'k:a', 1)).toMatchObject({ consumedPoints: 1 });
    const count = await store.add('requests', 'k:a', 2);
    expect(count.consumedPoints).toBe(3);
    expect(count.msBeforeNext).toBeGreaterThan(59_000);
    store.subtract('requests', 'k:a', 2);
    expect(await store.read('requests', 'k:a')).toMatchObject({ consumedPoints: 1 });
    expect(await store.read('requests', 'k:unknown')).toBeUndefined();
  });

  it('counts concurrency slots: taken, given back, never below zero', async () => {
    expect(await store.add('concurrent', 'k:c', 1)).toMatchObject({ consumedPoints: 1 });
    expect(await store.add('concurrent', 'k:c', 1)).toMatchObject({ consumedPoints: 2 });
    store.subtract('concurrent', 'k:c', 1);
    expect(await store.read('concurrent', 'k:c')).toMatchObject({ consumedPoints: 1 });
    store.subtract('concurrent', 'k:c', 1);
    store.subtract('concurrent', 'k:c', 1);
    expect(await store.read('concurrent', 'k:c')).toBeUndefined();
    expect(await store.add('concurrent', 'k:c', 1)).toMatchObject({ consumedPoints: 1 });
  });

  it('keeps a monthly count whose window is longer than a Node timer can wait (24.8 days)', async () => {
    await store.add('monthlyDocuments', 'k:a:2026-12', 5, 31 * 24 * 3600);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.read('monthlyDocuments', 'k:a:2026-12')).toMatchObject({ consumedPoints: 5 });
  });
});

describe.each([
  ['in process', {}],
  ['in Redis', { REDIS_URL: 'redis://127.0.0.1:6379' }],
])('CounterStore exact amounts (%s)', (_store, env: Record<string, string>) => {
  const store = new CounterStore(
    { limits: loadLimitsConfig(new EnvReader({ RATE_LIMIT_REDIS_KEY_PREFIX: `rr-test-${randomUUID()}`, ...env })) } as AppConfig,
    { countLimitStoreFailure: () => undefined } as unknown as MetricsService,
    { warn: () => undefined } as unknown as Logger,
  );

  beforeAll(() => store.onModuleInit());
  afterAll(() => store.onModuleDestroy());

  it('adds amounts of 10^-15 exactly, past 2^53 units, and takes them back, carrying across the billionths', async () => {
    const key = `u:${randomUUID()}:2026-12`;
    expect(await store.readAmount(key)).toBe(0n);
    for (let i = 0; i < 10; i++) await store.addAmount(key, 100_000_000n, 3600); // ten costs of 1e-7
    expect(await store.readAmount(key)).toBe(1_000_000_000n);
    expect(await store.addAmount(key, 1n, 3600)).toBe(1_000_000_001n);
    expect(await store.addAmount(key, 2n ** 60n, 3600)).toBe(2n ** 60n + 1_000_000_001n);
    expect(await store.addAmount(key, -(2n ** 60n) - 2n, 3600)).toBe(999_999_999n);
    expect(await store.addAmount(key, -999_999_999n, 3600)).toBe(0n);
  });
});
