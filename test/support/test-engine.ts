import { AppConfig } from '../../src/config/app-config.js';
import { createDatabaseEngine } from '../../src/database/create-engine.js';
import type { DatabaseEngine } from '../../src/database/database-engine.js';
import type { TestDatabase } from './test-database.js';

/** A raw engine (no Nest app) on a test database, for migration-level tests. */
export async function openTestEngine(db: TestDatabase): Promise<DatabaseEngine> {
  const config = AppConfig.fromEnv({ NODE_ENV: 'test', ...db.env });
  return createDatabaseEngine(config.database);
}

/** Runs one read-only query outside any migration. */
export function queryOn<T extends object>(engine: DatabaseEngine, sql: string, params?: unknown[]): Promise<T[]> {
  return engine.withMigrationLock((session) => session.query<T>(sql, params));
}
