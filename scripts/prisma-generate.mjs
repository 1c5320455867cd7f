// Runs `prisma generate` without network access. Prisma's CLI tries to download the
// schema engine unless PRISMA_SCHEMA_ENGINE_BINARY names an existing file; `generate`
// never executes that engine (the query side is WASM), so any existing file will do.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);

const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
