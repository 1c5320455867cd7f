import Table from 'cli-table3';
import pc from 'picocolors';
import { stringify } from 'yaml';
import { UsageError } from './errors.js';
import type { CliIo, OutputStream } from './io.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'name'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputOptions {
  output?: string;
  quiet?: boolean;
}

export interface Column<T> {
  header: string;
  value: (item: T) => string | number | boolean | null | undefined;
  /** Cut longer cells on a terminal (documents, descriptions). */
  maxWidth?: number;
}

/** How one kind of object is shown: its table, its id (--quiet) and its name (-o name). */
export interface View<T> {
  columns: ReadonlyArray<Column<T>>;
  id: (item: T) => string;
  name: (item: T) => string;
}

export type Colors = ReturnType<typeof pc.createColors>;

/** Colours only on a terminal, and never when NO_COLOR is set to anything (no-color.org). */
export function colorsFor(io: CliIo, stream: OutputStream): Colors {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  return pc.createColors(Boolean(stream.isTTY) && !noColor && io.env.TERM !== 'dumb');
}

/** The format asked for, else a table on a terminal and JSON when piped. */
export function outputFormat(io: CliIo, options: OutputOptions): OutputFormat {
  if (options.output === undefined) return io.stdout.isTTY ? 'table' : 'json';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(options.output)) {
    throw new UsageError(`-o must be one of ${OUTPUT_FORMATS.join(', ')}, not ${JSON.stringify(options.output)}`);
  }
  return options.output as OutputFormat;
}

/** Writes a list: a table, JSON or YAML of what the server answered, names, or (--quiet) ids. */
export function printList<T>(io: CliIo, options: OutputOptions, view: View<T>, items: readonly T[]): void {
  if (options.quiet) return writeLines(io, items.map(view.id));
  const format = outputFormat(io, options);
  if (format === 'json') return void io.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
  if (format === 'yaml') return void io.stdout.write(stringify(items));
  if (format === 'name') return writeLines(io, items.map(view.name));
  io.stdout.write(renderTable(io, view.columns, items));
}

/** Writes one object, the same ways. */
export function printOne<T>(io: CliIo, options: OutputOptions, view: View<T>, item: T): void {
  if (options.quiet) return writeLines(io, [view.id(item)]);
  const format = outputFormat(io, options);
  if (format === 'json') return void io.stdout.write(`${JSON.stringify(item, null, 2)}\n`);
  if (format === 'yaml') return void io.stdout.write(stringify(item));
  if (format === 'name') return writeLines(io, [view.name(item)]);
  io.stdout.write(renderTable(io, view.columns, [item]));
}

/** Writes a document (JSON or YAML) for answers that are not rows, e.g. a usage report's totals. */
export function printDocument(io: CliIo, format: 'json' | 'yaml', value: unknown): void {
  io.stdout.write(format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value));
}

function writeLines(io: CliIo, lines: readonly string[]): void {
  if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
}

/** Plain aligned columns, kubectl style; cells cut only on a terminal, where width is scarce. */
export function renderTable<T>(io: CliIo, columns: ReadonlyArray<Column<T>>, items: readonly T[]): string {
  const colors = colorsFor(io, io.stdout);
  const table = new Table({
    head: columns.map((column) => colors.bold(column.header)),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
      'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '   ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const item of items) {
    table.push(
      columns.map((column) => {
        const text = cell(column.value(item));
        const cut = io.stdout.isTTY && column.maxWidth !== undefined && text.length > column.maxWidth;
        return cut ? `${text.slice(0, column.maxWidth! - 1)}…` : text;
      }),
    );
  }
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}

function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

/** `k=v, k2=v2` for a table cell. */
export function labelsCell(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** Epoch ms as an ISO 8601 time for a table cell. */
export function timeCell(epochMs: number | null | undefined): string {
  return epochMs === null || epochMs === undefined ? '' : new Date(epochMs).toISOString();
}
