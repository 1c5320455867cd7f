import { ConfigError } from './config-error.js';
import type { EnvReader } from './env-reader.js';
import { Secret } from './secret.js';

/** The five limits a user or an API key has; 0 means unlimited. */
export interface LimitValues {
  readonly requestsPerMinute: number;
  readonly documentsPerMinute: number;
  readonly concurrentCalls: number;
  readonly monthlyDocuments: number;
  /** In the cost unit of the usage meter (the rerankers' pricing currency). */
  readonly monthlyCost: number;
}

/** Largest monthly document quota and cost the API and the configuration take. */
export const MAX_MONTHLY_DOCUMENTS = 1e15;
export const MAX_MONTHLY_COST = 1e9;
/** Cost is counted in millionths (the counters hold integers). */
export const COST_DECIMALS = 6;
export const MAX_PER_MINUTE = 2_000_000_000;

/** When the Redis store cannot be reached: count in process meanwhile (`open`), or refuse calls with 503 (`closed`). */
export type StoreFailureMode = 'open' | 'closed';

export interface RedisLimitsConfig {
  readonly url: Secret<string>;
  readonly onFailure: StoreFailureMode;
  /** Deadline of one Redis command; a slower answer counts as a failure. */
  readonly commandTimeoutMs: number;
  /** Prefix of every key the limits write, so several deployments (or test runs) can share one Redis. */
  readonly keyPrefix: string;
  /**
   * How long a concurrency slot held in Redis lives without renewal: its instance renews it
   * every third of this while the call runs, so a slot whose instance died (or whose release
   * Redis missed) is counted at most this long.
   */
  readonly concurrencyLeaseMs: number;
}

export interface LimitsConfig {
  /** Applied to every user and, separately, to every API key, unless overridden. */
  readonly defaults: LimitValues;
  /** Counters live in Redis when set (shared by all instances); in process otherwise. */
  readonly redis: RedisLimitsConfig | undefined;
  /** How long a subject's limits are kept in memory (changes evict them at once, on every instance). */
  readonly cacheTtlMs: number;
  readonly cacheMaxEntries: number;
}

export function loadLimitsConfig(env: EnvReader): LimitsConfig {
  return {
    defaults: {
      requestsPerMinute: env.integer('RATE_LIMIT_REQUESTS_PER_MINUTE', 0, { min: 0, max: MAX_PER_MINUTE }),
      documentsPerMinute: env.integer('RATE_LIMIT_DOCUMENTS_PER_MINUTE', 0, { min: 0, max: MAX_PER_MINUTE }),
      concurrentCalls: env.integer('RATE_LIMIT_CONCURRENT_CALLS', 0, { min: 0, max: MAX_PER_MINUTE }),
      monthlyDocuments: env.integer('RATE_LIMIT_MONTHLY_DOCUMENTS', 0, { min: 0, max: MAX_MONTHLY_DOCUMENTS }),
      monthlyCost: parseCost(env.raw('RATE_LIMIT_MONTHLY_COST')),
    },
    redis: loadRedisConfig(env),
    cacheTtlMs: env.integer('RATE_LIMIT_CACHE_TTL_MS', 300_000, { min: 0, max: 86_400_000 }),
    cacheMaxEntries: env.integer('RATE_LIMIT_CACHE_MAX_ENTRIES', 20_000, { min: 1, max: 1_000_000 }),
  };
}

function loadRedisConfig(env: EnvReader): RedisLimitsConfig | undefined {
  const onFailure = env.oneOf<StoreFailureMode>('RATE_LIMIT_REDIS_FAILURE', ['open', 'closed'], 'open');
  const commandTimeoutMs = env.integer('RATE_LIMIT_REDIS_TIMEOUT_MS', 250, { min: 10, max: 60_000 });
  const keyPrefix = env.string('RATE_LIMIT_REDIS_KEY_PREFIX', 'rr:limits');
  const concurrencyLeaseMs = env.integer('RATE_LIMIT_CONCURRENCY_LEASE_MS', 30_000, { min: 1_000, max: 3_600_000 });
  const url = env.raw('REDIS_URL');
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('REDIS_URL', 'is not a valid URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');
  }
  return { url: new Secret(url), onFailure, commandTimeoutMs, keyPrefix, concurrencyLeaseMs };
}

function parseCost(value: string | undefined): number {
  if (value === undefined) return 0;
  const decimals = new RegExp(`^\\d+(\\.\\d{1,${COST_DECIMALS}})?$`);
  if (!decimals.test(value) || Number(value) > MAX_MONTHLY_COST) {
    throw new ConfigError('RATE_LIMIT_MONTHLY_COST', `must be a number from 0 to ${MAX_MONTHLY_COST} with at most ${COST_DECIMALS} decimals, got "${value}"`);
  }
  return Number(value);
}
