// What calling by name costs: model-name resolution from memory, and alias calls beside
// direct calls by id through the same upstream.
//   npm run build && node bench/routing.mjs        (DATABASE_URL=... for PostgreSQL)
// 1. ModelResolver.resolve() warm, per call: an alias name, a modelIdentifier, an id.
// 2. HTTP p50, interleaved: POST /v1/rerank with model = reranker id / alias name /
//    modelIdentifier, and POST /v1/aliases/{name}/rerank, against one fake Cohere upstream.
import { performance } from 'node:perf_hooks';
import { Principal } from '../dist/auth/principal.js';
import { ModelResolver } from '../dist/rerank/routing/model-resolver.js';
import { percentiles } from './lib/load.mjs';
import { startUpstream } from './lib/processes.mjs';
import { report, round } from './lib/report.mjs';
import { initRoot, startService } from './lib/in-process-service.mjs';

const CALLS = 200_000;
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 3000);

const upstream = await startUpstream();
const service = await startService({ EGRESS_ALLOW_PRIVATE: 'true' });
try {
  const key = await initRoot(service.url);
  const headers = { 'content-type': 'application/json', 'x-api-key': key };
  const me = await (await fetch(`${service.url}/v1/users/me`, { headers })).json();
  const reranker = await post('/v1/rerankers', {
    displayName: 'bench',
    providerType: 'COHERE',
    endpointUrl: upstream.url,
    modelIdentifier: 'bench-model',
    credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { inlineSecret: 'bench-upstream-key' } },
  });
  await post('/v1/aliases', { name: 'bench-alias', strategy: 'WEIGHTED', targets: [{ rerankerId: reranker.rerankerId }] });

  const resolver = service.app.get(ModelResolver);
  const principal = new Principal(me.userId, me.role, 'bench');
  const resolveUs = {};
  for (const [name, model] of Object.entries({ alias: 'bench-alias', modelIdentifier: 'bench-model', id: reranker.rerankerId })) {
    await resolver.resolve(principal, model);
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) await resolver.resolve(principal, model);
    resolveUs[name] = ((performance.now() - started) * 1000) / CALLS;
  }

  const documents = Array.from({ length: 20 }, (_, i) => `${i} lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor`);
  const compat = (model) => ({ path: '/v1/rerank', body: JSON.stringify({ model, query: 'tempor', documents, top_n: 5, return_documents: false }) });
  const targets = {
    'by id': compat(reranker.rerankerId),
    'by alias name': compat('bench-alias'),
    'by modelIdentifier': compat('bench-model'),
    'alias route': { path: '/v1/aliases/bench-alias/rerank', body: JSON.stringify({ query: 'tempor', documents, topN: 5, returnDocuments: false }) },
  };
  const p50 = await interleaved(targets, SEQUENTIAL);

  report('routing', [
    { measure: 'resolve() warm, alias name (µs per call)', value: round(resolveUs.alias, 2) },
    { measure: 'resolve() warm, modelIdentifier (µs per call)', value: round(resolveUs.modelIdentifier, 2) },
    { measure: 'resolve() warm, reranker id (µs per call)', value: round(resolveUs.id, 2) },
    ...Object.entries(p50).map(([name, value]) => ({ measure: `POST ${targets[name].path} ${name}: p50 / p99 (ms)`, value: `${round(value.p50)} / ${round(value.p99)}` })),
    { measure: 'alias name vs id, p50 difference (ms)', value: round(p50['by alias name'].p50 - p50['by id'].p50) },
  ]);

  async function post(path, body) {
    const res = await fetch(`${service.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const json = await res.json();
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  async function interleaved(calls, count) {
    const { Pool } = await import('undici');
    const pool = new Pool(service.url, { connections: 1 });
    const samples = Object.fromEntries(Object.keys(calls).map((name) => [name, new Float64Array(count)]));
    try {
      for (let i = -200; i < count; i++) {
        for (const [name, call] of Object.entries(calls)) {
          const started = process.hrtime.bigint();
          const res = await pool.request({ method: 'POST', path: call.path, headers, body: call.body });
          await res.body.dump();
          if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode}`);
          if (i >= 0) samples[name][i] = Number(process.hrtime.bigint() - started) / 1e6;
        }
      }
    } finally {
      await pool.close();
    }
    return Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, percentiles(s)]));
  }
} finally {
  await service.close();
  await upstream.stop();
}
