import pino from 'pino';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { parseAmount } from './money.js';
import type { Rollup, UsageRecord } from './usage-record.js';
import { UsageMeter } from './usage-meter.js';
import type { UsageRepository } from './usage.repository.js';

/** Stores rollups in memory, adding like the real upsert; fails while `failing` is set. */
class FakeRepository {
  readonly rows = new Map<string, Rollup>();
  failing = false;
  statements = 0;

  async add(rollups: readonly Rollup[]): Promise<void> {
    this.statements++;
    if (this.failing) throw new Error('database unavailable');
    for (const r of rollups) {
      const key = `${r.minute}/${r.apiKeyId}/${r.rerankerId}/${r.outcome}/${r.currency}`;
      const stored = this.rows.get(key);
      this.rows.set(key, stored ? { ...stored, calls: stored.calls + r.calls, documents: stored.documents + r.documents, cost: stored.cost + r.cost } : { ...r });
    }
  }

  total(field: 'calls' | 'documents'): number {
    return [...this.rows.values()].reduce((sum, row) => sum + row[field], 0);
  }
}

const MINUTE = 60_000;
const at = Date.UTC(2026, 10, 22, 7, 0, 0);

function call(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return { at, ownerId: 'u1', apiKeyId: 'k1', rerankerId: 'r1', outcome: 'ok', documents: 3, documentsRequested: 3, upstreamRequests: 1, searchUnits: 1, tokens: 0, latencyMs: 2, ...overrides };
}

describe('UsageMeter', () => {
  let repository: FakeRepository;
  let metrics: MetricsService;

  function meter(env: Record<string, string> = {}): UsageMeter {
    const config = AppConfig.fromEnv({ NODE_ENV: 'test', ...env });
    return new UsageMeter(repository as unknown as UsageRepository, config, metrics, pino({ level: 'silent' }));
  }

  async function dropped(): Promise<number> {
    return (await metrics.registry.getSingleMetric('usage_records_dropped_total')!.get()).values[0]?.value ?? 0;
  }

  beforeEach(() => {
    repository = new FakeRepository();
    metrics = new MetricsService();
  });

  it('aggregates calls per minute and key in memory, and writes one row per rollup when flushed', async () => {
    const usage = meter();
    usage.record(call({ cost: { currency: 'USD', amount: parseAmount('0.002') } }));
    usage.record(call({ at: at + 59_999, documents: 5, latencyMs: 9, cost: { currency: 'USD', amount: parseAmount('0.001') } }));
    usage.record(call({ at: at + MINUTE }));
    usage.record(call({ outcome: 'upstream_timeout' }));
    expect(repository.statements).toBe(0);
    expect(usage.unflushed(() => true)).toHaveLength(3);
    const [first] = usage.unflushed((r) => r.minute === at && r.outcome === 'ok');
    expect(first).toMatchObject({ calls: 2, documents: 8, cost: parseAmount('0.003'), currency: 'USD', latencyMsSum: 11, latencyMsMax: 9 });

    await usage.flush();
    expect(repository.statements).toBe(1);
    expect(repository.rows.size).toBe(3);
    expect(repository.total('calls')).toBe(4);
    expect(usage.unflushed(() => true)).toEqual([]);
  });

  it('drops (and counts) a call that needs a new rollup while the buffer is full; calls on held rollups still add up', async () => {
    const usage = meter({ USAGE_MAX_PENDING_KEYS: '2' });
    usage.record(call({ rerankerId: 'r1' }));
    usage.record(call({ rerankerId: 'r2' }));
    usage.record(call({ rerankerId: 'r3' }));
    usage.record(call({ rerankerId: 'r1' }));
    expect(await dropped()).toBe(1);
    await usage.flush();
    expect(repository.total('calls')).toBe(3);
    usage.record(call({ rerankerId: 'r3' }));
    await usage.flush();
    expect(repository.total('calls')).toBe(4);
  });

  it('keeps a failed batch, merged with what came since, and writes it with the next flush', async () => {
    const usage = meter();
    usage.record(call());
    repository.failing = true;
    await usage.flush();
    expect(repository.rows.size).toBe(0);
    usage.record(call());
    expect(usage.unflushed(() => true)).toEqual([expect.objectContaining({ calls: 2 })]);
    repository.failing = false;
    await usage.flush();
    expect(repository.total('calls')).toBe(2);
    expect(await dropped()).toBe(0);
  });

  it('flushes what is left at shutdown, and counts what it could not write', async () => {
    const usage = meter();
    usage.onModuleInit();
    usage.record(call());
    await usage.onApplicationShutdown();
    expect(repository.total('calls')).toBe(1);

    metrics = new MetricsService();
    const failing = meter();
    failing.record(call({ documents: 1 }));
    failing.record(call({ rerankerId: 'r2' }));
    repository.failing = true;
    await failing.onApplicationShutdown();
    expect(await dropped()).toBe(2);
  });

  it('counts rows being written as unflushed until they are stored', async () => {
    const usage = meter();
    usage.record(call());
    let release!: () => void;
    repository.add = async function (this: FakeRepository, rollups) {
      await new Promise<void>((resolve) => (release = resolve));
      return FakeRepository.prototype.add.call(this, rollups);
    };
    const flushing = usage.flush();
    await Promise.resolve();
    expect(usage.unflushed(() => true)).toHaveLength(1);
    usage.record(call({ at: at + MINUTE }));
    expect(usage.unflushed(() => true)).toHaveLength(2);
    release();
    await flushing;
    expect(usage.unflushed(() => true)).toHaveLength(1);
  });
});
