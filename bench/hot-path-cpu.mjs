// CPU per rerank call, from the process's own CPU accounting: the bare proxy and the
// service (native and compat routes) each serve the same fixed number of calls (20
// documents, top 5, 16 connections), and the CPU seconds they spent are divided by it.
// With BENCH_PROFILE=1 the service runs under --cpu-prof and the per-step budget of the
// native route (self time per call, grouped by step) is printed as well.
//   npm run build && node bench/hot-path-cpu.mjs        (DATABASE_URL=... for PostgreSQL)
import autocannon from 'autocannon';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { budget } from './lib/profile-budget.mjs';
import { processUsage, startBareProxy, startServiceProcess, startUpstream } from './lib/processes.mjs';
import { registerBenchReranker, rerankCalls, workload } from './lib/service-setup.mjs';
import { report, round } from './lib/report.mjs';

const CALLS = Number(process.env.BENCH_CPU_CALLS ?? 20_000);
/** BENCH_CPU_DOCS=1000 BENCH_CPU_DOC_CHARS=500 BENCH_CPU_CALLS=300 profiles the large-call case instead. */
const DOCS = Number(process.env.BENCH_CPU_DOCS ?? 20);
const DOC_CHARS = Number(process.env.BENCH_CPU_DOC_CHARS ?? 100);
const PROFILE = process.env.BENCH_PROFILE === '1';
const profileDirs = PROFILE ? { bare: mkdtempSync(join(tmpdir(), 'rr-prof-bare-')), service: mkdtempSync(join(tmpdir(), 'rr-prof-')) } : undefined;
const profiling = (name) => (PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDirs[name]}`, ...(process.env.BENCH_PROFILE_NODE_ARGS?.split(' ').filter(Boolean) ?? [])] : undefined);

const upstream = await startUpstream();
const bare = await startBareProxy(upstream.url, profiling('bare'));
const service = await startServiceProcess({}, profiling('service'));
const rows = [];
const windows = {};
try {
  const { native, compat, bare: bareCall } = rerankCalls(await registerBenchReranker(service, upstream.url), workload(DOCS, DOC_CHARS), 5);

  for (const [process_, call] of [[bare, bareCall], [service, native], [service, compat]]) await fire(process_, call, Math.min(2_000, CALLS));

  const bareCpu = await cpuPerCall(bare, bareCall, 'bare');
  const nativeCpu = await cpuPerCall(service, native, 'service');
  const compatCpu = await cpuPerCall(service, compat);
  rows.push({ measure: `CPU per call (µs), ${CALLS} calls of ${DOCS} docs @16 conns: bare / native / compat`, value: `${round(bareCpu, 0)} / ${round(nativeCpu, 0)} / ${round(compatCpu, 0)}` });
  rows.push({ measure: 'CPU ratio native / bare (goal <= 1.5)', value: round(nativeCpu / bareCpu) });
  rows.push({ measure: 'CPU ratio compat / bare (goal <= 1.5)', value: round(compatCpu / bareCpu) });
} finally {
  await Promise.all([service.stop(), bare.stop(), upstream.stop()]);
}
if (PROFILE) {
  const budgets = Object.fromEntries(Object.entries(profileDirs).map(([name, dir]) => [name, profileBudget(name, dir)]));
  const steps = [...new Set([...budgets.service.rows, ...budgets.bare.rows].map((row) => row.step))];
  const usOf = (name, step) => round(budgets[name].rows.find((row) => row.step === step)?.usPerCall ?? 0, 1);
  for (const step of steps) rows.push({ measure: `budget µs/call, bare / native: ${step}`, value: `${usOf('bare', step)} / ${usOf('service', step)}` });
  rows.push({ measure: 'budget µs/call, bare / native: total sampled', value: `${round(budgets.bare.totalUsPerCall, 1)} / ${round(budgets.service.totalUsPerCall, 1)}` });
}
report('hot-path-cpu', rows, { config: { CALLS, DOCS, DOC_CHARS, PROFILE, database: process.env.DATABASE_URL ? 'postgres' : 'embedded' } });

/** The per-step budget of one profiled process over its measured window; the profile is kept with BENCH_KEEP_PROFILE. */
function profileBudget(name, dir) {
  const file = readdirSync(dir).find((entry) => entry.endsWith('.cpuprofile'));
  const result = budget(join(dir, file), CALLS, windows[name]);
  if (process.env.BENCH_KEEP_PROFILE) {
    writeFileSync(join(dir, 'window.json'), JSON.stringify({ ...windows[name], calls: CALLS }));
    console.log(`${name} profile kept in ${dir}`);
  } else rmSync(dir, { recursive: true, force: true });
  return result;
}

async function cpuPerCall(target, call, profiled) {
  const before = processUsage(target.child.pid).cpuSeconds;
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  await fire(target, call, CALLS);
  if (profiled) windows[profiled] = { fromUs, toUs: Number(process.hrtime.bigint() / 1000n) };
  return ((processUsage(target.child.pid).cpuSeconds - before) / CALLS) * 1e6;
}

function fire(target, { path, headers, body }, amount) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `${target.url}${path}`, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, connections: 16, amount },
      (error, result) => {
        if (error) return reject(error);
        const failed = result.errors + result.timeouts + result.non2xx;
        return failed > 0 ? reject(new Error(`${failed} of ${amount} calls to ${path} failed`)) : resolve(result);
      },
    );
  });
}
