import { hash, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { parseApiKey, verifyKeySecret } from './api-key-material.js';
import { ApiKeysRepository, type KeyForVerification } from './api-keys.repository.js';
import { BoundedTtlCache, type FillToken } from '../common/cache/bounded-ttl-cache.js';
import { KeyedMutex } from '../common/concurrency/keyed-mutex.js';
import { InvalidationBus, type Invalidation } from '../database/invalidation-bus.js';
import { LOGGER } from '../common/logging/logger.token.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { Argon2Pool } from './argon2-pool.js';
import { FailureLimiter } from './failure-limiter.js';
import { storedKeyScopes } from '../auth/key-scopes.js';
import type { KeyVerifier } from '../auth/key-verifier.js';
import { Principal } from '../auth/principal.js';

/** What the verifier runs on; replaceable (API_KEY_VERIFIER_OPTIONS) to count or hold calls in tests. */
export interface ApiKeyVerifierOptions {
  /** Checks a presented secret against a stored argon2 hash. */
  readonly checkSecret: (hash: string, secret: string) => Promise<boolean>;
  /** Monotonic milliseconds, for session TTLs. */
  readonly clock: () => number;
}
export const API_KEY_VERIFIER_OPTIONS = Symbol('API_KEY_VERIFIER_OPTIONS');
const DEFAULT_OPTIONS: ApiKeyVerifierOptions = { checkSecret: verifyKeySecret, clock: () => performance.now() };

/** A session starts refreshing in the background once this share of its TTL is left. */
const REFRESH_AHEAD_SHARE = 0.2;

interface PresentedKey {
  readonly id: string;
  readonly secret: string;
  /** SHA-256 of the secret: what memory compares, so the secret itself is never kept. */
  readonly digest: Buffer;
}

/** The authorization state of a key, trusted for AUTH_CACHE_TTL_MS. */
interface Session {
  readonly principal: Principal;
  readonly expiresAt: number | null;
  readonly digest: Buffer;
}

/** argon2 was paid for this key: the digest of the secret that matched this stored hash. */
interface Proof {
  readonly digest: Buffer;
  readonly secretHash: string;
}

/**
 * Turns a presented API key into a Principal, paying argon2 at most once per key per process.
 *
 * - A session (principal, expiry) is trusted for the TTL; revocations, disables and role
 *   changes evict it at once through the InvalidationBus, and a fill that raced such an
 *   eviction is dropped (fill tokens), so eviction always wins.
 * - Past the TTL the key is re-checked in the database (revoked, disabled, expired, role),
 *   not re-hashed: the proof of the argon2 check outlives the session.
 * - One verification per key id at a time; concurrent requests wait for it and are then
 *   answered from memory. A busy key is revalidated in the background before its session
 *   expires, so its requests never all miss together.
 * - A wrong secret for a proven key is refused from memory. Work for unproven secrets is
 *   bounded: failures per key id and per client address (429), the process's bounded argon2
 *   pool (503), where a verification goes before any key creation.
 */
@Injectable()
export class ApiKeyVerifier implements KeyVerifier, OnModuleDestroy {
  private readonly sessions: BoundedTtlCache<string, Session>;
  private readonly proofs: BoundedTtlCache<string, Proof>;
  private readonly rejected: BoundedTtlCache<string, true>;
  private readonly refreshAheadMs: number;
  private readonly failures: FailureLimiter;
  private readonly perKey = new KeyedMutex();
  private readonly refreshing = new Set<string>();
  private readonly unsubscribe: () => void;
  private readonly checkSecret: ApiKeyVerifierOptions['checkSecret'];

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly argon2Pool: Argon2Pool,
    config: AppConfig,
    invalidations: InvalidationBus,
    metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(API_KEY_VERIFIER_OPTIONS) options: Partial<ApiKeyVerifierOptions> = {},
  ) {
    const auth = config.auth;
    const { checkSecret, clock } = { ...DEFAULT_OPTIONS, ...options };
    this.checkSecret = checkSecret;
    this.sessions = new BoundedTtlCache(auth.cacheMaxEntries, auth.cacheTtlMs, clock);
    this.proofs = new BoundedTtlCache(auth.cacheMaxEntries, Infinity);
    this.rejected = new BoundedTtlCache(auth.cacheMaxEntries, auth.negativeCacheTtlMs);
    this.refreshAheadMs = auth.cacheTtlMs * REFRESH_AHEAD_SHARE;
    const limits = {
      windowMs: auth.failureWindowMs,
      maxPerKey: auth.maxFailuresPerKey,
      maxPerAddress: auth.maxFailuresPerAddress,
      delayPerFailureMs: auth.failureDelayMs,
      maxTracked: auth.cacheMaxEntries,
    };
    this.failures = new FailureLimiter(limits, clock);
    this.unsubscribe = invalidations.subscribe((event) => this.evict(event));
    metrics.registerCache('api_key', () => this.sessions.stats);
  }

  /**
   * The principal for a presented key, or undefined when the key is not valid. Throws 429
   * TOO_MANY_FAILED_ATTEMPTS or 503 UNAVAILABLE (with details.retryAfterMs) when the work is refused.
   */
  async verify(rawKey: string, clientAddress = 'unknown'): Promise<Principal | undefined> {
    const parsed = parseApiKey(rawKey);
    if (!parsed) return undefined;
    const key: PresentedKey = { ...parsed, digest: sha256(parsed.secret) };
    const remembered = this.fromMemory(key);
    if (remembered !== undefined) return remembered ?? undefined;
    return this.perKey.run(key.id, async () => {
      const settled = this.fromMemory(key);
      if (settled !== undefined) return settled ?? undefined;
      return (await this.fromDatabase(key, clientAddress)) ?? undefined;
    });
  }

  get cacheStats(): { hits: number; misses: number } {
    return this.sessions.stats;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** A principal, null when memory knows the key is not valid, undefined when it cannot tell. */
  private fromMemory(key: PresentedKey): Principal | null | undefined {
    const session = this.sessions.get(key.id);
    if (session) {
      if (!sameDigest(session.digest, key.digest)) return null;
      if (session.expiresAt !== null && session.expiresAt <= Date.now()) return null;
      this.refreshAhead(key.id);
      return session.principal;
    }
    const proof = this.proofs.get(key.id);
    if (proof && !sameDigest(proof.digest, key.digest)) return null;
    return this.rejected.get(rejectionKey(key)) ? null : undefined;
  }

  private async fromDatabase(key: PresentedKey, clientAddress: string): Promise<Principal | null> {
    const proof = this.proofs.get(key.id);
    if (!proof) await this.admitAttempt(key.id, clientAddress);
    const token = this.sessions.fillToken();
    const row = await this.keys.findForVerification(key.id);
    if (!row || !isUsable(row)) {
      if (!proof) this.failures.record(key.id, clientAddress);
      return this.reject(key);
    }
    if (proof?.secretHash !== row.secretHash) {
      if (!(await this.argon2(row.secretHash, key.secret))) {
        this.failures.record(key.id, clientAddress);
        return this.reject(key);
      }
      this.proofs.set(key.id, { digest: key.digest, secretHash: row.secretHash });
    }
    return this.admit(row, key.digest, token);
  }

  /** An unproven secret: refused once its key id or address spent its failures, else held by the tarpit. */
  private async admitAttempt(keyId: string, clientAddress: string): Promise<void> {
    this.failures.check(keyId, clientAddress);
    const delayMs = this.failures.delayFor(keyId);
    if (delayMs > 0) await sleep(delayMs);
  }

  /** An argon2 check in the process's one argon2 pool (first in line there), or 503 when its queue is full. */
  private argon2(hash: string, secret: string): Promise<boolean> {
    return this.argon2Pool.run('verify', () => this.checkSecret(hash, secret));
  }

  /** Caches the session unless an eviction ran since `token` (the caller still gets its answer). */
  private admit(row: KeyForVerification, digest: Buffer, token: FillToken): Principal {
    const principal = new Principal(row.user.id, row.user.role, row.id, storedKeyScopes(row.scopes), row.defaultModel ?? undefined);
    this.sessions.setIfFresh(row.id, { principal, expiresAt: row.expiresAt?.getTime() ?? null, digest }, token);
    this.recordUse(row.id);
    return principal;
  }

  private reject(key: PresentedKey): null {
    this.rejected.set(rejectionKey(key), true);
    return null;
  }

  /** Starts one background revalidation when a session is in the last part of its TTL. */
  private refreshAhead(id: string): void {
    if (this.refreshing.has(id) || this.sessions.remainingTtl(id) > this.refreshAheadMs) return;
    this.refreshing.add(id);
    this.perKey
      .run(id, () => this.revalidate(id))
      .catch((error: unknown) => this.logger.warn({ apiKeyId: id, error: describe(error) }, 'could not revalidate an API key'))
      .finally(() => this.refreshing.delete(id));
  }

  /** Re-reads the key's state (no argon2) and renews its session, or drops it. */
  private async revalidate(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    const token = this.sessions.fillToken();
    const row = await this.keys.findForVerification(id);
    if (!row || !isUsable(row) || this.proofs.get(id)?.secretHash !== row.secretHash) {
      this.sessions.delete(id);
      return;
    }
    this.admit(row, session.digest, token);
  }

  /** At most once per verification or refresh, never per request; failures never log arguments. */
  private recordUse(id: string): void {
    this.keys.touchLastUsed(id, new Date()).catch((error: unknown) => {
      this.logger.warn({ apiKeyId: id, error: describe(error) }, 'could not record lastUsedAt');
    });
  }

  private evict(event: Invalidation): void {
    if (event.kind === 'all') this.sessions.clear();
    if (event.kind === 'api-key') this.sessions.delete(event.id);
    if (event.kind === 'user') this.sessions.deleteWhere((entry) => entry.principal.userId === event.id);
    // A rejection may have been caused by what just changed (a re-enabled user).
    if (event.kind !== 'reranker') this.rejected.clear();
  }
}

function isUsable(row: KeyForVerification): boolean {
  return !row.revokedAt && !row.user.disabledAt && !(row.expiresAt && row.expiresAt.getTime() <= Date.now());
}

function sha256(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

function sameDigest(a: Buffer, b: Buffer): boolean {
  return timingSafeEqual(a, b);
}

function rejectionKey(key: PresentedKey): string {
  return `${key.id}:${key.digest.toString('base64url')}`;
}

/** What a log may say about a failure: its kind, never its message (it can print query arguments). */
function describe(error: unknown): { name?: unknown; code?: unknown } {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return { name, code };
}
