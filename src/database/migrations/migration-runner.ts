import { randomUUID } from 'node:crypto';
import type { DatabaseEngine, SqlExecutor } from '../database-engine.js';
import type { MigrationFile } from './migration-files.js';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

interface LedgerRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Prisma Migrate's own ledger, so `prisma migrate status` agrees with this runner. */
const CREATE_LEDGER = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies pending migrations in order, each in its own transaction together with its
 * ledger row, under the engine's migration lock. Refuses to run when an applied
 * migration's file was edited or when the ledger records a failed migration.
 */
export async function applyMigrations(engine: DatabaseEngine, files: readonly MigrationFile[]): Promise<string[]> {
  return engine.withMigrationLock(async (session) => {
    await session.exec(CREATE_LEDGER);
    const ledger = await readLedger(session);
    verifyLedger(ledger, files);
    const done = new Set(ledger.map((row) => row.migration_name));
    const pending = files.filter((file) => !done.has(file.name));
    for (const file of pending) {
      await session.transaction((tx) => applyOne(tx, file));
    }
    return pending.map((file) => file.name);
  });
}

async function readLedger(db: SqlExecutor): Promise<LedgerRow[]> {
  return db.query<LedgerRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"
     WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
}

function verifyLedger(ledger: readonly LedgerRow[], files: readonly MigrationFile[]): void {
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const row of ledger) {
    if (row.finished_at === null) {
      throw new MigrationError(
        `Migration ${row.migration_name} started but never finished; resolve it (prisma migrate resolve) before starting`,
      );
    }
    const file = byName.get(row.migration_name);
    if (file && file.checksum !== row.checksum) {
      throw new MigrationError(
        `Migration ${row.migration_name} was modified after it was applied (checksum ${row.checksum} in the database, ${file.checksum} on disk); restore the original file and add a new migration instead`,
      );
    }
  }
}

async function applyOne(tx: SqlExecutor, file: MigrationFile): Promise<void> {
  await tx.exec(file.sql);
  await tx.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
    [randomUUID(), file.checksum, file.name],
  );
}
