// Builds the admin console (web/, Vite + Preact) into dist/console/, which the service serves
// at /console/. Skipped when the output is newer than every file under web/, so a start with
// nothing changed stays fast (--force builds anyway). Where Vite is not installed (a
// production install without dev dependencies) nothing is built and the service answers
// /console/ with a page saying how to build it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const output = join(root, 'dist/console/index.html');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const force = process.argv.includes('--force');
if (!force && existsSync(output) && statSync(output).mtimeMs > newestSource(web)) {
  console.log('console: dist/console is up to date');
  process.exit(0);
}

let vite;
try {
  vite = await import('vite');
} catch {
  console.log('console: Vite is not installed (dev dependencies), the console is not built; /console/ will say so');
  process.exit(0);
}
await vite.build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
console.log('console: built into dist/console');
