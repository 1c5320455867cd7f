import autocannon from 'autocannon';

/** Runs autocannon and returns latency (ms) and throughput figures. */
export async function load({ url, path = '/', method = 'GET', headers = {}, body, connections = 1, duration = 5, amount }) {
  const result = await autocannon({
    url: `${url}${path}`,
    method,
    headers: body ? { 'content-type': 'application/json', ...headers } : headers,
    body,
    connections,
    ...(amount ? { amount } : { duration }),
  });
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * Sends `count` requests one after another on one keep-alive connection and returns
 * exact latency percentiles (ms), measured around each request.
 */
export async function sequential({ url, path = '/', method = 'GET', headers = {}, body, count = 2000 }) {
  const { Pool } = await import('undici');
  const pool = new Pool(url, { connections: 1 });
  const samples = new Float64Array(count);
  let errors = 0;
  try {
    for (let i = 0; i < count; i++) {
      const started = process.hrtime.bigint();
      const res = await pool.request({ path, method, headers: body ? { 'content-type': 'application/json', ...headers } : headers, body });
      await res.body.dump();
      samples[i] = Number(process.hrtime.bigint() - started) / 1e6;
      if (res.statusCode >= 400) errors++;
    }
  } finally {
    await pool.close();
  }
  return { ...percentiles(samples), errors };
}

export function percentiles(samples) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), count: sorted.length };
}
