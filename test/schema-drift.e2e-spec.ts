import { fileURLToPath } from 'node:url';
import { actualShape } from './support/database-shape.js';
import { expectedShape, type SchemaShape } from './support/schema-model.js';
import { migrateAll, unmigratedEngineForSuite } from './support/test-engine.js';

const SCHEMA = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));

describe('schema drift: the migrated database matches schema.prisma', () => {
  const engineOf = unmigratedEngineForSuite();
  let expected: SchemaShape;
  let actual: SchemaShape;

  beforeAll(async () => {
    const engine = engineOf();
    await migrateAll(engine);
    expected = expectedShape(SCHEMA);
    actual = await engine.withMigrationLock((session) => actualShape(session));
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
