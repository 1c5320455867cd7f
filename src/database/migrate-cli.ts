import { AppConfig } from '../config/app-config.js';
import { createDatabaseEngine } from './create-engine.js';
import { readMigrationFiles } from './migrations/migration-files.js';
import { applyMigrations } from './migrations/migration-runner.js';

/** `npm run db:migrate`: applies pending migrations to the configured database and exits. */
async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  const engine = await createDatabaseEngine(config.database);
  try {
    const applied = await applyMigrations(engine, await readMigrationFiles());
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : `${engine.location}: schema up to date`);
  } finally {
    await engine.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
