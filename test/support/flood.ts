import { Worker } from 'node:worker_threads';

export interface FloodResult {
  /** Responses per HTTP status. */
  readonly statuses: Record<number, number>;
  /** The first 429 seen, if any. */
  readonly tooMany?: { readonly body: unknown; readonly retryAfter: string | null };
}

/**
 * `connections` concurrent loops, for `durationMs`, each sending GET `path` with the key id
 * of `rawKey` and a fresh random secret. Runs in a worker thread, like an attacker's own
 * process: the flood's client work does not share the test's event loop with the server.
 */
export function floodWithRandomSecrets(
  baseUrl: string,
  path: string,
  rawKey: string,
  { connections, durationMs }: { connections: number; durationMs: number },
): Promise<FloodResult> {
  const worker = new Worker(FLOOD_SCRIPT, {
    eval: true,
    workerData: { url: new URL(path, baseUrl).toString(), keyIdPart: rawKey.slice(0, -43), connections, durationMs },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const FLOOD_SCRIPT = `
const { randomBytes } = require('node:crypto');
const { parentPort, workerData } = require('node:worker_threads');
const { url, keyIdPart, connections, durationMs } = workerData;
const statuses = {};
let tooMany;
const until = Date.now() + durationMs;
async function attacker() {
  while (Date.now() < until) {
    const res = await fetch(url, { headers: { 'x-api-key': keyIdPart + randomBytes(32).toString('base64url') } });
    const body = await res.json().catch(() => null);
    statuses[res.status] = (statuses[res.status] || 0) + 1;
    if (res.status === 429 && !tooMany) tooMany = { body, retryAfter: res.headers.get('retry-after') };
  }
}
Promise.all(Array.from({ length: connections }, attacker)).then(() => parentPort.postMessage({ statuses, tooMany }));
`;
