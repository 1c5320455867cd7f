/**
 * Jest's global setup. The built-in rankers run in worker threads, which load compiled
 * JavaScript (src/providers/builtin/worker-entry.ts): this compiles the worker module and
 * everything it imports into dist/, so the tests run on a fresh clone without `npm run build`,
 * and never on a stale worker.
 */
import { join } from 'node:path';
import { compileModuleGraph, root } from './compile-graph.mjs';

export default function compileBuiltinWorker() {
  compileModuleGraph([join(root, 'src', 'providers', 'builtin', 'rank-worker.ts')]);
}
