import type { DatabaseConfig } from '../config/app-config.js';
import type { DatabaseEngine } from './database-engine.js';
import { EmbeddedEngine } from './embedded-engine.js';
import { PostgresEngine } from './postgres-engine.js';

export async function createDatabaseEngine(config: DatabaseConfig): Promise<DatabaseEngine> {
  return config.url ? new PostgresEngine(config.url, config.poolSize) : EmbeddedEngine.open(config.dataDir);
}
