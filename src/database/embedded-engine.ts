import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { DatabaseEngine, NotificationChannel, SqlExecutor, SqlSession } from './database-engine.js';
import { FolderLock, type LockHolder } from './folder-lock.js';

/**
 * PGlite (PostgreSQL compiled to WASM) persisted in a folder: the zero-setup default.
 * One process per folder, enforced by a lock file beside it (FolderLock): a second process
 * refuses to start, naming the folder and the holder. It has a single session, so a
 * PostgreSQL advisory lock would be re-entrant here; the migration lock is an in-process
 * queue instead.
 */
export class EmbeddedEngine implements DatabaseEngine {
  readonly kind = 'embedded';
  readonly prismaAdapter: PrismaPGlite;
  private migrationQueue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly pglite: PGlite,
    readonly location: string,
    private readonly lock: FolderLock,
  ) {
    this.prismaAdapter = new PrismaPGlite(pglite);
  }

  static async open(dataDir: string, onStaleLock?: (stale: LockHolder) => void): Promise<EmbeddedEngine> {
    const location = join(dataDir, 'pglite');
    mkdirSync(location, { recursive: true });
    const lock = FolderLock.acquire(location, join(dataDir, 'pglite.lock'), onStaleLock);
    try {
      return new EmbeddedEngine(await PGlite.create(location), location, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  withMigrationLock<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    const run = this.migrationQueue.then(() => work(this.session()));
    this.migrationQueue = run.catch(() => undefined);
    return run;
  }

  /** Only one process can open the folder, so there is nobody to tell. */
  async openChannel(): Promise<NotificationChannel> {
    return { notify: async () => undefined, close: async () => undefined };
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
    this.lock.release();
  }

  private session(): SqlSession {
    return {
      ...executorOf(this.pglite),
      transaction: (work) => this.pglite.transaction((tx) => work(executorOf(tx))),
    };
  }
}

function executorOf(db: PGlite | Transaction): SqlExecutor {
  return {
    query: async <T extends object>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    exec: async (script) => {
      await db.exec(script);
    },
  };
}
