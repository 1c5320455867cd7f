// What a hostile tenant can take from the others (issue 19 items 2 and 5).
//   npm run build && node bench/isolation.mjs
// 1. In-flight share: a member whose upstream never answers (requestTimeoutMs 600,000) keeps
//    BENCH_ATTACK_CALLS (1,100) calls open on three keys; meanwhile another member calls a
//    healthy upstream one call at a time: its success rate and latency. Run with the default
//    shares, then with shares as large as the budget (first come, first served, as before #19).
// 2. Key creation: a member runs 32 concurrent key-creation loops (limits lifted, so only the
//    argon2 pool stands in the way; then with the default limits); meanwhile other users'
//    first logins (one argon2 verification each) and DNS lookups (which share libuv's
//    threadpool with argon2); and both without any flood, as the baseline.
// The connection cap per address is off here: every client of this benchmark is 127.0.0.1.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { percentiles } from './lib/load.mjs';
import { report, round } from './lib/report.mjs';
import { initRoot, startService } from './lib/in-process-service.mjs';

const ATTACK_CALLS = Number(process.env.BENCH_ATTACK_CALLS ?? 1100);
const VICTIM_CALLS = Number(process.env.BENCH_VICTIM_CALLS ?? 200);
const json = { 'content-type': 'application/json' };

/** An upstream on 127.0.0.1: `hang` never answers, otherwise a Cohere v2 answer at once. */
async function upstream(hang) {
  const sockets = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      if (hang) return;
      const { documents = [] } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const results = documents.map((_, index) => ({ index, relevance_score: 1 / (index + 1) }));
      res.writeHead(200, json).end(JSON.stringify({ id: 'x', results, meta: { billed_units: { search_units: 1 } } }));
    });
  });
  server.on('connection', (socket) => sockets.add(socket).size && socket.on('close', () => sockets.delete(socket)));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

async function call(base, method, path, key, body) {
  const res = await fetch(`${base}${path}`, { method, headers: { ...json, ...(key ? { 'x-api-key': key } : {}) }, body: body && JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

async function member(base, rootKey, upstreamUrl, fields = {}) {
  const user = await call(base, 'POST', '/v1/users', rootKey, { email: `m-${Math.random().toString(36).slice(2)}@example.com`, displayName: 'm', role: 'MEMBER' });
  const key = await call(base, 'POST', '/v1/apikeys', rootKey, { userId: user.body.userId });
  const reranker = await call(base, 'POST', '/v1/rerankers', key.body.rawApiKey, {
    displayName: 'r',
    providerType: 'COHERE',
    endpointUrl: upstreamUrl,
    modelIdentifier: `m-${Math.random().toString(36).slice(2)}`,
    ...fields,
  });
  return { userId: user.body.userId, key: key.body.rawApiKey, rerankerId: reranker.body.rerankerId };
}

async function inFlightShare(label, env) {
  const hanging = await upstream(true);
  const healthy = await upstream(false);
  const service = await startService({ EGRESS_ALLOW_PRIVATE: 'true', HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0', UPSTREAM_MAX_RETRIES: '0', ...env });
  const agent = new Agent({ connections: ATTACK_CALLS + 10, headersTimeout: 0, bodyTimeout: 0 });
  try {
    const rootKey = await initRoot(service.url);
    const attacker = await member(service.url, rootKey, hanging.url, { requestTimeoutMs: 600_000 });
    const keys = [attacker.key];
    for (let i = 0; i < 2; i++) keys.push((await call(service.url, 'POST', '/v1/apikeys', attacker.key, {})).body.rawApiKey);
    const victim = await member(service.url, rootKey, healthy.url);
    const attackStatuses = {};
    const attack = Array.from({ length: ATTACK_CALLS }, (_, i) =>
      request(`${service.url}/v1/rerankers/${attacker.rerankerId}/rerank`, {
        method: 'POST',
        dispatcher: agent,
        headers: { ...json, 'x-api-key': keys[i % keys.length] },
        body: JSON.stringify({ query: 'q', documents: ['a'] }),
      })
        .then(async (res) => {
          attackStatuses[res.statusCode] = (attackStatuses[res.statusCode] ?? 0) + 1;
          await res.body.dump();
        })
        .catch(() => undefined),
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const answeredWhileHeld = JSON.stringify(attackStatuses);
    const held = service.app.get((await import('../dist/rerank/upstream/upstream-client.js')).UpstreamClient).usage.inFlight;
    const samples = [];
    let ok = 0;
    for (let i = 0; i < VICTIM_CALLS; i++) {
      const started = performance.now();
      const res = await call(service.url, 'POST', `/v1/rerankers/${victim.rerankerId}/rerank`, victim.key, { query: 'q', documents: ['a', 'b'] });
      samples.push(performance.now() - started);
      if (res.status === 200) ok++;
    }
    const latency = percentiles(samples);
    await hanging.close();
    await Promise.all(attack);
    return [
      { measure: `${label}: attacker calls held upstream (of ${ATTACK_CALLS})`, value: held },
      { measure: `${label}: attacker calls answered at once (status: count)`, value: answeredWhileHeld },
      { measure: `${label}: victim success rate`, value: `${round((100 * ok) / VICTIM_CALLS, 1)} %` },
      { measure: `${label}: victim p50 / p99 (ms)`, value: `${round(latency.p50)} / ${round(latency.p99)}` },
    ];
  } finally {
    await agent.close();
    await service.close();
    await healthy.close();
  }
}

async function keyCreationFlood(label, env, loopCount = 32) {
  const service = await startService({ HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0', ...env });
  try {
    const rootKey = await initRoot(service.url);
    const flooder = await member(service.url, rootKey, 'https://unused.example.com');
    const victims = [];
    for (let i = 0; i < 20; i++) victims.push((await member(service.url, rootKey, 'https://unused.example.com')).key);
    // Fresh keys: their first use pays argon2 (member() used each once; a second key is unproven).
    const fresh = [];
    for (const key of victims) fresh.push((await call(service.url, 'POST', '/v1/apikeys', key, {})).body.rawApiKey);
    // The flood and the DNS probe run in threads of their own, like an attacker's process and
    // a resolver's user: only what the service itself spends shows in the figures.
    const flood = loopCount > 0 ? inThread(FLOOD, { url: `${service.url}/v1/apikeys`, key: flooder.key, loops: loopCount }) : undefined;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const dns = inThread(DNS_PROBE, { intervalMs: 20 });
    const logins = [];
    let loginOk = 0;
    for (const key of fresh) {
      const started = performance.now();
      if ((await call(service.url, 'GET', '/v1/users/me', key)).status === 200) loginOk++;
      logins.push(performance.now() - started);
    }
    const lookups = await dns.stop();
    const created = flood ? await flood.stop() : {};
    const login = percentiles(logins);
    const dnsLatency = percentiles(lookups);
    return [
      { measure: `${label}: creations during the flood (status: count)`, value: JSON.stringify(created) },
      { measure: `${label}: first logins ok`, value: `${loginOk} / ${fresh.length}` },
      { measure: `${label}: first login p50 / p99 (ms)`, value: `${round(login.p50)} / ${round(login.p99)}` },
      { measure: `${label}: DNS lookup p50 / p99 (ms)`, value: `${round(dnsLatency.p50)} / ${round(dnsLatency.p99)}` },
    ];
  } finally {
    await service.close();
  }
}

/** Runs `script` in a worker thread; `result` is what it posts, `stop()` asks it to finish first. */
function inThread(script, workerData) {
  const worker = new Worker(script, { eval: true, workerData });
  const result = new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject)).finally(() => worker.terminate());
  return { result, stop: () => (worker.postMessage('stop'), result) };
}

/** `loops` concurrent loops of POST /v1/apikeys until told to stop; posts the statuses counted. */
const FLOOD = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, key, loops } = workerData;
let flooding = true;
parentPort.once('message', () => (flooding = false));
const statuses = {};
async function loop() {
  while (flooding) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: '{}' }).catch(() => undefined);
    if (!res) continue;
    await res.arrayBuffer();
    statuses[res.status] = (statuses[res.status] || 0) + 1;
  }
}
Promise.all(Array.from({ length: loops }, loop)).then(() => parentPort.postMessage(statuses));
`;

/** Lookups of localhost (libuv's threadpool, as every DNS lookup of Node), one every `intervalMs` until told to stop: their latencies. */
const DNS_PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const { lookup } = require('node:dns/promises');
let probing = true;
parentPort.once('message', () => (probing = false));
(async () => {
  const samples = [];
  while (probing) {
    const started = performance.now();
    await lookup('localhost', { all: true });
    samples.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, workerData.intervalMs));
  }
  parentPort.postMessage(samples);
})();
`;

const rows = [
  ...(await inFlightShare('default shares', {})),
  ...(await inFlightShare('no shares (first come)', { UPSTREAM_MAX_IN_FLIGHT_PER_USER: '1024', UPSTREAM_MAX_IN_FLIGHT_PER_KEY: '1024' })),
  ...(await keyCreationFlood('no flood (baseline)', {}, 0)),
  ...(await keyCreationFlood('creation limits lifted', { AUTH_KEY_CREATIONS_PER_MINUTE: '1000000', AUTH_MAX_KEYS_PER_USER: '1000000' })),
  ...(await keyCreationFlood('default limits', {})),
];
report('isolation', rows);
