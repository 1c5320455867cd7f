import { inspect } from 'node:util';
import type { Logger } from 'pino';
import { hashKeySecret, issueApiKey, verifyKeySecret, type IssuedKey } from './api-key-material.js';
import type { ApiKeysRepository, KeyForVerification } from './api-keys.repository.js';
import type { Invalidation, InvalidationBus } from '../database/invalidation-bus.js';
import type { AppConfig, AuthConfig } from '../config/app-config.js';
import type { MetricsService } from '../metrics/metrics.service.js';
import { Argon2Pool } from './argon2-pool.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import type { DomainError } from '../common/errors/domain-error.js';

/** A promise to hold a fake call open until the test releases it. */
class Gate {
  private release!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.release = resolve));
  open(): void {
    this.release();
  }
}

/** The api_keys table, in memory; a lookup can be held open. */
class FakeKeys {
  readonly rows = new Map<string, KeyForVerification>();
  lookups = 0;
  touches = 0;
  touchFailure: Error | undefined;
  hold: Gate | undefined;
  /** Resolves when a lookup has started (so a test can act while it is in flight). */
  lookupStarted = new Gate();

  async findForVerification(id: string): Promise<KeyForVerification | null> {
    this.lookups++;
    this.lookupStarted.open();
    await this.hold?.opened;
    const row = this.rows.get(id);
    return row ? { ...row, user: { ...row.user } } : null;
  }

  /** The same read under its former name, so these specs also run against the former verifier. */
  findWithUser(id: string): Promise<KeyForVerification | null> {
    return this.findForVerification(id);
  }

  async touchLastUsed(): Promise<void> {
    this.touches++;
    if (this.touchFailure) throw this.touchFailure;
  }
}

class FakeBus {
  private readonly listeners: Array<(event: Invalidation) => void> = [];
  subscribe(listener: (event: Invalidation) => void): () => void {
    this.listeners.push(listener);
    return () => undefined;
  }
  publish(event: Invalidation): void {
    for (const listener of this.listeners) listener(event);
  }
}

const AUTH: AuthConfig = {
  cacheTtlMs: 1_000,
  cacheMaxEntries: 100,
  negativeCacheTtlMs: 1_000,
  maxConcurrentVerifications: 2,
  maxQueuedVerifications: 16,
  maxFailuresPerKey: 3,
  maxFailuresPerAddress: 100,
  failureWindowMs: 60_000,
  failureDelayMs: 0,
  initToken: undefined,
  // The verifier only verifies; what a hash costs is the hash's own (cheap here).
  argon2: { memoryKib: 1024, timeCost: 1 },
  maxKeysPerUser: 100,
  keyCreationsPerMinute: 30,
};

let issued: IssuedKey[];
let hashes: string[];

beforeAll(async () => {
  issued = [issueApiKey(), issueApiKey(), issueApiKey()];
  hashes = await Promise.all(issued.map((key) => hashKeySecret(key.secret, AUTH.argon2)));
});

describe('ApiKeyVerifier', () => {
  let keys: FakeKeys;
  let bus: FakeBus;
  let now: number;
  let argon2Calls: number;
  let argon2Hold: Gate | undefined;
  let warnings: unknown[];

  function verifierWith(auth: Partial<AuthConfig> = {}): ApiKeyVerifier {
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;
    const config = { auth: { ...AUTH, ...auth } } as AppConfig;
    return new ApiKeyVerifier(
      keys as unknown as ApiKeysRepository,
      new Argon2Pool(config),
      config,
      bus as unknown as InvalidationBus,
      { registerCache: () => undefined } as unknown as MetricsService,
      logger,
      {
        clock: () => now,
        checkSecret: async (hash, secret) => {
          argon2Calls++;
          await argon2Hold?.opened;
          return verifyKeySecret(hash, secret);
        },
      },
    );
  }

  function addKey(index: number, userId = `user-${index}`): IssuedKey {
    const key = issued[index]!;
    keys.rows.set(key.id, {
      id: key.id,
      secretHash: hashes[index]!,
      revokedAt: null,
      expiresAt: null,
      scopes: null,
      defaultModel: null,
      user: { id: userId, role: 'MEMBER', disabledAt: null },
    });
    return key;
  }

  /** The same key id with another secret (the secret is the last 43 characters). */
  const wrongSecret = (key: IssuedKey, n: number): string => `${key.raw.slice(0, -43)}${String(n).padStart(43, 'x')}`;

  async function refusal(promise: Promise<unknown>): Promise<{ code: string; retryAfterMs?: unknown }> {
    try {
      await promise;
    } catch (error) {
      const { code, details } = error as DomainError;
      return { code, retryAfterMs: details?.retryAfterMs };
    }
    throw new Error('expected a refusal');
  }

  /** Lets background work (refresh-ahead, lastUsedAt writes) settle. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  beforeEach(() => {
    keys = new FakeKeys();
    bus = new FakeBus();
    now = 10_000;
    argon2Calls = 0;
    argon2Hold = undefined;
    warnings = [];
  });

  describe('single flight', () => {
    it('verifies 10 concurrent requests of one cold key with one lookup and one argon2', async () => {
      const verifier = verifierWith();
      const key = addKey(0);
      const principals = await Promise.all(Array.from({ length: 10 }, () => verifier.verify(key.raw)));
      expect(principals.map((p) => p?.userId)).toEqual(Array(10).fill('user-0'));
      expect(keys.lookups).toBe(1);
      expect(argon2Calls).toBe(1);
      await settle();
      expect(keys.touches).toBe(1);
    });
  });

  describe('scopes', () => {
    it("loads the key's scopes with it, and narrows by them from memory, with no further lookup", async () => {
      const verifier = verifierWith();
      const key = addKey(0);
      const rerankerId = '00000000-0000-4000-8000-00000000000a';
      keys.rows.get(key.id)!.scopes = { permissions: ['EXECUTE_RERANKER_OWN'], rerankerIds: [rerankerId] };
      const principal = (await verifier.verify(key.raw))!;
      expect([...principal.permissions]).toEqual(['EXECUTE_RERANKER_OWN']);
      expect([principal.mayUseReranker(rerankerId), principal.mayUseReranker('00000000-0000-4000-8000-00000000000b')]).toEqual([true, false]);
      expect(await verifier.verify(key.raw)).toBe(principal);
      expect(keys.lookups).toBe(1);
    });

    it("loads the key's default model with it (none: undefined)", async () => {
      const verifier = verifierWith();
      const [plain, withDefault] = [addKey(0), addKey(1)];
      keys.rows.get(withDefault.id)!.defaultModel = 'team-default';
      expect((await verifier.verify(plain.raw))!.defaultModel).toBeUndefined();
      expect((await verifier.verify(withDefault.raw))!.defaultModel).toBe('team-default');
    });
  });

  describe('revocation races (eviction always wins)', () => {
    it('leaves no principal cached when a revoke lands while the first verification is in flight', async () => {
      const verifier = verifierWith();
      const key = addKey(0);
      keys.hold = new Gate();
      const first = verifier.verify(key.raw);
      await keys.lookupStarted.opened;
      // The revoke commits, then publishes; the lookup read the row before the commit.
      const revoked = { ...keys.rows.get(key.id)!, revokedAt: new Date() };
      bus.publish({ kind: 'api-key', id: key.id });
      keys.hold.open();
      await first;
      keys.rows.set(key.id, revoked);
      expect(await verifier.verify(key.raw)).toBeUndefined();
    });

    it('leaves no principal cached when the user is disabled while the first verification is in flight', async () => {
      const verifier = verifierWith();
      const key = addKey(0);
      keys.hold = new Gate();
      const first = verifier.verify(key.raw);
      await keys.lookupStarted.opened;
      const row = keys.rows.get(key.id)!;
      bus.publish({ kind: 'user', id: row.user.id });
      keys.hold.open();
      await first;
      keys.rows.set(key.id, { ...row, user: { ...row.user, disabledAt: new Date() } });
      expect(await verifier.verify(key.raw)).toBeUndefined();
    });
  });

  describe('argon2 at most once per key per process', () => {
    it('re-checks a key past its TTL in the database, without hashing again', async () => {
      const verifier = verifierWith();
      const key = addKey(0);
      await verifier.verify(key.raw);
      now += 1_001;
      expect((await verifier.verify(key.raw))?.userId).toBe('user-0');
      expect(keys.lookups).toBe(2);
      expect(argon2Calls).toBe(1);

      now += 1_001;
      keys.rows.get(key.id)!.revokedAt = new Date();
      expect(await verifier.verify(key.raw)).toBeUndefined();
      expect(argon2Calls).toBe(1);
    });

    it('refuses a wrong secret for a proven key from memory: no lookup, no argon2, no failure counted', async () => {
      const verifier = verifierWith({ maxFailuresPerKey: 1, maxFailuresPerAddress: 1 });
      const key = addKey(0);
      await verifier.verify(key.raw, 'owner');
      const wrong = await Promise.all(Array.from({ length: 50 }, (_, n) => verifier.verify(wrongSecret(key, n), 'owner')));
      expect(wrong).toEqual(Array(50).fill(undefined));
      expect({ lookups: keys.lookups, argon2Calls }).toEqual({ lookups: 1, argon2Calls: 1 });
      // Past the TTL as well: the proof outlives the session, and the holder is not locked out.
      now += 1_001;
      expect(await verifier.verify(wrongSecret(key, 99), 'owner')).toBeUndefined();
      expect((await verifier.verify(key.raw, 'owner'))?.userId).toBe('user-0');
      expect(argon2Calls).toBe(1);
    });
  });

  describe('refresh-ahead', () => {
    it('revalidates a busy key once in the background before expiry, so no request misses', async () => {
      const verifier = verifierWith();
      const key = addKey(0);
      await verifier.verify(key.raw);
      await settle();
      expect({ lookups: keys.lookups, touches: keys.touches }).toEqual({ lookups: 1, touches: 1 });

      now += 850; // 15% of the TTL left
      keys.hold = new Gate();
      const busy = await Promise.all(Array.from({ length: 20 }, () => verifier.verify(key.raw)));
      expect(busy.every((p) => p?.userId === 'user-0')).toBe(true);
      expect(keys.lookups).toBe(2); // one background revalidation, started by the first request
      keys.hold.open();
      await settle();
      expect(keys.touches).toBe(2); // lastUsedAt once per refresh, never per request

      now += 300; // past the first session's TTL: the renewed one answers
      expect((await verifier.verify(key.raw))?.userId).toBe('user-0');
      expect({ lookups: keys.lookups, argon2Calls }).toEqual({ lookups: 2, argon2Calls: 1 });
    });

    it('drops the session when the refresh finds the key revoked', async () => {
      const verifier = verifierWith();
      const key = addKey(0);
      await verifier.verify(key.raw);
      keys.rows.get(key.id)!.revokedAt = new Date();
      now += 850;
      await verifier.verify(key.raw); // served from memory; starts the refresh
      await settle();
      expect(await verifier.verify(key.raw)).toBeUndefined();
    });
  });

  describe('failure limits and load shedding', () => {
    it('limits wrong secrets per key id with 429 and Retry-After, without more argon2', async () => {
      const verifier = verifierWith({ maxFailuresPerKey: 3 });
      const key = addKey(0);
      for (let n = 0; n < 3; n++) expect(await verifier.verify(wrongSecret(key, n), `client-${n}`)).toBeUndefined();
      const refused = await refusal(verifier.verify(wrongSecret(key, 3), 'client-3'));
      expect(refused).toEqual({ code: 'TOO_MANY_FAILED_ATTEMPTS', retryAfterMs: 60_000 });
      expect(argon2Calls).toBe(3);
    });

    it('holds each further attempt on a failing key id longer (tarpit)', async () => {
      const verifier = verifierWith({ maxFailuresPerKey: 5, failureDelayMs: 50 });
      const key = addKey(0);
      const started = performance.now();
      await Promise.all([0, 1, 2].map((n) => verifier.verify(wrongSecret(key, n))));
      expect(performance.now() - started).toBeGreaterThanOrEqual(50 + 100);
      expect(argon2Calls).toBe(3);
    });

    it('limits failures per client address across key ids', async () => {
      const verifier = verifierWith({ maxFailuresPerAddress: 2 });
      const [a, b] = [addKey(0), addKey(1)];
      expect(await verifier.verify(wrongSecret(a, 0), 'attacker')).toBeUndefined();
      expect(await verifier.verify(wrongSecret(b, 0), 'attacker')).toBeUndefined();
      expect((await refusal(verifier.verify(wrongSecret(b, 1), 'attacker'))).code).toBe('TOO_MANY_FAILED_ATTEMPTS');
      expect((await verifier.verify(a.raw, 'someone-else'))?.userId).toBe('user-0');
    });

    it('sheds with 503 UNAVAILABLE when the argon2 queue is full', async () => {
      const verifier = verifierWith({ maxConcurrentVerifications: 1, maxQueuedVerifications: 1 });
      const [a, b, c] = [addKey(0), addKey(1), addKey(2)];
      argon2Hold = new Gate();
      const running = verifier.verify(a.raw);
      const queued = verifier.verify(b.raw);
      await settle();
      expect(await refusal(verifier.verify(c.raw))).toEqual({ code: 'UNAVAILABLE', retryAfterMs: 1_000 });
      argon2Hold.open();
      expect((await Promise.all([running, queued])).map((p) => p?.userId)).toEqual(['user-0', 'user-1']);
    });
  });

  it('never logs a failed lastUsedAt write with its message (Prisma prints the arguments)', async () => {
    const verifier = verifierWith();
    const key = addKey(0);
    keys.touchFailure = Object.assign(new Error(`Invalid invocation: { secretHash: "${hashes[0]}" }`), { code: 'P1001' });
    await verifier.verify(key.raw);
    await settle();
    expect(warnings).toHaveLength(1);
    const logged = inspect(warnings, { depth: 10 });
    expect(logged).not.toContain(hashes[0]);
    expect(logged).toContain('P1001');
  });
});
