import type { DatabaseConfig } from '../config/app-config.js';
import type { DatabaseEngine } from './database-engine.js';
import { EmbeddedEngine } from './embedded-engine.js';
import type { LockHolder } from './folder-lock.js';
import { PostgresEngine } from './postgres-engine.js';

/** `onStaleLock`: the embedded folder's lock was left by a process that is gone, and taken over. */
export async function createDatabaseEngine(config: DatabaseConfig, onStaleLock?: (stale: LockHolder) => void): Promise<DatabaseEngine> {
  return config.url ? new PostgresEngine(config.url, config.poolSize) : EmbeddedEngine.open(config.dataDir, onStaleLock);
}
