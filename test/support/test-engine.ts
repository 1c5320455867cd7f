import { AppConfig } from '../../src/config/app-config.js';
import { createDatabaseEngine } from '../../src/database/create-engine.js';
import type { DatabaseEngine } from '../../src/database/database-engine.js';
import { readMigrationFiles } from '../../src/database/migrations/migration-files.js';
import { applyMigrations } from '../../src/database/migrations/migration-runner.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** A raw engine (no Nest app) on a test database, for migration-level tests. */
export async function openTestEngine(db: TestDatabase): Promise<DatabaseEngine> {
  const config = AppConfig.fromEnv({ NODE_ENV: 'test', ...db.env });
  return createDatabaseEngine(config.database);
}

/** Runs one read-only query outside any migration. */
export function queryOn<T extends object>(engine: DatabaseEngine, sql: string, params?: unknown[]): Promise<T[]> {
  return engine.withMigrationLock((session) => session.query<T>(sql, params));
}

/**
 * An unmigrated test database and a raw engine on it for the whole suite (opened before its
 * tests, closed and dropped after them); the returned function gives the engine.
 */
export function unmigratedEngineForSuite(): () => DatabaseEngine {
  let db: TestDatabase;
  let engine: DatabaseEngine;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    engine = await openTestEngine(db);
  });
  afterAll(async () => {
    await engine.close();
    await db.drop();
  });
  return () => engine;
}

/** The schema as it was just before `migration`: every older migration applied, for rows that one must carry over. */
export async function migrateUpTo(engine: DatabaseEngine, migration: string): Promise<void> {
  await applyMigrations(engine, (await readMigrationFiles()).filter((file) => file.name < migration));
}

/** Every migration, the ones not applied yet among them. */
export async function migrateAll(engine: DatabaseEngine): Promise<void> {
  await applyMigrations(engine, await readMigrationFiles());
}

/** A user row written straight to the table, for rows seeded under an older schema. */
export async function insertUser(engine: DatabaseEngine, id: string): Promise<void> {
  await queryOn(engine, `INSERT INTO "users" (id, email, display_name, updated_at) VALUES ($1, $2, 'u', now())`, [id, `${id}@example.com`]);
}
