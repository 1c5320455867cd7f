import { fileURLToPath } from 'node:url';
import type { DatabaseEngine } from '../src/database/database-engine.js';
import { readMigrationFiles } from '../src/database/migrations/migration-files.js';
import { applyMigrations } from '../src/database/migrations/migration-runner.js';
import { actualShape } from './support/database-shape.js';
import { expectedShape, type SchemaShape } from './support/schema-model.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { openTestEngine } from './support/test-engine.js';

const SCHEMA = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));

describe('schema drift: the migrated database matches schema.prisma', () => {
  let db: TestDatabase;
  let engine: DatabaseEngine;
  let expected: SchemaShape;
  let actual: SchemaShape;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    engine = await openTestEngine(db);
    await applyMigrations(engine, await readMigrationFiles());
    expected = expectedShape(SCHEMA);
    actual = await engine.withMigrationLock((session) => actualShape(session));
  });

  afterAll(async () => {
    await engine.close();
    await db.drop();
  });

  it('has exactly the tables and columns of the schema, with their types and nullability', () => {
    const strip = (shape: SchemaShape) => shape.columns.map(({ default: _d, ...rest }) => rest);
    expect(strip(actual)).toEqual(strip(expected));
  });

  it('has the defaults of the schema', () => {
    const defaults = (shape: SchemaShape) => shape.columns.map((c) => `${c.table}.${c.column}=${c.default}`);
    expect(defaults(actual)).toEqual(defaults(expected));
  });

  it('has the primary keys, unique constraints and indexes of the schema', () => {
    expect(actual.indexes).toEqual(expected.indexes);
  });

  it('has the enums of the schema with their values in order', () => {
    expect(actual.enums).toEqual(expected.enums);
  });
});
