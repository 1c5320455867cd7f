import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { AppConfig } from './app-config.js';
import { ConfigError } from './config-error.js';
import { KEY_FILE_NAME } from './secrets-config.js';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');

describe('AppConfig', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'rr-config-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const load = (env: Record<string, string>) => AppConfig.fromEnv({ DATA_DIR: dataDir, ...env });

  function expectConfigError(env: Record<string, string>, variable: string, problem: RegExp): void {
    let caught: unknown;
    try {
      load(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toContain(variable);
    expect((caught as ConfigError).message).toMatch(problem);
  }

  it('has working defaults: port 8080 on 127.0.0.1, embedded database, info logs', () => {
    const config = load({});
    expect(config.http).toMatchObject({ port: 8080, host: '127.0.0.1' });
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe(dataDir);
    expect(config.logLevel).toBe('info');
    expect(config.production).toBe(false);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT', /integer/],
    [{ PORT: '70000' }, 'PORT', /between 0 and 65535/],
    [{ BODY_LIMIT_BYTES: '-1' }, 'BODY_LIMIT_BYTES', /between/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV', /one of/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL', /postgres/],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', /valid URL/],
    [{ MIGRATE_ON_START: 'maybe' }, 'MIGRATE_ON_START', /true or false/],
    [{ SECRETS_ENCRYPTION_KEY: 'c2hvcnQ=', SECRETS_FINGERPRINT_KEY: KEY_A }, 'SECRETS_ENCRYPTION_KEY', /32 bytes/],
    [{ SECRETS_ENCRYPTION_KEY: `bad id:${KEY_A}`, SECRETS_FINGERPRINT_KEY: KEY_A }, 'SECRETS_ENCRYPTION_KEY', /key id/],
    [{ SECRETS_ENCRYPTION_KEY: `a:${KEY_A},a:${KEY_B}`, SECRETS_FINGERPRINT_KEY: KEY_A }, 'SECRETS_ENCRYPTION_KEY', /repeats/],
    [{ SYSTEM_INIT_TOKEN: 'short' }, 'SYSTEM_INIT_TOKEN', /at least 16 characters/],
    // argon2 must leave libuv threads for DNS lookups.
    [{ AUTH_MAX_CONCURRENT_VERIFICATIONS: '4' }, 'AUTH_MAX_CONCURRENT_VERIFICATIONS', /between 1 and 3/],
  ])('refuses %j naming %s', (env, variable, problem) => {
    expectConfigError(env, variable, problem);
  });

  describe('isolation between tenants (issue 19)', () => {
    it('protects a multi-tenant deployment by default: shares of the upstream budgets, request and connection bounds, key creation bounds', () => {
      const config = load({});
      expect(config.upstream).toMatchObject({
        maxInFlight: 1024,
        maxInFlightPerUser: 128,
        maxInFlightPerKey: 64,
        maxBufferedBytes: 256 * 1024 ** 2,
        maxBufferedBytesPerUser: 64 * 1024 ** 2,
        // Half the user's share would not hold one 32 MiB answer beside the small-answer eighth.
        maxBufferedBytesPerKey: Math.ceil((32 * 1024 ** 2 * 8) / 7),
      });
      expect(config.http).toMatchObject({ requestTimeoutMs: 30_000, maxConnectionsPerAddress: 256 });
      expect(config.auth).toMatchObject({ maxKeysPerUser: 100, keyCreationsPerMinute: 60 });
      expect(load({ REDIS_URL: 'redis://127.0.0.1:6379' }).limits.redis?.concurrencyLeaseMs).toBe(30_000);
    });

    it('derives the shares from a smaller budget, never below one call or one answer', () => {
      const config = load({ UPSTREAM_MAX_IN_FLIGHT: '6', UPSTREAM_MAX_RESPONSE_BYTES: String(1024 * 1024), UPSTREAM_MAX_BUFFERED_BYTES: String(2 * 1024 * 1024) });
      expect(config.upstream).toMatchObject({ maxInFlightPerUser: 1, maxInFlightPerKey: 1 });
      expect(config.upstream.maxBufferedBytesPerKey).toBeGreaterThanOrEqual(Math.ceil((1024 * 1024 * 8) / 7));
    });

    it.each([
      [{ UPSTREAM_MAX_IN_FLIGHT: '8', UPSTREAM_MAX_IN_FLIGHT_PER_USER: '9' }, 'UPSTREAM_MAX_IN_FLIGHT_PER_USER', /between 1 and 8/],
      [{ UPSTREAM_MAX_IN_FLIGHT_PER_USER: '10', UPSTREAM_MAX_IN_FLIGHT_PER_KEY: '11' }, 'UPSTREAM_MAX_IN_FLIGHT_PER_KEY', /between 1 and 10/],
      [{ UPSTREAM_MAX_BUFFERED_BYTES_PER_USER: String(32 * 1024 ** 2) }, 'UPSTREAM_MAX_BUFFERED_BYTES_PER_USER', /between/],
      [{ UPSTREAM_MAX_BUFFERED_BYTES: String(32 * 1024 ** 2) }, 'UPSTREAM_MAX_BUFFERED_BYTES', /must hold one UPSTREAM_MAX_RESPONSE_BYTES answer/],
      [{ HTTP_REQUEST_TIMEOUT_MS: '10' }, 'HTTP_REQUEST_TIMEOUT_MS', /between 100/],
      [{ AUTH_MAX_KEYS_PER_USER: '0' }, 'AUTH_MAX_KEYS_PER_USER', /between 1/],
      [{ REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMIT_CONCURRENCY_LEASE_MS: '500' }, 'RATE_LIMIT_CONCURRENCY_LEASE_MS', /between 1000/],
    ])('refuses %j naming %s', (env, variable, problem) => {
      expectConfigError(env, variable, problem);
    });
  });

  it('refuses to start in production without encryption keys', () => {
    expectConfigError({ NODE_ENV: 'production' }, 'SECRETS_ENCRYPTION_KEY', /required when NODE_ENV=production/);
    expectConfigError(
      { NODE_ENV: 'production', SECRETS_ENCRYPTION_KEY: KEY_A },
      'SECRETS_FINGERPRINT_KEY',
      /required/,
    );
  });

  it('generates a 0600 key file in DATA_DIR outside production and reuses it on the next boot', () => {
    const first = load({});
    const path = join(dataDir, KEY_FILE_NAME);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(first.secrets.source).toBe('key-file');
    const second = load({});
    expect(second.secrets.encryptionKeys[0]!.key.reveal()).toEqual(first.secrets.encryptionKeys[0]!.key.reveal());
    expect(second.secrets.fingerprintKey.reveal()).toEqual(first.secrets.fingerprintKey.reveal());
    expect(readFileSync(path, 'utf8')).toContain(first.secrets.fingerprintKey.reveal().toString('base64'));
  });

  it('reads several encryption keys, the first one active', () => {
    const config = load({ SECRETS_ENCRYPTION_KEY: `new:${KEY_B}, old:${KEY_A}`, SECRETS_FINGERPRINT_KEY: KEY_A });
    expect(config.secrets.encryptionKeys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(config.secrets.source).toBe('environment');
  });

  it('lets argon2 use more threads when the threadpool is larger', () => {
    expect(load({ UV_THREADPOOL_SIZE: '8', AUTH_MAX_CONCURRENT_VERIFICATIONS: '7' }).auth.maxConcurrentVerifications).toBe(7);
  });

  describe('argon2 cost of new API keys', () => {
    const PRODUCTION = { NODE_ENV: 'production', SECRETS_ENCRYPTION_KEY: KEY_A, SECRETS_FINGERPRINT_KEY: KEY_B };

    it("defaults to 64 MiB, t=3, in every environment", () => {
      expect(load({}).auth.argon2).toEqual({ memoryKib: 65_536, timeCost: 3 });
      expect(load(PRODUCTION).auth.argon2).toEqual({ memoryKib: 65_536, timeCost: 3 });
    });

    it("takes argon2's own floor outside production (cheap hashes for tests)", () => {
      expect(load({ AUTH_ARGON2_MEMORY_KIB: '8', AUTH_ARGON2_TIME_COST: '1' }).auth.argon2).toEqual({ memoryKib: 8, timeCost: 1 });
    });

    it("takes OWASP's argon2id minimum (19 MiB, t=2) in production", () => {
      const config = load({ ...PRODUCTION, AUTH_ARGON2_MEMORY_KIB: '19456', AUTH_ARGON2_TIME_COST: '2' });
      expect(config.auth.argon2).toEqual({ memoryKib: 19_456, timeCost: 2 });
    });

    it.each<[Record<string, string>, string, RegExp]>([
      [{ AUTH_ARGON2_MEMORY_KIB: '19455' }, 'AUTH_ARGON2_MEMORY_KIB', /at least 19456 .*NODE_ENV=production, got 19455/],
      [{ AUTH_ARGON2_TIME_COST: '1' }, 'AUTH_ARGON2_TIME_COST', /at least 2 .*NODE_ENV=production, got 1/],
    ])('refuses weaker parameters in production: %j naming %s', (env, variable, problem) => {
      expectConfigError({ ...PRODUCTION, ...env }, variable, problem);
    });

    it.each<[Record<string, string>, string, RegExp]>([
      [{ AUTH_ARGON2_MEMORY_KIB: '7' }, 'AUTH_ARGON2_MEMORY_KIB', /between 8 and/],
      [{ AUTH_ARGON2_TIME_COST: '0' }, 'AUTH_ARGON2_TIME_COST', /between 1 and/],
      [{ AUTH_ARGON2_MEMORY_KIB: '64MiB' }, 'AUTH_ARGON2_MEMORY_KIB', /integer/],
    ])("refuses what argon2 cannot run anywhere: %j naming %s", (env, variable, problem) => {
      expectConfigError(env, variable, problem);
    });
  });

  it('never shows secrets when the config is logged or serialized', () => {
    const config = load({
      SYSTEM_INIT_TOKEN: 'init-token-0123456789abcdef',
      DATABASE_URL: 'postgresql://app:hunter2@db:5432/app',
      SECRETS_ENCRYPTION_KEY: KEY_A,
      SECRETS_FINGERPRINT_KEY: KEY_B,
    });
    const shown = JSON.stringify(config) + inspect(config, { depth: 10 });
    expect(shown).not.toContain('hunter2');
    expect(shown).not.toContain(KEY_A);
    expect(shown).not.toContain(KEY_B);
    expect(shown).not.toContain('init-token-0123456789abcdef');
  });
  describe('secret reference sources (vault://, file://)', () => {
    it('leaves Vault and file:// off by default, with a 5 minute secret cache', () => {
      expect(load({}).secretSources).toEqual({ vault: undefined, fileDirs: [], cacheTtlMs: 300_000, rereadCooldownMs: 30_000, fileTimeoutMs: 2_000 });
    });

    it('reads Vault with a token or an AppRole, an origin-only address and directories without trailing slashes', () => {
      const token = load({ VAULT_ADDR: 'https://vault.internal:8200/', VAULT_TOKEN: 'hvs.abc', VAULT_NAMESPACE: 'team-a', SECRET_FILE_DIRS: '/var/run/secrets/, /etc/rr' });
      expect(token.secretSources.vault).toMatchObject({ address: 'https://vault.internal:8200', namespace: 'team-a', timeoutMs: 5_000, auth: { kind: 'token' } });
      expect(token.secretSources.fileDirs).toEqual(['/var/run/secrets', '/etc/rr']);
      const approle = load({ VAULT_ADDR: 'http://127.0.0.1:8200', VAULT_ROLE_ID: 'role', VAULT_SECRET_ID: 'sid-hunter2' });
      expect(approle.secretSources.vault?.auth.kind).toBe('approle');
      const shown = JSON.stringify(token) + inspect(token, { depth: 10 }) + JSON.stringify(approle) + inspect(approle, { depth: 10 });
      expect(shown).not.toContain('hvs.abc');
      expect(shown).not.toContain('sid-hunter2');
    });

    it.each<[Record<string, string>, string, RegExp]>([
      [{ VAULT_ADDR: 'http://vault:8200' }, 'VAULT_ADDR', /needs VAULT_TOKEN/],
      [{ VAULT_TOKEN: 'hvs.x' }, 'VAULT_ADDR', /required when VAULT_TOKEN/],
      [{ VAULT_ADDR: 'http://vault:8200', VAULT_ROLE_ID: 'r' }, 'VAULT_SECRET_ID', /other half of the AppRole/],
      [{ VAULT_ADDR: 'http://vault:8200', VAULT_TOKEN: 't', VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's' }, 'VAULT_TOKEN', /exclusive/],
      [{ VAULT_ADDR: 'http://vault:8200/v1', VAULT_TOKEN: 't' }, 'VAULT_ADDR', /origin only/],
      [{ VAULT_ADDR: 'ftp://vault', VAULT_TOKEN: 't' }, 'VAULT_ADDR', /http/],
      [{ SECRET_FILE_DIRS: 'relative/dir' }, 'SECRET_FILE_DIRS', /absolute/],
      [{ SECRET_FILE_DIRS: '/var/../etc' }, 'SECRET_FILE_DIRS', /normalized/],
      [{ SECRET_FILE_DIRS: '/' }, 'SECRET_FILE_DIRS', /other than \//],
    ])('refuses %j naming %s', (env, variable, problem) => {
      expectConfigError(env, variable, problem);
    });
  });

  describe('rate limits and quotas', () => {
    it('has no limit and counts in process by default', () => {
      const { limits } = load({});
      expect(limits.defaults).toEqual({ requestsPerMinute: 0, documentsPerMinute: 0, concurrentCalls: 0, monthlyDocuments: 0, monthlyCost: 0 });
      expect(limits.redis).toBeUndefined();
    });

    it('reads the defaults and the Redis store, failing open unless told otherwise, its URL kept secret', () => {
      const env = {
        RATE_LIMIT_REQUESTS_PER_MINUTE: '600',
        RATE_LIMIT_DOCUMENTS_PER_MINUTE: '50000',
        RATE_LIMIT_CONCURRENT_CALLS: '8',
        RATE_LIMIT_MONTHLY_DOCUMENTS: '10000000',
        RATE_LIMIT_MONTHLY_COST: '250.75',
        REDIS_URL: 'redis://:hunter2@redis:6379/0',
      };
      const { limits } = load(env);
      expect(limits.defaults).toEqual({ requestsPerMinute: 600, documentsPerMinute: 50_000, concurrentCalls: 8, monthlyDocuments: 10_000_000, monthlyCost: 250.75 });
      expect(limits.redis).toMatchObject({ onFailure: 'open', commandTimeoutMs: 250, keyPrefix: 'rr:limits' });
      expect(limits.redis!.url.reveal()).toBe(env.REDIS_URL);
      expect(JSON.stringify(limits) + inspect(limits, { depth: 10 })).not.toContain('hunter2');
      expect(load({ ...env, RATE_LIMIT_REDIS_FAILURE: 'closed' }).limits.redis!.onFailure).toBe('closed');
    });

    it.each<[Record<string, string>, string, RegExp]>([
      [{ RATE_LIMIT_REQUESTS_PER_MINUTE: '-1' }, 'RATE_LIMIT_REQUESTS_PER_MINUTE', /between 0/],
      [{ RATE_LIMIT_MONTHLY_COST: '1.1234567' }, 'RATE_LIMIT_MONTHLY_COST', /at most 6 decimals/],
      [{ RATE_LIMIT_MONTHLY_COST: '1e3' }, 'RATE_LIMIT_MONTHLY_COST', /number from 0/],
      [{ REDIS_URL: 'http://redis:6379' }, 'REDIS_URL', /redis:\/\//],
      [{ REDIS_URL: 'redis://x', RATE_LIMIT_REDIS_FAILURE: 'maybe' }, 'RATE_LIMIT_REDIS_FAILURE', /open, closed/],
    ])('refuses %j naming %s', (env, variable, problem) => {
      expectConfigError(env, variable, problem);
    });
  });

  it('configures the built-in rankers: models under DATA_DIR, downloads off in production, the allowlist as globs', () => {
    const config = load({});
    expect(config.builtin.models.dir).toBe(join(dataDir, 'models'));
    expect(config.builtin.models.allowDownload).toBe(true);
    expect(config.builtin.models.allowed).toContain('Xenova/ms-marco-MiniLM-L-6-v2');
    expect(config.builtin.workers).toBeGreaterThanOrEqual(1);
    expect(load({ NODE_ENV: 'production', SECRETS_ENCRYPTION_KEY: KEY_A, SECRETS_FINGERPRINT_KEY: KEY_B, SYSTEM_INIT_TOKEN: 'a-long-enough-init-token' }).builtin.models.allowDownload).toBe(false);
    expect(load({ LOCAL_MODELS_ALLOWED: 'Xenova/*, acme/reranker-?' }).builtin.models.allowed).toEqual(['Xenova/*', 'acme/reranker-?']);
    expect(load({ MODELS_HUB_URL: 'http://127.0.0.1:9999/' }).builtin.models.hubUrl).toBe('http://127.0.0.1:9999');
    expectConfigError({ MODELS_HUB_URL: 'ftp://hub' }, 'MODELS_HUB_URL', /http/);
    expectConfigError({ LOCAL_WORKERS: '0' }, 'LOCAL_WORKERS', /between 1/);
  });
});
