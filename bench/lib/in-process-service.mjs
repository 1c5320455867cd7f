// Starts the built service (dist/) inside this process, on PostgreSQL when DATABASE_URL is
// set, else on a fresh embedded database in a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../dist/app.factory.js';
import { AppConfig } from '../../dist/config/app-config.js';

export async function startService(extraEnv = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-bench-'));
  const config = AppConfig.fromEnv({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...extraEnv });
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = await app.getUrl();
  return {
    app,
    url: url.replace('[::1]', '127.0.0.1'),
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function initRoot(url) {
  const res = await fetch(`${url}/v1/system/init`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const body = await res.json();
  if (!body.rootApiKey) throw new Error(`init failed: ${JSON.stringify(body)}`);
  return body.rootApiKey;
}
