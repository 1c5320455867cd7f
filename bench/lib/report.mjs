import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Prints a table and writes bench/results/<name>-<timestamp>.json. */
export function report(name, rows, extra = {}) {
  console.table(rows);
  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, dir);
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version };
  writeFileSync(file, JSON.stringify({ name, at: new Date().toISOString(), machine, rows, ...extra }, null, 2));
  console.log(`written ${file.pathname}`);
}

export const round = (value, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
