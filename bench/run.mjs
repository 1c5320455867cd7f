// npm run bench: builds (via the npm script), then runs every benchmark in turn.
// Each one prints a table and writes JSON under bench/results/. Set DATABASE_URL to run
// on PostgreSQL; otherwise each uses a fresh embedded database.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = ['hot-path.mjs', 'hot-path-cpu.mjs', 'routing.mjs', 'validation.mjs', 'auth.mjs', 'registry.mjs', 'limits.mjs', 'local.mjs', 'isolation.mjs'];
const only = process.argv.slice(2);

for (const bench of BENCHES.filter((name) => only.length === 0 || only.some((o) => name.startsWith(o)))) {
  console.log(`\n=== ${bench}`);
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(bench, import.meta.url))], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
