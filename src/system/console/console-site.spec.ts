import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { CONSOLE_CSP, registerConsoleSite } from './console-site.js';

/** Over a real socket: Fastify's inject() loads an ESM-only cookie package Jest cannot require on Node 20. */
async function serve(dir: string): Promise<{ app: FastifyInstance; get(path: string): Promise<{ status: number; body: string; headers: Headers }> }> {
  const app = Fastify();
  await registerConsoleSite(app, dir);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    get: async (path) => {
      const response = await fetch(`${base}${path}`, { redirect: 'manual' });
      return { status: response.status, body: await response.text(), headers: response.headers };
    },
  };
}

describe('registerConsoleSite', () => {
  const dirs: string[] = [];
  const dir = () => {
    const made = mkdtempSync(join(tmpdir(), 'rr-console-'));
    dirs.push(made);
    return made;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('says how to build the console when dist/console is missing, under the same CSP', async () => {
    const { app, get } = await serve(join(dir(), 'missing'));
    const page = await get('/console/');
    expect(page.status).toBe(503);
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(page.body).toContain('npm run build');
    await app.close();
  });

  it('serves assets as immutable and index.html for every other console path', async () => {
    const built = dir();
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), '<!doctype html><div id="app"></div>');
    writeFileSync(join(built, 'assets', 'index-abc.js'), 'console.log(1)');
    const { app, get } = await serve(built);
    const asset = await get('/console/assets/index-abc.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const deep = await get('/console/aliases/a%2Fb');
    expect([deep.status, deep.body, deep.headers.get('cache-control')]).toEqual([200, '<!doctype html><div id="app"></div>', 'no-cache']);
    expect((await get('/console/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd')).body).not.toContain('root:');
    expect((await get('/console')).headers.get('location')).toBe('/console/');
    await app.close();
  });
});
