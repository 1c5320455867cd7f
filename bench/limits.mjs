// What checking rate limits costs a call: RateLimits.admit() + release(), warm.
//   npm run build && node bench/limits.mjs        (REDIS_URL, default redis://127.0.0.1:6379)
// 1. In process: no limit at all (nothing counted); requests/min and documents/min on both
//    the key and its owner (four counters); the same plus concurrent calls (six counters
//    taken, two slots freed); the same plus monthly document and cost quotas on both (their
//    reservations: documents at admission, a cost before the target, settled at the end);
//    and rate-limiter-flexible's own eight operations alone.
// 2. Redis: the same six counters, sequential calls (each waits for its answers), beside a
//    bare ioredis PING on its own connection: the check costs about one round trip per
//    subject (key, then owner).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { Principal } from '../dist/auth/principal.js';
import { RateLimits } from '../dist/limits/rate-limits.js';
import { percentiles } from './lib/load.mjs';
import { report, round } from './lib/report.mjs';
import { startService } from './lib/in-process-service.mjs';

const IN_PROCESS_CALLS = 200_000;
const REDIS_CALLS = Number(process.env.BENCH_SEQUENTIAL ?? 3000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PER_MINUTE = { RATE_LIMIT_REQUESTS_PER_MINUTE: '2000000000', RATE_LIMIT_DOCUMENTS_PER_MINUTE: '2000000000' };
const LIMITED = { ...PER_MINUTE, RATE_LIMIT_CONCURRENT_CALLS: '1000000' };
const WITH_QUOTAS = { ...LIMITED, RATE_LIMIT_MONTHLY_DOCUMENTS: '1000000000000000', RATE_LIMIT_MONTHLY_COST: '1000000000' };
/** A call's most and what it was charged, in amount units (10^-15): 0.005 reserved, 0.004 settled. */
const [MOST, CHARGED] = [5_000_000_000_000n, 4_000_000_000_000n];

/** One call's admission as the router makes it: admitted, its most cost reserved (when a cost quota applies), released and settled. */
async function admitOne(limits, principal) {
  const admission = await limits.admit(principal, 20);
  if (admission.costLimited) await admission.reserveCost(MOST);
  admission.release();
  admission.settle(true, CHARGED);
}

/** Mean µs per admission over `calls` sequential calls, after a warm-up; and per-call samples when asked. */
async function timeAdmissions(service, calls, samples = false) {
  const limits = service.app.get(RateLimits);
  const principal = new Principal(randomUUID(), 'MEMBER', randomUUID());
  for (let i = 0; i < 1000; i++) await admitOne(limits, principal);
  const each = [];
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const one = samples ? performance.now() : 0;
    await admitOne(limits, principal);
    if (samples) each.push(performance.now() - one);
  }
  return { meanUs: ((performance.now() - started) * 1000) / calls, each };
}

async function withService(env, work) {
  const service = await startService(env);
  try {
    return await work(service);
  } finally {
    await service.close();
  }
}

/** The library alone: what admit() asks of it for six counters and two released slots. */
async function timeLibrary(calls) {
  const [requests, documents, concurrent] = ['requests', 'documents', 'concurrent'].map((keyPrefix) => new RateLimiterMemory({ keyPrefix, points: 1, duration: 60 }));
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    await Promise.allSettled([requests.penalty('k', 1), documents.penalty('k', 20), concurrent.penalty('k', 1)]);
    await Promise.allSettled([requests.penalty('u', 1), documents.penalty('u', 20), concurrent.penalty('u', 1)]);
    void concurrent.reward('k', 1);
    void concurrent.reward('u', 1);
  }
  return ((performance.now() - started) * 1000) / calls;
}

const none = await withService({}, (service) => timeAdmissions(service, IN_PROCESS_CALLS));
const perMinute = await withService(PER_MINUTE, (service) => timeAdmissions(service, IN_PROCESS_CALLS));
const memory = await withService(LIMITED, (service) => timeAdmissions(service, IN_PROCESS_CALLS));
const quotas = await withService(WITH_QUOTAS, (service) => timeAdmissions(service, IN_PROCESS_CALLS));
const library = await timeLibrary(IN_PROCESS_CALLS);
const redis = await withService({ ...LIMITED, REDIS_URL, RATE_LIMIT_REDIS_KEY_PREFIX: `rr-bench-${randomUUID()}` }, (service) =>
  timeAdmissions(service, REDIS_CALLS, true),
);

const client = new Redis(REDIS_URL);
const pings = [];
for (let i = 0; i < 200; i++) await client.ping();
for (let i = 0; i < REDIS_CALLS; i++) {
  const started = performance.now();
  await client.ping();
  pings.push(performance.now() - started);
}
client.disconnect();

const redisCheck = percentiles(redis.each);
const ping = percentiles(pings);
report('limits', [
  { measure: 'in process, no limit: admit + release (µs)', value: round(none.meanUs, 2) },
  { measure: 'in process, requests/min + documents/min on key and owner: admit + release (µs)', value: round(perMinute.meanUs, 2) },
  { measure: 'in process, + concurrent calls (6 counters): admit + release (µs)', value: round(memory.meanUs, 2) },
  { measure: 'in process, + monthly document and cost quotas: admit + reserve + release + settle (µs)', value: round(quotas.meanUs, 2) },
  { measure: 'of which rate-limiter-flexible alone, its 8 operations (µs)', value: round(library, 2) },
  { measure: 'Redis, 3 limits on key and owner: admit + release p50 / p99 (ms)', value: `${round(redisCheck.p50)} / ${round(redisCheck.p99)}` },
  { measure: 'Redis PING round trip p50 / p99 (ms)', value: `${round(ping.p50)} / ${round(ping.p99)}` },
  { measure: 'Redis check / PING, p50', value: round(redisCheck.p50 / ping.p50, 2) },
]);
