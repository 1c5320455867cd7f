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
