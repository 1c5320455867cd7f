// Child processes for benchmarks: each prints "listening <port>" when ready.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export function startProcess(script, env = {}, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const match = /listening (\d+)/.exec(output) ?? /"url":"http:\/\/[^:]+:(\d+)"/.exec(output);
      if (match) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve({ child, url: `http://127.0.0.1:${match[1]}`, stop: () => stop(child) });
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output.slice(-2000)}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

export const startUpstream = () => startProcess(here('./upstream-process.mjs'));
export const startBareProxy = (upstreamUrl, nodeArgs = []) => startProcess(here('../bare-proxy.mjs'), { UPSTREAM: upstreamUrl }, nodeArgs);

/**
 * Limits so high that nothing is refused, on every key and owner, so that each call pays
 * for the checks: BENCH_LIMITS=1 the per-minute ones (requests and documents), =all every
 * kind (concurrent calls and the monthly document quota too). Unset: no limit configured.
 */
const PER_MINUTE_LIMITS = { RATE_LIMIT_REQUESTS_PER_MINUTE: '100000000', RATE_LIMIT_DOCUMENTS_PER_MINUTE: '100000000' };
const ADMITTING_LIMITS = {
  '1': PER_MINUTE_LIMITS,
  all: { ...PER_MINUTE_LIMITS, RATE_LIMIT_CONCURRENT_CALLS: '100000', RATE_LIMIT_MONTHLY_DOCUMENTS: '1000000000' },
};

/**
 * The built service as in production (NODE_ENV=production, keys from the environment),
 * on PostgreSQL when DATABASE_URL is set, else a fresh embedded database.
 */
export async function startServiceProcess(extraEnv = {}, nodeArgs = process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-bench-svc-'));
  const initToken = randomBytes(24).toString('base64url');
  const service = await startProcess(here('../../dist/main.js'), {
    NODE_ENV: 'production',
    SYSTEM_INIT_TOKEN: initToken,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    EGRESS_ALLOW_PRIVATE: 'true',
    SECRETS_ENCRYPTION_KEY: `bench:${randomBytes(32).toString('base64')}`,
    SECRETS_FINGERPRINT_KEY: randomBytes(32).toString('base64'),
    ...(ADMITTING_LIMITS[process.env.BENCH_LIMITS] ?? {}),
    ...extraEnv,
  }, nodeArgs);
  return {
    ...service,
    /** Production refuses POST /v1/system/init without it (x-init-token). */
    initToken,
    async stop() {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** User + system CPU seconds and resident memory of a process, from /proc. */
export function processUsage(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return { cpuSeconds: ticks / 100, rssMb: rssKb / 1024 };
}
