import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Secret } from '../../src/config/secret.js';
import type { DatabaseEngine } from '../../src/database/database-engine.js';
import { EmbeddedEngine } from '../../src/database/embedded-engine.js';
import { readMigrationFiles } from '../../src/database/migrations/migration-files.js';
import { applyMigrations } from '../../src/database/migrations/migration-runner.js';
import { PostgresEngine } from '../../src/database/postgres-engine.js';

/** A database of its own for one test file: a PostgreSQL database or a PGlite folder. */
export interface TestDatabase {
  readonly kind: 'postgres' | 'embedded';
  /** Environment that points the service at this database. */
  readonly env: Record<string, string>;
  /** A folder for files the test may write (key files, copies of migrations). */
  readonly dataDir: string;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * false gives a database without the migrations, for tests of the migrations themselves.
   * Either way it is a copy of a template made once per run by jest's globalSetup: initdb of a
   * fresh PGlite folder, then the migrations, cost each file many times what a copy does
   * (figures in bench/README.md).
   */
  readonly migrated?: boolean;
}

/** What globalSetup made for this run: PGlite DATA_DIRs, or a PostgreSQL database name. */
interface Templates {
  readonly embedded?: { readonly empty: string; readonly migrated: string };
  readonly postgres?: { readonly migrated: string };
}

/** Where globalSetup tells the test files (other processes) what it made. */
const TEMPLATES_VARIABLE = 'RR_TEST_TEMPLATES';

export async function createTestDatabase({ migrated = true }: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const templates = runTemplates();
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-test-'));
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const { empty, migrated: migratedDir } = templateFor(templates.embedded);
    copyFolder(migrated ? migratedDir : empty, dataDir);
    return {
      kind: 'embedded',
      env: { DATA_DIR: dataDir },
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = uniqueName('rr_test');
  // An empty PostgreSQL database is cheap: CREATE DATABASE copies template1.
  const from = migrated ? ` TEMPLATE "${templateFor(templates.postgres).migrated}"` : '';
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"${from}`));
  return {
    kind: 'postgres',
    env: { DATA_DIR: dataDir, DATABASE_URL: databaseUrl(adminUrl, name) },
    dataDir,
    drop: async () => {
      await dropDatabase(adminUrl, name);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function runTemplates(): Templates {
  const published = process.env[TEMPLATES_VARIABLE];
  if (!published) {
    throw new Error(`${TEMPLATES_VARIABLE} is not set: run the tests through jest, whose globalSetup makes the template databases`);
  }
  return JSON.parse(published) as Templates;
}

function templateFor<T>(template: T | undefined): T {
  if (!template) throw new Error(`${TEMPLATES_VARIABLE} has no template for this database kind: was TEST_DATABASE_URL changed after globalSetup?`);
  return template;
}

/**
 * Makes the run's templates (PGlite folders, or a PostgreSQL database on TEST_DATABASE_URL's
 * server) and publishes them to the test files; returns their removal.
 */
export async function createTemplates(): Promise<() => Promise<void>> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  const { templates, remove } = adminUrl ? await postgresTemplate(adminUrl) : await embeddedTemplates();
  process.env[TEMPLATES_VARIABLE] = JSON.stringify(templates);
  return async () => {
    delete process.env[TEMPLATES_VARIABLE];
    await remove();
  };
}

interface MadeTemplates {
  readonly templates: Templates;
  remove(): Promise<void>;
}

async function embeddedTemplates(): Promise<MadeTemplates> {
  const root = mkdtempSync(join(tmpdir(), 'rr-templates-'));
  const remove = async () => rmSync(root, { recursive: true, force: true });
  const empty = join(root, 'empty');
  const migrated = join(root, 'migrated');
  try {
    // Opening a new folder runs initdb; closing it leaves an empty database to copy.
    await (await EmbeddedEngine.open(empty)).close();
    copyFolder(empty, migrated);
    await migrate(await EmbeddedEngine.open(migrated));
  } catch (error) {
    await remove();
    throw error;
  }
  return { templates: { embedded: { empty, migrated } }, remove };
}

async function postgresTemplate(adminUrl: string): Promise<MadeTemplates> {
  const name = uniqueName('rr_template');
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const remove = () => dropDatabase(adminUrl, name);
  try {
    await migrate(new PostgresEngine(new Secret(databaseUrl(adminUrl, name)), 1));
  } catch (error) {
    await remove();
    throw error;
  }
  return { templates: { postgres: { migrated: name } }, remove };
}

/** Migrates, then closes: PostgreSQL refuses to copy a database others are connected to. */
async function migrate(engine: DatabaseEngine): Promise<void> {
  try {
    await applyMigrations(engine, await readMigrationFiles());
  } finally {
    await engine.close();
  }
}

/**
 * Copies by reading and writing each file: the files fs.cpSync makes (copyFile, through
 * copy_file_range) are an order of magnitude slower to delete on ext4, which each drop pays.
 */
function copyFolder(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const [source, target] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) copyFolder(source, target);
    else writeFileSync(target, readFileSync(source));
  }
}

function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
