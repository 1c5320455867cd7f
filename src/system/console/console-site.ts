import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build` puts the console (web/ built by Vite): dist/console beside the compiled service. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../dist/console', import.meta.url));

/**
 * Only files from this origin; no inline script or style (the build emits none), no eval,
 * no framing, no plugins. `connect-src 'self'` keeps the page's API calls on this service.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Shown at /console/ when the build output is missing (a production install without dev dependencies). */
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Console not built</title></head>
<body><main><h1>The console is not built</h1>
<p>This service serves the admin console from <code>dist/console/</code>, which is missing.
Build it with the development dependencies installed: <code>npm install &amp;&amp; npm run build</code>
(<code>npm start</code> does both), then restart. The API itself is running: see <a href="/docs">/docs</a>.</p>
</main></body></html>
`;

/**
 * Serves the console at /console/: hashed assets from dist/console/assets (cached for a
 * year: their names change with their content), index.html for every other path under
 * /console/ so the console's own routes survive a reload (never cached, so a new build is
 * picked up at once). Every answer carries the CSP and the other security headers.
 */
export async function registerConsoleSite(fastify: FastifyInstance, dir = CONSOLE_DIR): Promise<void> {
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', (_request, reply, done) => {
      void reply.headers(SECURITY_HEADERS);
      done();
    });
    scope.get('/console', (_request, reply) => reply.redirect('/console/', 308));
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      scope.get('/console/*', (_request, reply) => html(reply, 503, NOT_BUILT_PAGE));
      return;
    }
    const page = readFileSync(index, 'utf8');
    await scope.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: '/console/assets/',
      decorateReply: false,
      index: false,
      wildcard: false,
      immutable: true,
      maxAge: '365d',
    });
    scope.get('/console/*', (_request, reply) => html(reply, 200, page));
  });
}

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(body);
}
