import { cpSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseEngine } from '../src/database/database-engine.js';
import { DEFAULT_MIGRATIONS_DIR, readMigrationFiles } from '../src/database/migrations/migration-files.js';
import { applyMigrations, MigrationError } from '../src/database/migrations/migration-runner.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { openTestEngine, queryOn } from './support/test-engine.js';

interface LedgerEntry {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
}

describe('migration runner', () => {
  let db: TestDatabase;
  const engines: DatabaseEngine[] = [];

  beforeEach(async () => {
    db = await createTestDatabase({ migrated: false });
  });

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.close()));
    await db.drop();
  });

  async function engine(): Promise<DatabaseEngine> {
    const opened = await openTestEngine(db);
    engines.push(opened);
    return opened;
  }

  function ledger(on: DatabaseEngine): Promise<LedgerEntry[]> {
    return queryOn<LedgerEntry>(
      on,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
  }

  /** A private copy of the migrations folder that a test may edit. */
  function copyOfMigrations(): string {
    const dir = join(db.dataDir, 'migrations');
    cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    return dir;
  }

  it('applies every migration once, in order, recorded in the Prisma ledger with its checksum', async () => {
    const files = await readMigrationFiles();
    const first = await engine();
    expect(await applyMigrations(first, files)).toEqual(files.map((f) => f.name));
    expect(await applyMigrations(first, files)).toEqual([]);

    const rows = await ledger(first);
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(files.map((f) => [f.name, f.checksum]));
    expect(rows.every((r) => r.finished_at !== null && r.applied_steps_count === 1)).toBe(true);
  });

  it('applies migrations exactly once when two runners start at the same moment', async () => {
    const files = await readMigrationFiles();
    // PostgreSQL: two separate connection pools, as two instances would have. Embedded:
    // one folder can be opened by one process only, so both runners share its engine.
    const a = await engine();
    const b = db.kind === 'postgres' ? await engine() : a;

    const [fromA, fromB] = await Promise.all([applyMigrations(a, files), applyMigrations(b, files)]);

    expect([...fromA, ...fromB].sort()).toEqual(files.map((f) => f.name));
    expect(await ledger(a)).toHaveLength(files.length);
  });

  it('refuses to start when an applied migration was edited afterwards', async () => {
    const dir = copyOfMigrations();
    const on = await engine();
    await applyMigrations(on, await readMigrationFiles(dir));

    const [first] = await readMigrationFiles(dir);
    appendFileSync(join(dir, first!.name, 'migration.sql'), '\n-- a harmless-looking edit\n');

    const attempt = applyMigrations(on, await readMigrationFiles(dir));
    await expect(attempt).rejects.toThrow(MigrationError);
    await expect(attempt).rejects.toThrow(/was modified after it was applied/);
  });

  it('rolls a failing migration back completely and records nothing for it', async () => {
    const dir = copyOfMigrations();
    const broken = join(dir, '99990101000000_broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'migration.sql'), 'CREATE TABLE "half_done" (id int);\nSELECT * FROM "no_such_table";\n');
    const on = await engine();

    await expect(applyMigrations(on, await readMigrationFiles(dir))).rejects.toThrow(/no_such_table/);

    const rows = await ledger(on);
    expect(rows.map((r) => r.migration_name)).not.toContain('99990101000000_broken');
    const tables = await queryOn<{ n: number }>(
      on,
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half_done'",
    );
    expect(tables[0]!.n).toBe(0);
  });
});
