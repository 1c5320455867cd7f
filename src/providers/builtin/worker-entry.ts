import { existsSync } from 'node:fs';

const WORKER_FILE = 'rank-worker.js';

/**
 * The worker thread's module: always compiled JavaScript, since a worker is plain Node. The
 * service runs from dist/, where it sits beside this module. Under ts-jest this module is
 * src/providers/builtin/worker-entry.ts, run from source, so the worker is the same file under
 * dist/; test/support/builtin-worker.setup.mjs compiles it (and what it imports) there before any
 * test, so `npm test` works on a fresh clone without a build.
 */
export function workerEntry(here: string = import.meta.url): URL {
  if (!here.endsWith('.ts')) return new URL(WORKER_FILE, here);
  const source = here.lastIndexOf('/src/');
  const compiled = new URL(`${here.slice(0, source)}/dist/${here.slice(source + '/src/'.length, here.lastIndexOf('/') + 1)}${WORKER_FILE}`);
  if (!existsSync(compiled)) throw new Error(`The built-in rankers' worker ${compiled.pathname} is not compiled: run npm run build`);
  return compiled;
}
