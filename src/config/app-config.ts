import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { loadBuiltinConfig, type BuiltinConfig } from './builtin-config.js';
import { largestAnswerBytes } from './byte-budget-rule.js';
import { ConfigError } from './config-error.js';
import { EnvReader, type Env } from './env-reader.js';
import { loadConsoleConfig, type ConsoleConfig } from './console-config.js';
import { loadPriceList } from './price-list-config.js';
import { loadLimitsConfig, type LimitsConfig } from './limits-config.js';
import { Secret } from './secret.js';
import { loadSecretSourcesConfig, type SecretSourcesConfig } from './secret-sources-config.js';
import { loadSecretsConfig, type SecretsConfig } from './secrets-config.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface HttpConfig {
  readonly host: string;
  readonly port: number;
  readonly bodyLimitBytes: number;
  readonly shutdownGraceMs: number;
  /** How long a client may take to send a whole request (headers and body); later: 408 REQUEST_TIMEOUT. */
  readonly requestTimeoutMs: number;
  /** Connections one client address may hold open at once; more are answered 429 and closed. 0: no cap (behind a proxy that has its own). */
  readonly maxConnectionsPerAddress: number;
}

export interface DatabaseConfig {
  /** PostgreSQL connection string; undefined means the embedded PGlite database. */
  readonly url: Secret<string> | undefined;
  readonly dataDir: string;
  readonly poolSize: number;
  readonly migrateOnStart: boolean;
}

export interface AuthConfig {
  /** How long a verified API key is trusted without argon2 (revocations evict at once). */
  readonly cacheTtlMs: number;
  readonly cacheMaxEntries: number;
  /** How long a rejected key is answered from memory (no DB, no argon2). */
  readonly negativeCacheTtlMs: number;
  /**
   * argon2 runs at once (verifying presented keys and hashing new ones, one pool); the rest
   * queue. Below libuv's threadpool size, so DNS lookups (which share the pool) always find a
   * free thread.
   */
  readonly maxConcurrentVerifications: number;
  /** argon2 runs waiting for a slot, per kind (verifications, key creations); beyond it requests are shed with 503 UNAVAILABLE. */
  readonly maxQueuedVerifications: number;
  /** Active (not revoked, not expired) API keys one user may hold; another is refused with 409 LIMIT_REACHED. */
  readonly maxKeysPerUser: number;
  /** API keys one user may create per minute (for anyone), per instance; more get 429 RATE_LIMITED. */
  readonly keyCreationsPerMinute: number;
  /** Failed verifications per key id, then per client address, within failureWindowMs -> 429. */
  readonly maxFailuresPerKey: number;
  readonly maxFailuresPerAddress: number;
  readonly failureWindowMs: number;
  /** Each further attempt on a key id with failures waits this long per failure (tarpit). */
  readonly failureDelayMs: number;
  /** Bootstrap token for POST /v1/system/init; required in production, and wherever it is set. */
  readonly initToken: Secret<string> | undefined;
  /** Cost of hashing a new key's secret; a stored hash carries its own, so changing it never breaks a key. */
  readonly argon2: Argon2Config;
}

/** argon2id cost parameters (parallelism stays 1: one libuv thread per verification). */
export interface Argon2Config {
  readonly memoryKib: number;
  readonly timeCost: number;
}

export interface EgressConfig {
  /** Loopback and private ranges become reachable (a local TEI, a cluster-internal vLLM). */
  readonly allowPrivate: boolean;
  /** Extra CIDRs that are reachable even though private (never the always-blocked ones). */
  readonly allowCidrs: readonly string[];
}

export interface UpstreamConfig {
  readonly defaultTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxRetries: number;
  readonly batchConcurrency: number;
  readonly circuitFailureThreshold: number;
  readonly circuitCooldownMs: number;
  readonly connectionsPerOrigin: number;
  /** Upstream calls in flight at once, across all rerankers; more are shed with 503. */
  readonly maxInFlight: number;
  /** Of maxInFlight, what the calls of one user (all its keys together) may hold; more get 429. */
  readonly maxInFlightPerUser: number;
  /** Of maxInFlightPerUser, what the calls of one API key may hold; more get 429. */
  readonly maxInFlightPerKey: number;
  /** Bytes of upstream answers being read at once, across all calls; over it, calls are shed with 503. */
  readonly maxBufferedBytes: number;
  /** Of maxBufferedBytes, what the calls of one user may hold; over it, 429. */
  readonly maxBufferedBytesPerUser: number;
  /** Of maxBufferedBytesPerUser, what the calls of one API key may hold; over it, 429. */
  readonly maxBufferedBytesPerKey: number;
  /** Keep-alive pools kept (one per upstream origin); the least recently used is closed beyond it. */
  readonly maxPools: number;
}

export interface RerankConfig {
  readonly maxDocuments: number;
  /** How long a resolved reranker (with its decrypted credential) is served from memory. */
  readonly targetCacheTtlMs: number;
  readonly targetCacheMaxEntries: number;
}

export interface AuditConfig {
  /** Events older than this are deleted; 0 keeps them forever. */
  readonly retentionDays: number;
}

export interface UsageConfig {
  /** How often the usage aggregated in memory is written to the database. */
  readonly flushIntervalMs: number;
  /** Rollup rows held in memory at most; a call that would need another is dropped (and counted). */
  readonly maxPendingKeys: number;
  /** What calls to unpriced rerankers cost, per provider and model (PRICE_LIST, PRICE_LIST_FILE); checked by usage's PriceList. */
  readonly priceList: Readonly<Record<string, unknown>> | undefined;
}

export interface MetricsConfig {
  /** When set, /metrics is also served without authentication on this port. */
  readonly port: number | undefined;
  readonly host: string;
}

/**
 * The one typed configuration object, built and validated once at boot. Anything
 * invalid throws a ConfigError naming the variable, which stops the process.
 */
export class AppConfig {
  readonly production: boolean;
  readonly logLevel: LogLevel;
  readonly http: HttpConfig;
  readonly database: DatabaseConfig;
  readonly secrets: SecretsConfig;
  /** vault:// and file:// secret references. */
  readonly secretSources: SecretSourcesConfig;
  readonly auth: AuthConfig;
  readonly egress: EgressConfig;
  readonly upstream: UpstreamConfig;
  readonly rerank: RerankConfig;
  readonly metrics: MetricsConfig;
  readonly audit: AuditConfig;
  readonly usage: UsageConfig;
  /** Rate limits and monthly quotas: defaults, and where the counters live. */
  readonly limits: LimitsConfig;
  /** The built-in rankers (LEXICAL, LOCAL): worker pool, queue, model store. */
  readonly builtin: BuiltinConfig;
  /** The admin console and its sign-in sessions. */
  readonly console: ConsoleConfig;

  private constructor(env: EnvReader) {
    this.production = env.oneOf('NODE_ENV', ['development', 'production', 'test'], 'development') === 'production';
    this.logLevel = env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
    this.http = {
      host: env.string('HOST', '127.0.0.1'),
      port: env.integer('PORT', 8080, { min: 0, max: 65535 }),
      bodyLimitBytes: env.integer('BODY_LIMIT_BYTES', 16 * 1024 * 1024, { min: 1024, max: 1024 ** 3 }),
      shutdownGraceMs: env.integer('SHUTDOWN_GRACE_MS', 10_000, { min: 0, max: 300_000 }),
      requestTimeoutMs: env.integer('HTTP_REQUEST_TIMEOUT_MS', 30_000, { min: 100, max: 3_600_000 }),
      maxConnectionsPerAddress: env.integer('HTTP_MAX_CONNECTIONS_PER_ADDRESS', 256, { min: 0, max: 1_000_000 }),
    };
    this.database = {
      url: parseDatabaseUrl(env.raw('DATABASE_URL')),
      dataDir: resolve(env.string('DATA_DIR', './.data')),
      poolSize: env.integer('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 }),
      migrateOnStart: env.boolean('MIGRATE_ON_START', true),
    };
    this.secrets = loadSecretsConfig(env, this.database.dataDir, this.production);
    this.secretSources = loadSecretSourcesConfig(env);
    this.auth = {
      cacheTtlMs: env.integer('AUTH_CACHE_TTL_MS', 60_000, { min: 0, max: 3_600_000 }),
      cacheMaxEntries: env.integer('AUTH_CACHE_MAX_ENTRIES', 10_000, { min: 1, max: 1_000_000 }),
      negativeCacheTtlMs: env.integer('AUTH_NEGATIVE_CACHE_TTL_MS', 5_000, { min: 0, max: 600_000 }),
      maxConcurrentVerifications: env.integer('AUTH_MAX_CONCURRENT_VERIFICATIONS', 2, {
        min: 1,
        max: threadpoolSize(env) - 1,
      }),
      maxQueuedVerifications: env.integer('AUTH_MAX_QUEUED_VERIFICATIONS', 16, { min: 0, max: 10_000 }),
      maxKeysPerUser: env.integer('AUTH_MAX_KEYS_PER_USER', 100, { min: 1, max: 1_000_000 }),
      keyCreationsPerMinute: env.integer('AUTH_KEY_CREATIONS_PER_MINUTE', 60, { min: 1, max: 1_000_000 }),
      maxFailuresPerKey: env.integer('AUTH_MAX_FAILURES_PER_KEY', 5, { min: 1, max: 1_000_000 }),
      maxFailuresPerAddress: env.integer('AUTH_MAX_FAILURES_PER_ADDRESS', 100, { min: 1, max: 1_000_000 }),
      failureWindowMs: env.integer('AUTH_FAILURE_WINDOW_MS', 60_000, { min: 1_000, max: 86_400_000 }),
      failureDelayMs: env.integer('AUTH_FAILURE_DELAY_MS', 1_000, { min: 0, max: 60_000 }),
      initToken: parseInitToken(env.raw('SYSTEM_INIT_TOKEN')),
      argon2: loadArgon2Config(env, this.production),
    };
    this.egress = {
      allowPrivate: env.boolean('EGRESS_ALLOW_PRIVATE', false),
      allowCidrs: env.list('EGRESS_ALLOW_CIDRS').map((cidr) => parseCidr('EGRESS_ALLOW_CIDRS', cidr)),
    };
    const maxResponseBytes = env.integer('UPSTREAM_MAX_RESPONSE_BYTES', 32 * 1024 * 1024, { min: 1024, max: 1024 ** 3 });
    this.upstream = {
      defaultTimeoutMs: env.integer('UPSTREAM_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 }),
      connectTimeoutMs: env.integer('UPSTREAM_CONNECT_TIMEOUT_MS', 5_000, { min: 50, max: 60_000 }),
      maxResponseBytes,
      maxRetries: env.integer('UPSTREAM_MAX_RETRIES', 2, { min: 0, max: 2 }),
      batchConcurrency: env.integer('UPSTREAM_BATCH_CONCURRENCY', 4, { min: 1, max: 64 }),
      circuitFailureThreshold: env.integer('CIRCUIT_FAILURE_THRESHOLD', 5, { min: 1, max: 1000 }),
      circuitCooldownMs: env.integer('CIRCUIT_COOLDOWN_MS', 30_000, { min: 100, max: 3_600_000 }),
      connectionsPerOrigin: env.integer('UPSTREAM_CONNECTIONS_PER_ORIGIN', 64, { min: 1, max: 4096 }),
      maxPools: env.integer('UPSTREAM_MAX_POOLS', 256, { min: 1, max: 100_000 }),
      ...loadUpstreamShares(env, maxResponseBytes),
    };
    this.rerank = {
      maxDocuments: env.integer('RERANK_MAX_DOCUMENTS', 10_000, { min: 1, max: 100_000 }),
      targetCacheTtlMs: env.integer('RERANKER_CACHE_TTL_MS', 300_000, { min: 0, max: 86_400_000 }),
      targetCacheMaxEntries: env.integer('RERANKER_CACHE_MAX_ENTRIES', 10_000, { min: 1, max: 1_000_000 }),
    };
    this.metrics = {
      port: env.raw('METRICS_PORT') === undefined ? undefined : env.integer('METRICS_PORT', 0, { min: 0, max: 65535 }),
      host: env.string('METRICS_HOST', '127.0.0.1'),
    };
    this.audit = { retentionDays: env.integer('AUDIT_RETENTION_DAYS', 365, { min: 0, max: 36_500 }) };
    this.usage = {
      flushIntervalMs: env.integer('USAGE_FLUSH_INTERVAL_MS', 10_000, { min: 100, max: 3_600_000 }),
      maxPendingKeys: env.integer('USAGE_MAX_PENDING_KEYS', 100_000, { min: 1, max: 10_000_000 }),
      priceList: loadPriceList(env),
    };
    this.limits = loadLimitsConfig(env);
    this.builtin = loadBuiltinConfig(env, this.database.dataDir, this.production);
    this.console = loadConsoleConfig(env);
  }

  static fromEnv(env: Env = process.env): AppConfig {
    return new AppConfig(new EnvReader(env));
  }
}

type UpstreamShares = Pick<UpstreamConfig, 'maxInFlight' | 'maxInFlightPerUser' | 'maxInFlightPerKey' | 'maxBufferedBytes' | 'maxBufferedBytesPerUser' | 'maxBufferedBytesPerKey'>;

/**
 * The shared upstream budgets and the shares of them one user and one key may hold. By
 * default a user holds an eighth of the calls in flight and a quarter of the answer bytes,
 * a key half of its user's: one tenant whose upstream never answers cannot take what the
 * others need, and one leaked key cannot take all of its user's. Each byte budget must hold
 * one answer of the largest size allowed beside the eighth it keeps for small answers.
 */
function loadUpstreamShares(env: EnvReader, maxResponseBytes: number): UpstreamShares {
  const maxInFlight = env.integer('UPSTREAM_MAX_IN_FLIGHT', 1024, { min: 1, max: 1_000_000 });
  const maxInFlightPerUser = env.integer('UPSTREAM_MAX_IN_FLIGHT_PER_USER', Math.max(1, Math.floor(maxInFlight / 8)), { min: 1, max: maxInFlight });
  const maxInFlightPerKey = env.integer('UPSTREAM_MAX_IN_FLIGHT_PER_KEY', Math.ceil(maxInFlightPerUser / 2), { min: 1, max: maxInFlightPerUser });
  const oneAnswer = smallestBudgetFor(maxResponseBytes);
  const maxBufferedBytes = env.integer('UPSTREAM_MAX_BUFFERED_BYTES', 256 * 1024 * 1024, { min: 64 * 1024, max: 64 * 1024 ** 3 });
  assertOneAnswerFits('UPSTREAM_MAX_BUFFERED_BYTES', maxBufferedBytes, maxResponseBytes);
  const defaultPerUser = Math.min(maxBufferedBytes, Math.max(oneAnswer, Math.floor(maxBufferedBytes / 4)));
  const maxBufferedBytesPerUser = env.integer('UPSTREAM_MAX_BUFFERED_BYTES_PER_USER', defaultPerUser, { min: oneAnswer, max: maxBufferedBytes });
  const defaultPerKey = Math.min(maxBufferedBytesPerUser, Math.max(oneAnswer, Math.floor(maxBufferedBytesPerUser / 2)));
  const maxBufferedBytesPerKey = env.integer('UPSTREAM_MAX_BUFFERED_BYTES_PER_KEY', defaultPerKey, { min: oneAnswer, max: maxBufferedBytesPerUser });
  return { maxInFlight, maxInFlightPerUser, maxInFlightPerKey, maxBufferedBytes, maxBufferedBytesPerUser, maxBufferedBytesPerKey };
}

/** The smallest byte budget that holds one answer of `answerBytes` plus the eighth kept for small answers. */
function smallestBudgetFor(answerBytes: number): number {
  let bytes = Math.ceil((answerBytes * 8) / 7);
  while (largestAnswerBytes(bytes) < answerBytes) bytes++;
  return bytes;
}

/** One answer of the largest size allowed must fit in a byte budget (less its small-answer reserve). */
function assertOneAnswerFits(variable: string, budgetBytes: number, maxResponseBytes: number): void {
  if (maxResponseBytes > largestAnswerBytes(budgetBytes)) {
    throw new ConfigError(
      variable,
      `must hold one UPSTREAM_MAX_RESPONSE_BYTES answer (${maxResponseBytes}) plus the eighth kept for small answers: at least ${smallestBudgetFor(maxResponseBytes)}`,
    );
  }
}

/** libuv's threadpool size, fixed when the process starts (UV_THREADPOOL_SIZE, default 4). */
function threadpoolSize(env: EnvReader): number {
  return env.integer('UV_THREADPOOL_SIZE', 4, { min: 2, max: 1024 });
}

/**
 * Production refuses less than OWASP's argon2id minimum (19 MiB, t=2, p=1). Elsewhere the floor
 * is argon2's own (8 KiB per lane, t=1), so tests can hash in a millisecond.
 */
const ARGON2_PRODUCTION_FLOOR = { memoryKib: 19 * 1024, timeCost: 2 } as const;

function loadArgon2Config(env: EnvReader, production: boolean): Argon2Config {
  const argon2 = {
    memoryKib: env.integer('AUTH_ARGON2_MEMORY_KIB', 64 * 1024, { min: 8, max: 4 * 1024 * 1024 }),
    timeCost: env.integer('AUTH_ARGON2_TIME_COST', 3, { min: 1, max: 100 }),
  };
  if (production) {
    if (argon2.memoryKib < ARGON2_PRODUCTION_FLOOR.memoryKib) {
      throw new ConfigError(
        'AUTH_ARGON2_MEMORY_KIB',
        `must be at least ${ARGON2_PRODUCTION_FLOOR.memoryKib} (19 MiB, OWASP's argon2id minimum) when NODE_ENV=production, got ${argon2.memoryKib}`,
      );
    }
    if (argon2.timeCost < ARGON2_PRODUCTION_FLOOR.timeCost) {
      throw new ConfigError(
        'AUTH_ARGON2_TIME_COST',
        `must be at least ${ARGON2_PRODUCTION_FLOOR.timeCost} (OWASP's argon2id minimum) when NODE_ENV=production, got ${argon2.timeCost}`,
      );
    }
  }
  return argon2;
}

const MIN_INIT_TOKEN_LENGTH = 16;

function parseInitToken(value: string | undefined): Secret<string> | undefined {
  if (value === undefined) return undefined;
  if (value.length < MIN_INIT_TOKEN_LENGTH) {
    throw new ConfigError('SYSTEM_INIT_TOKEN', `must be at least ${MIN_INIT_TOKEN_LENGTH} characters (openssl rand -base64 32)`);
  }
  return new Secret(value);
}

function parseCidr(variable: string, cidr: string): string {
  const [address, bits, extra] = cidr.split('/');
  const family = address ? isIP(address) : 0;
  const max = family === 6 ? 128 : 32;
  if (!family || extra !== undefined || !/^\d{1,3}$/.test(bits ?? '') || Number(bits) > max) {
    throw new ConfigError(variable, `holds "${cidr}", which is not a CIDR like 10.0.0.0/8 or fd00::/8`);
  }
  return cidr;
}

function parseDatabaseUrl(value: string | undefined): Secret<string> | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }
  return new Secret(value);
}
