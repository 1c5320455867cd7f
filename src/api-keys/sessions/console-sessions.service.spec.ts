import type { Logger } from 'pino';
import type { KeyVerifier } from '../../auth/key-verifier.js';
import { Principal } from '../../auth/principal.js';
import type { AppConfig } from '../../config/app-config.js';
import type { Invalidation, InvalidationBus } from '../../database/invalidation-bus.js';
import type { ConsoleSessionsRepository, SessionForAuth } from './console-sessions.repository.js';
import { ConsoleSessions } from './console-sessions.service.js';

const MINUTE = 60_000;
const KEY_ID = '11111111-1111-4111-8111-111111111111';
const USER_ID = '22222222-2222-4222-8222-222222222222';

/** A repository in memory, counting reads and writes. */
class FakeSessions {
  readonly rows = new Map<string, { id: string; tokenHash: string; lastSeenAt: Date; expiresAt: Date }>();
  revoked = false;
  reads = 0;
  touches: number[] = [];

  async create(session: { id: string; tokenHash: string; now: Date; expiresAt: Date }): Promise<void> {
    this.rows.set(session.tokenHash, { id: session.id, tokenHash: session.tokenHash, lastSeenAt: session.now, expiresAt: session.expiresAt });
  }

  async findForAuth(tokenHash: string): Promise<SessionForAuth | null> {
    this.reads++;
    const row = this.rows.get(tokenHash);
    if (!row) return null;
    return {
      id: row.id,
      apiKeyId: KEY_ID,
      lastSeenAt: row.lastSeenAt,
      expiresAt: row.expiresAt,
      apiKey: { keyPrefix: 'rrk_1111', revokedAt: this.revoked ? new Date(0) : null, expiresAt: null, scopes: null, user: { id: USER_ID, email: 'a@example.com', displayName: 'A', role: 'MEMBER', disabledAt: null } },
    };
  }

  async touch(id: string, lastSeenAt: Date): Promise<void> {
    this.touches.push(lastSeenAt.getTime());
    for (const row of this.rows.values()) if (row.id === id) row.lastSeenAt = lastSeenAt;
  }

  async delete(id: string): Promise<void> {
    for (const [hash, row] of this.rows) if (row.id === id) this.rows.delete(hash);
  }

  async trim(): Promise<string[]> {
    return [];
  }

  async deleteEnded(): Promise<number> {
    return 0;
  }
}

function setup() {
  let now = 1_000_000;
  const repository = new FakeSessions();
  let listener: (event: Invalidation) => void = () => undefined;
  // Like the real bus: a publish reaches this instance's listeners too.
  const bus = { subscribe: (l: typeof listener) => ((listener = l), () => undefined), publish: (event: Invalidation) => listener(event) } as unknown as InvalidationBus;
  const verifier: KeyVerifier = { verify: async (key) => (key === 'good' ? new Principal(USER_ID, 'MEMBER', KEY_ID) : undefined) };
  const config = { console: { enabled: true, sessionIdleMs: 10 * MINUTE, sessionMaxMs: 60 * MINUTE, maxSessionsPerKey: 10 }, auth: { cacheMaxEntries: 100, cacheTtlMs: MINUTE } } as unknown as AppConfig;
  const logger = { warn: () => undefined } as unknown as Logger;
  const sessions = new ConsoleSessions(repository as unknown as ConsoleSessionsRepository, verifier, config, bus, logger, () => now);
  return { sessions, repository, advance: (ms: number) => (now += ms), invalidate: (event: Invalidation) => listener(event) };
}

describe('ConsoleSessions', () => {
  it('refuses a key the verifier refuses, and keeps only the token hash', async () => {
    const { sessions, repository } = setup();
    await expect(sessions.signIn('bad', '127.0.0.1')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const { token, view } = await sessions.signIn('good', '127.0.0.1');
    expect(view).toMatchObject({ apiKeyId: KEY_ID, user: { userId: USER_ID, role: 'MEMBER' }, idleTimeoutMs: 10 * MINUTE });
    expect([...repository.rows.keys()]).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(JSON.stringify([...repository.rows.values()])).not.toContain(token);
  });

  it('ends after the idle time without use, and is kept alive by use without a write per request', async () => {
    const { sessions, repository, advance } = setup();
    const { token } = await sessions.signIn('good', '127.0.0.1');
    for (let i = 0; i < 20; i++) {
      advance(30_000);
      expect(await sessions.authenticate(token)).toBeDefined();
    }
    // Used every 30 s for 10 minutes: its last use was written once a minute (AUTH_CACHE_TTL_MS here, under idle / 4), not 20 times.
    expect(repository.touches.length).toBe(10);
    advance(10 * MINUTE);
    expect(await sessions.authenticate(token)).toBeUndefined();
    expect(repository.rows.size).toBe(0);
  });

  it('ends at its absolute lifetime however busy', async () => {
    const { sessions, advance } = setup();
    const { token } = await sessions.signIn('good', '127.0.0.1');
    for (let elapsed = 5 * MINUTE; elapsed < 60 * MINUTE; elapsed += 5 * MINUTE) {
      advance(5 * MINUTE);
      expect(await sessions.authenticate(token)).toBeDefined();
    }
    advance(5 * MINUTE);
    expect(await sessions.authenticate(token)).toBeUndefined();
  });

  it('serves a verified session from memory and reads it again once its key changed', async () => {
    const { sessions, repository, invalidate } = setup();
    const { token } = await sessions.signIn('good', '127.0.0.1');
    const reads = repository.reads;
    await sessions.authenticate(token);
    await sessions.authenticate(token);
    expect(repository.reads).toBe(reads);
    repository.revoked = true;
    invalidate({ kind: 'api-key', id: KEY_ID });
    expect(await sessions.authenticate(token)).toBeUndefined();
    expect(repository.reads).toBe(reads + 1);
  });

  it('ends on sign-out, on every instance', async () => {
    const { sessions, repository } = setup();
    const { token } = await sessions.signIn('good', '127.0.0.1');
    await sessions.signOut(token);
    expect(repository.rows.size).toBe(0);
    expect(await sessions.authenticate(token)).toBeUndefined();
  });
});
