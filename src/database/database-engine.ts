import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';

export type DatabaseKind = 'postgres' | 'embedded';

/** Raw SQL access used by the migration runner (Prisma's raw API cannot run scripts). */
export interface SqlExecutor {
  query<T extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script that may hold several statements. */
  exec(script: string): Promise<void>;
}

export interface SqlSession extends SqlExecutor {
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/**
 * Messages between instances sharing one database (PostgreSQL LISTEN/NOTIFY). `onMessage`
 * gets every payload sent on the channel by anyone; `onGap` runs when the listening
 * connection is lost and again when it is re-established: messages may have been missed.
 */
export interface NotificationChannel {
  notify(payload: string): Promise<void>;
  close(): Promise<void>;
}

export interface ChannelHandlers {
  onMessage(payload: string): void;
  onGap(): void;
}

/** One physical database (a PostgreSQL pool or an embedded PGlite), shared by Prisma and raw SQL. */
export interface DatabaseEngine {
  readonly kind: DatabaseKind;
  /** Where the data is, safe to log (no credentials). */
  readonly location: string;
  readonly prismaAdapter: SqlDriverAdapterFactory;
  /**
   * Runs `work` on a dedicated session while holding the migration lock: a PostgreSQL
   * advisory lock (shared with Prisma Migrate's key) so concurrent instances serialize.
   */
  withMigrationLock<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** A cross-instance channel; the embedded engine is one process and returns a silent one. */
  openChannel(name: string, handlers: ChannelHandlers): Promise<NotificationChannel>;
  close(): Promise<void>;
}

export const DATABASE_ENGINE = Symbol('DATABASE_ENGINE');

/** The advisory lock key Prisma Migrate itself uses, so both tools exclude each other. */
export const MIGRATION_LOCK_KEY = 72707369;
