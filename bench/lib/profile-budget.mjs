// Turns a V8 .cpuprofile into a per-request CPU budget: self time of every sampled frame,
// grouped into the steps of a rerank call (by the frame's script and function), divided by
// the number of calls the profile covered. Idle time is left out.
import { readFileSync } from 'node:fs';

/** [step, test(url, functionName)], first match wins; order matters. */
const STEPS = [
  ['GC', (url, fn) => fn === '(garbage collector)'],
  ['body parsing (JSON parser + checks)', (url) => url.includes('/common/http/json-body-parser')],
  ['validation (compiled schemas, pipes)', (url) => url.includes('/common/validation/') || url.includes('/node_modules/ajv') || url.includes('/dto/')],
  ['authentication (key verifier, guard)', (url) => url.includes('/dist/auth/')],
  ['Nest execution context, guards, pipes, interceptors', (url) => url.includes('/node_modules/@nestjs/')],
  ['fastify routing, hooks, reply', (url) => url.includes('/node_modules/fastify/') || url.includes('/node_modules/find-my-way/') || url.includes('/node_modules/light-my-request/') || url.includes('/node_modules/avvio/') || url.includes('/node_modules/@fastify/')],
  ['response serialization', (url) => url.includes('fast-json-stringify') || url.includes('/rerank/dto/rerank.response') || url.includes('/rerank/http/')],
  ['target lookup, routing, breaker', (url) => url.includes('/rerank/rerank-targets') || url.includes('/rerank/routing/') || url.includes('circuit-breaker') || url.includes('/common/cache/') || url.includes('/node_modules/lru-cache/')],
  ['request rendering (documents, batches, adapter body)', (url) => url.includes('/rerank/document-text') || url.includes('/rerank/batch-plan') || url.includes('/rerank/providers/')],
  ['upstream client (egress, deadline, retries)', (url) => url.includes('/rerank/upstream/') || url.includes('/dist/egress/')],
  ['rerank service (checks, merge, sort)', (url) => url.includes('/dist/rerank/')],
  ['undici', (url) => url.includes('/node_modules/undici/') || url.includes('node:internal/deps/undici')],
  ['rate limits and quotas', (url) => url.includes('/dist/limits/') || url.includes('/node_modules/rate-limiter-flexible/')],
  ['usage metering and pricing', (url) => url.includes('/dist/usage/')],
  ['access log (pino)', (url) => url.includes('/node_modules/pino') || url.includes('/node_modules/thread-stream/') || url.includes('/node_modules/sonic-boom/') || url.includes('/common/logging/')],
  ['metrics (prom-client)', (url) => url.includes('/node_modules/prom-client/') || url.includes('/dist/metrics/')],
  ['errors, request ids, other app code', (url) => url.includes('/dist/')],
  ['bare proxy own code', (url) => url.includes('/bench/bare-proxy')],
  ['node http, net, streams, timers', (url) => url.startsWith('node:')],
  ['native builtins (JSON, regexp, string, crypto)', (url) => url === ''],
  ['other node_modules', () => true],
];

/**
 * µs per call for each step, largest first. `window` ({ fromUs, toUs }, CLOCK_MONOTONIC µs as
 * process.hrtime gives them) keeps only the samples taken while the measured calls ran.
 */
export function budget(profilePath, calls, window) {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  const deltas = profile.timeDeltas;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += deltas[i];
    if (window && (at < window.fromUs || at > window.toUs)) return;
    const node = byId.get(id);
    const step = stepOf(node.callFrame.url, node.callFrame.functionName);
    selfUs.set(step, (selfUs.get(step) ?? 0) + (deltas[i + 1] ?? 0));
  });
  selfUs.delete('idle');
  const rows = [...selfUs].map(([step, us]) => ({ step, usPerCall: us / calls })).sort((a, b) => b.usPerCall - a.usPerCall);
  return { rows, totalUsPerCall: rows.reduce((sum, row) => sum + row.usPerCall, 0) };
}

function stepOf(url, functionName) {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'V8 / libuv (program)';
  return STEPS.find(([, test]) => test(url, functionName))[0];
}
