import type { SqlExecutor } from '../../src/database/database-engine.js';
import { sortColumns, sortIndexes, type SchemaShape } from './schema-model.js';

const LEDGER = '_prisma_migrations';

/** What the migrated database actually contains (public schema, ledger excluded). */
export async function actualShape(db: SqlExecutor): Promise<SchemaShape> {
  const columns = await db.query<{
    table: string;
    column: string;
    udt: string;
    nullable: string;
    default: string | null;
    precision: number | null;
    numeric_precision: number | null;
    numeric_scale: number | null;
    is_array: boolean;
  }>(
    `SELECT c.table_name AS table, c.column_name AS column, c.is_nullable AS nullable,
            c.column_default AS default, c.datetime_precision AS precision,
            c.numeric_precision, c.numeric_scale,
            c.data_type = 'ARRAY' AS is_array,
            CASE WHEN c.data_type = 'ARRAY' THEN substr(c.udt_name, 2) ELSE c.udt_name END AS udt
       FROM information_schema.columns c
      WHERE c.table_schema = 'public' AND c.table_name <> $1`,
    [LEDGER],
  );
  const indexes = await db.query<{ table: string; name: string; unique: boolean; definition: string }>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique,
            pg_get_indexdef(x.indexrelid) AS definition
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname <> $1`,
    [LEDGER],
  );
  const enumRows = await db.query<{ name: string; value: string }>(
    `SELECT t.typname AS name, e.enumlabel AS value
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' ORDER BY t.typname, e.enumsortorder`,
  );

  return {
    columns: sortColumns(
      columns.map((c) => ({
        table: c.table,
        column: c.column,
        type: `${typeName(c)}${c.is_array ? '[]' : ''}`,
        nullable: c.nullable === 'YES',
        default: normalizeDefault(c.default),
      })),
    ),
    indexes: sortIndexes(
      indexes.map((i) => ({
        table: i.table,
        name: i.name,
        unique: i.unique,
        columns: /\((.*)\)$/.exec(i.definition)![1]!.replaceAll('"', ''),
      })),
    ),
    enums: enumRows.reduce<Record<string, string[]>>((all, row) => {
      (all[row.name] ??= []).push(row.value);
      return all;
    }, {}),
  };
}

function typeName(c: { udt: string; precision: number | null; numeric_precision: number | null; numeric_scale: number | null }): string {
  if (c.udt === 'timestamptz' || c.udt === 'timestamp') return `${c.udt}(${c.precision})`;
  if (c.udt === 'numeric') return `numeric(${c.numeric_precision},${c.numeric_scale})`;
  return c.udt;
}

/** `'MEMBER'::"UserRole"` -> MEMBER, `ARRAY['TEXT'::"Modality"]` -> {TEXT}, CURRENT_TIMESTAMP -> now(). */
function normalizeDefault(expression: string | null): string | null {
  if (expression === null) return null;
  if (/^(CURRENT_TIMESTAMP|now\(\))$/i.test(expression)) return 'now()';
  const array = /^ARRAY\[(.*)\]/.exec(expression);
  if (array) return `{${array[1]!.split(',').map((item) => literalOf(item.trim())).join(',')}}`;
  return literalOf(expression);
}

function literalOf(expression: string): string {
  const quoted = /^'((?:[^']|'')*)'(::.*)?$/.exec(expression);
  if (quoted) return quoted[1]!.replaceAll("''", "'");
  return expression.replace(/::.*$/, '');
}
