import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { storedKeyScopes, type KeyScopes } from '../../auth/key-scopes.js';
import type { Permission } from '../../auth/permissions.js';
import { Principal } from '../../auth/principal.js';
import { BoundedTtlCache } from '../../common/cache/bounded-ttl-cache.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { InvalidationBus, type Invalidation } from '../../database/invalidation-bus.js';
import { KEY_VERIFIER, type KeyVerifier } from '../../auth/key-verifier.js';
import { LOGGER } from '../../common/logging/logger.token.js';
import { AppConfig } from '../../config/app-config.js';
import type { ConsoleConfig } from '../../config/console-config.js';
import type { UserRole } from '../../generated/prisma/enums.js';
import { ConsoleSessionsRepository, type SessionForAuth } from './console-sessions.repository.js';
import { newSessionToken, tokenHash } from './session-cookie.js';

/** Wall-clock milliseconds; replaceable in tests. */
export const SESSION_CLOCK = Symbol('SESSION_CLOCK');

/** Ended sessions are deleted at boot and then this often (lookups refuse them at once anyway). */
const SWEEP_INTERVAL_MS = 600_000;
const SWEEP_BATCH = 5_000;

/** A signed-in console session as the console sees it. */
export interface SessionView {
  readonly sessionId: string;
  readonly user: { readonly userId: string; readonly email: string; readonly displayName: string; readonly role: UserRole };
  readonly apiKeyId: string;
  readonly keyPrefix: string;
  readonly permissions: readonly Permission[];
  readonly scopes: KeyScopes;
  readonly expiresAt: number;
  readonly idleTimeoutMs: number;
}

/** A verified session in memory: trusted for AUTH_CACHE_TTL_MS, evicted at once by a revoke, disable, role change or sign-out. */
interface Entry {
  readonly principal: Principal;
  readonly view: SessionView;
  readonly keyExpiresAt: number | null;
  lastSeenAt: number;
  /** lastSeenAt as last written, so idle time is shared with other instances without a write per request. */
  persistedSeenAt: number;
}

/**
 * Console sign-in: an API key exchanged once for a session token (random, stored only as
 * its SHA-256), then requests authenticated by the token as that key. A session ends with its
 * key (revoked, expired, user disabled), on sign-out, after CONSOLE_SESSION_IDLE_MS unused and
 * CONSOLE_SESSION_MAX_MS after sign-in. Like keys, verified sessions are served from memory (no
 * query per request) and evicted through the InvalidationBus on every instance.
 */
@Injectable()
export class ConsoleSessions implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly config: ConsoleConfig;
  private readonly cache: BoundedTtlCache<string, Entry>;
  /** How often a busy session's lastSeenAt is written: well inside the idle time, so other instances see it alive. */
  private readonly persistEveryMs: number;
  private readonly unsubscribe: () => void;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sessions: ConsoleSessionsRepository,
    @Inject(KEY_VERIFIER) private readonly verifier: KeyVerifier,
    config: AppConfig,
    private readonly invalidations: InvalidationBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(SESSION_CLOCK) private readonly clock: () => number = Date.now,
  ) {
    this.config = config.console;
    this.cache = new BoundedTtlCache(config.auth.cacheMaxEntries, config.auth.cacheTtlMs, clock);
    this.persistEveryMs = Math.min(config.auth.cacheTtlMs, this.config.sessionIdleMs / 4);
    this.unsubscribe = invalidations.subscribe((event) => this.evict(event));
  }

  onApplicationBootstrap(): void {
    this.sweepInBackground();
    this.timer = setInterval(() => this.sweepInBackground(), SWEEP_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.unsubscribe();
  }

  /**
   * Verifies the key exactly as a request carrying it would be (failure limits, the bounded
   * argon2 queue), then opens a session. 401 for a key that is not valid.
   */
  async signIn(rawKey: string, clientAddress: string): Promise<{ token: string; view: SessionView }> {
    if (!this.config.enabled) throw DomainError.notFound('The console');
    const principal = await this.verifier.verify(rawKey, clientAddress);
    if (!principal) throw DomainError.unauthenticated('The API key is invalid, expired or revoked');
    const token = newSessionToken();
    const now = this.clock();
    await this.sessions.create({ id: randomUUID(), tokenHash: tokenHash(token), apiKeyId: principal.apiKeyId, now: new Date(now), expiresAt: new Date(now + this.config.sessionMaxMs) });
    const ended = await this.sessions.trim(principal.apiKeyId, this.config.maxSessionsPerKey, new Date(now));
    for (const sessionId of ended) this.invalidations.publish({ kind: 'console-session', id: sessionId });
    const entry = await this.authenticate(token);
    if (!entry) throw DomainError.unauthenticated('The API key is invalid, expired or revoked');
    return { token, view: entry.view };
  }

  /** The session's principal and view, or undefined when the token names no live session. */
  async authenticate(token: string): Promise<{ principal: Principal; view: SessionView } | undefined> {
    const hash = tokenHash(token);
    const now = this.clock();
    const cached = this.cache.get(hash);
    if (cached) return this.use(hash, cached, now);
    const fill = this.cache.fillToken();
    const row = await this.sessions.findForAuth(hash);
    if (!row) return undefined;
    const entry = this.entryOf(row);
    this.cache.setIfFresh(hash, entry, fill);
    return this.use(hash, entry, now);
  }

  /** Ends the session (sign-out), here and on every instance. */
  async signOut(token: string): Promise<void> {
    const row = await this.sessions.findForAuth(tokenHash(token));
    if (!row) return;
    await this.sessions.delete(row.id);
    this.invalidations.publish({ kind: 'console-session', id: row.id });
  }

  private use(hash: string, entry: Entry, now: number): { principal: Principal; view: SessionView } | undefined {
    if (this.ended(entry, now)) {
      this.cache.delete(hash);
      this.sessions.delete(entry.view.sessionId).catch((error: unknown) => this.logFailure(error, 'could not delete an ended console session'));
      return undefined;
    }
    entry.lastSeenAt = now;
    if (now - entry.persistedSeenAt >= this.persistEveryMs) {
      entry.persistedSeenAt = now;
      this.sessions.touch(entry.view.sessionId, new Date(now)).catch((error: unknown) => this.logFailure(error, 'could not record console session use'));
    }
    return { principal: entry.principal, view: entry.view };
  }

  private ended(entry: Entry, now: number): boolean {
    if (entry.view.expiresAt <= now) return true;
    if (now - entry.lastSeenAt >= this.config.sessionIdleMs) return true;
    return entry.keyExpiresAt !== null && entry.keyExpiresAt <= now;
  }

  private entryOf(row: SessionForAuth): Entry {
    const key = row.apiKey;
    const user = key.user;
    // A revoked key or a disabled user ends the session: an expiry that is already past does too (`ended`).
    const usable = !key.revokedAt && !user.disabledAt;
    const scopes = storedKeyScopes(key.scopes);
    const principal = new Principal(user.id, user.role, row.apiKeyId, scopes);
    const lastSeenAt = row.lastSeenAt.getTime();
    return {
      principal,
      view: {
        sessionId: row.id,
        user: { userId: user.id, email: user.email, displayName: user.displayName, role: user.role },
        apiKeyId: row.apiKeyId,
        keyPrefix: key.keyPrefix,
        permissions: [...principal.permissions],
        scopes,
        expiresAt: usable ? row.expiresAt.getTime() : 0,
        idleTimeoutMs: this.config.sessionIdleMs,
      },
      keyExpiresAt: key.expiresAt?.getTime() ?? null,
      lastSeenAt,
      persistedSeenAt: lastSeenAt,
    };
  }

  private evict(event: Invalidation): void {
    if (event.kind === 'all') this.cache.clear();
    if (event.kind === 'api-key') this.cache.deleteWhere((entry) => entry.view.apiKeyId === event.id);
    if (event.kind === 'user') this.cache.deleteWhere((entry) => entry.view.user.userId === event.id);
    if (event.kind === 'console-session') this.cache.deleteWhere((entry) => entry.view.sessionId === event.id);
  }

  private sweepInBackground(): void {
    const now = this.clock();
    const sweep = async () => {
      while ((await this.sessions.deleteEnded(new Date(now), new Date(now - this.config.sessionIdleMs), SWEEP_BATCH)) === SWEEP_BATCH);
    };
    sweep().catch((error: unknown) => this.logFailure(error, 'could not delete ended console sessions'));
  }

  /** Database errors are logged by kind only: their messages can print query arguments. */
  private logFailure(error: unknown, message: string): void {
    const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
    this.logger.warn({ error: { name, code } }, message);
  }
}
