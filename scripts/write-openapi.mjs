// Writes the OpenAPI document the service serves to openapi.json (checked in, so every API
// change shows in review; test/openapi.e2e-spec.ts fails when the two differ), then the
// TypeScript types of it that the CLI and the console's client are typed with.
// Run after a build: npm run openapi.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import 'reflect-metadata';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'rr-openapi-'));
try {
  const { AppConfig } = await import(join(root, 'dist/config/app-config.js'));
  const { createApp } = await import(join(root, 'dist/app.factory.js'));
  const { createLogger } = await import(join(root, 'dist/common/logging/logger.js'));
  const config = AppConfig.fromEnv({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const app = await createApp(config, createLogger('silent'));
  const reply = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/openapi.json' });
  await app.close();
  if (reply.statusCode !== 200) throw new Error(`GET /openapi.json answered ${reply.statusCode}`);
  writeFileSync(join(root, 'openapi.json'), `${JSON.stringify(JSON.parse(reply.body), null, 2)}\n`);
  console.log('wrote openapi.json');
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
await import('./generate-api-types.mjs');
