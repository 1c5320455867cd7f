// Authenticated request overhead with a warm key cache.
//   npm run build && node bench/auth.mjs
// 1. verifier.verify() on a warm key: time per call and how many argon2 verifications ran.
// 2. HTTP: GET /v1/system/info (public, one DB query) vs GET /v1/users/me (API key + one
//    DB query): the latency difference is what authentication adds per request.
import { performance } from 'node:perf_hooks';
import { ApiKeyVerifier } from '../dist/api-keys/api-key-verifier.js';
import { load, sequential } from './lib/load.mjs';
import { report, round } from './lib/report.mjs';
import { initRoot, startService } from './lib/in-process-service.mjs';

const service = await startService();
try {
  const key = await initRoot(service.url);
  const verifier = service.app.get(ApiKeyVerifier);

  await verifier.verify(key);
  const missesBefore = verifier.cacheStats.misses;
  const calls = 200_000;
  const started = performance.now();
  for (let i = 0; i < calls; i++) await verifier.verify(key);
  const perCallUs = ((performance.now() - started) * 1000) / calls;
  const argon2Runs = verifier.cacheStats.misses - missesBefore;

  const headers = { 'x-api-key': key };
  await sequential({ url: service.url, path: '/v1/users/me', headers, count: 500 });
  const publicRoute = await sequential({ url: service.url, path: '/v1/system/info', count: 5000 });
  const authRoute = await sequential({ url: service.url, path: '/v1/users/me', headers, count: 5000 });
  const publicLoad = await load({ url: service.url, path: '/v1/system/info', connections: 8, duration: 5 });
  const authLoad = await load({ url: service.url, path: '/v1/users/me', headers, connections: 8, duration: 5 });

  report('auth', [
    { measure: 'verify() warm, per call (µs)', value: round(perCallUs) },
    { measure: `argon2 runs during ${calls} warm verifications`, value: argon2Runs },
    { measure: 'GET /v1/system/info p50 / p99 (ms, public)', value: `${round(publicRoute.p50)} / ${round(publicRoute.p99)}` },
    { measure: 'GET /v1/users/me p50 / p99 (ms, authenticated)', value: `${round(authRoute.p50)} / ${round(authRoute.p99)}` },
    { measure: 'authentication adds, p50 (ms)', value: round(authRoute.p50 - publicRoute.p50) },
    { measure: 'GET /v1/system/info req/s (8 conns)', value: round(publicLoad.rps, 0) },
    { measure: 'GET /v1/users/me req/s (8 conns)', value: round(authLoad.rps, 0) },
    { measure: 'errors', value: publicRoute.errors + authRoute.errors + publicLoad.errors + authLoad.errors },
  ]);
} finally {
  await service.close();
}
