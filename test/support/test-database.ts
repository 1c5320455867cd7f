import { cpSync, mkdtempSync, rmSync } from 'node:fs';
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
   * false gives an empty database, for tests of the migrations themselves. By default the
   * database is a copy of the run's migrated template (made once by jest's globalSetup):
   * migrating a fresh PGlite folder costs each file ~9 s of a 2-core machine.
   */
  readonly migrated?: boolean;
}

/** Where globalSetup tells the test files (other processes) which template it made. */
const TEMPLATE_VARIABLE = 'RR_TEST_TEMPLATE';

export async function createTestDatabase({ migrated = true }: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const template = migrated ? migratedTemplate() : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-test-'));
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    if (template) cpSync(template, dataDir, { recursive: true });
    return {
      kind: 'embedded',
      env: { DATA_DIR: dataDir },
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = uniqueName('rr_test');
  await withAdminClient(adminUrl, (client) =>
    client.query(template ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`),
  );
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

function migratedTemplate(): string {
  const template = process.env[TEMPLATE_VARIABLE];
  if (!template) {
    throw new Error(`${TEMPLATE_VARIABLE} is not set: run the tests through jest, whose globalSetup makes the migrated template`);
  }
  return template;
}

/**
 * Makes the run's migrated template (a PGlite folder, or a PostgreSQL database on
 * TEST_DATABASE_URL's server) and publishes it to the test files; returns its removal.
 */
export async function createMigratedTemplate(): Promise<() => Promise<void>> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  let engine: DatabaseEngine;
  let remove: () => Promise<void>;
  if (!adminUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'rr-template-'));
    remove = async () => rmSync(dir, { recursive: true, force: true });
    engine = await EmbeddedEngine.open(dir);
    process.env[TEMPLATE_VARIABLE] = dir;
  } else {
    const name = uniqueName('rr_template');
    await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
    remove = () => dropDatabase(adminUrl, name);
    engine = new PostgresEngine(new Secret(databaseUrl(adminUrl, name)), 1);
    process.env[TEMPLATE_VARIABLE] = name;
  }
  try {
    await applyMigrations(engine, await readMigrationFiles());
  } catch (error) {
    await engine.close();
    await remove();
    throw error;
  }
  // Closed before any copy: PostgreSQL refuses to copy a database others are connected to.
  await engine.close();
  return async () => {
    delete process.env[TEMPLATE_VARIABLE];
    await remove();
  };
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
