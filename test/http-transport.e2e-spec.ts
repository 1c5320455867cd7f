import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** What came back on a raw connection: the status line, headers and body, or how it ended. */
interface RawAnswer {
  readonly status?: number;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
  /** Milliseconds from sending the first byte to the end of the connection. */
  readonly elapsedMs: number;
  readonly error?: string;
}

/** Opens a connection to the app and resolves once connected. */
async function open(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

/** Sends `head` (and nothing more unless `rest`), then reads until the server closes the connection or `waitMs` passes. */
async function exchange(port: number, head: string, waitMs: number, socket?: Socket): Promise<RawAnswer> {
  const connection = socket ?? (await open(port));
  const started = performance.now();
  const chunks: Buffer[] = [];
  let error: string | undefined;
  connection.on('data', (chunk: Buffer) => chunks.push(chunk));
  connection.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
  connection.write(head);
  await Promise.race([new Promise((resolve) => connection.once('close', resolve)), sleep(waitMs)]);
  const elapsedMs = performance.now() - started;
  connection.destroy();
  return { ...parse(Buffer.concat(chunks).toString('utf8')), elapsedMs, ...(error ? { error } : {}) };
}

function parse(text: string): Omit<RawAnswer, 'elapsedMs'> {
  const [head, ...rest] = text.split('\r\n\r\n');
  if (!head) return { headers: {} };
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const bodyText = rest.join('\r\n\r\n');
  let body: unknown = bodyText;
  try {
    body = JSON.parse(bodyText);
  } catch {
    // not JSON
  }
  return { status: Number(statusLine?.split(' ')[1]), headers, body };
}

/** Runs `script` in a worker thread (a client apart from the server's event loop, as a real one is) and resolves with what it posts. */
function inWorker<T>(script: string, workerData: unknown): Promise<T> {
  const worker = new Worker(script, { eval: true, workerData });
  return new Promise<T>((resolve, reject) => worker.once('message', resolve).once('error', reject)).finally(() => void worker.terminate());
}

/** `tries` POSTs of a 60 MB body with undici's fetch, one after the other: the status and code each got, or the error. */
const OVERSIZED_POSTS = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, key, tries } = workerData;
const body = JSON.stringify({ query: 'q', documents: ['x'.repeat(60 * 1024 * 1024)] });
(async () => {
  const outcomes = [];
  for (let i = 0; i < tries; i++) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
      outcomes.push({ status: res.status, code: (await res.json()).code });
    } catch (error) {
      outcomes.push({ error: (error.cause && error.cause.code) || error.message });
    }
  }
  parentPort.postMessage(outcomes);
})();
`;

function expectErrorModel(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
  expect(answer.headers['x-request-id']).toBe((answer.body as { requestId: string }).requestId);
}

describe('HTTP transport limits', () => {
  let t: TestApp;
  let port: number;
  let root: Actor;

  beforeAll(async () => {
    t = await startTestApp({
      LOG_LEVEL: 'debug',
      EGRESS_ALLOW_PRIVATE: 'true',
      HTTP_REQUEST_TIMEOUT_MS: '1000',
      HTTP_MAX_CONNECTIONS_PER_ADDRESS: '20',
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(await t.app.getUrl()).port);
    root = await initRoot(t.server);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('a body that never finishes (issue 19 item 6)', () => {
    it('gets 408 REQUEST_TIMEOUT with the error model within HTTP_REQUEST_TIMEOUT_MS, no key needed', async () => {
      const answer = await exchange(
        port,
        'POST /v1/rerank HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"qu',
        10_000,
      );
      expectErrorModel(answer, 408, 'REQUEST_TIMEOUT');
      expect(answer.elapsedMs).toBeLessThan(3_000);
    });

    it('headers that never finish get 408 too', async () => {
      const answer = await exchange(port, 'GET /healthz HTTP/1.1\r\nhost: x\r\nx-slow: ', 10_000);
      expectErrorModel(answer, 408, 'REQUEST_TIMEOUT');
      expect(answer.elapsedMs).toBeLessThan(3_000);
    });

    it('a connection that sends nothing is closed after the timeout too', async () => {
      const answer = await exchange(port, '', 10_000);
      expect(answer.elapsedMs).toBeLessThan(3_000);
    });

    it('a long call is not cut: the timeout is on receiving the request, not on answering it', async () => {
      const upstream = await FakeUpstream.start('COHERE');
      try {
        upstream.fail({ kind: 'slow', delayMs: 1_500 });
        const member = await createActor(t.server, root);
        const created = await as(t.server, member).post('/v1/rerankers').send(rerankerBody({ endpointUrl: upstream.url })).expect(201);
        await as(t.server, member).post(`/v1/rerankers/${created.body.rerankerId}/rerank`).send({ query: 'q', documents: ['a'] }).expect(200);
      } finally {
        await upstream.close();
      }
    });
  });

  describe('open connections per client address (issue 19 item 6)', () => {
    it('answers connections past HTTP_MAX_CONNECTIONS_PER_ADDRESS with 429 and closes them; a freed one can be used again', async () => {
      const held = await Promise.all(Array.from({ length: 20 }, () => open(port)));
      try {
        const refused = await exchange(port, 'GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n', 5_000);
        expectErrorModel(refused, 429, 'RATE_LIMITED');
        expect(refused.headers.connection).toBe('close');
        held.pop()!.destroy();
        await sleep(100);
        const served = await exchange(port, 'GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 5_000);
        expect(served.status).toBe(200);
      } finally {
        for (const socket of held) socket.destroy();
      }
    });
  });

  describe('a request without a Host header (issue 19 item 22)', () => {
    it('gets 400 with the error model and a request id', async () => {
      const answer = await exchange(port, 'GET /healthz HTTP/1.1\r\nconnection: close\r\n\r\n', 5_000);
      expectErrorModel(answer, 400, 'INVALID_ARGUMENT');
      expect((answer.body as { message: string }).message).toMatch(/Host/);
    });

    it('HTTP/1.0 needs none', async () => {
      const answer = await exchange(port, 'GET /healthz HTTP/1.0\r\n\r\n', 5_000);
      expect(answer.status).toBe(200);
    });
  });

  describe('an oversized body (issue 19 item 25)', () => {
    it('the 413 reaches a client still writing (undici fetch in its own thread, 60 MB against the default 16 MiB), every time', async () => {
      const outcomes = await inWorker<Array<{ status?: number; code?: string; error?: string }>>(OVERSIZED_POSTS, { url: `http://127.0.0.1:${port}/v1/rerank`, key: root.key, tries: 10 });
      expect(outcomes).toEqual(Array(10).fill({ status: 413, code: 'PAYLOAD_TOO_LARGE' }));
    });

    it('a client that keeps writing past the linger time is cut off', async () => {
      const socket = await open(port);
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.on('error', () => undefined);
      socket.write('POST /v1/rerank HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
      const chunk = `100000\r\n${'x'.repeat(0x100000)}\r\n`;
      const writer = setInterval(() => socket.writable && socket.write(chunk), 50);
      try {
        await Promise.race([closed, sleep(15_000).then(() => Promise.reject(new Error('still open after 15 s')))]);
      } finally {
        clearInterval(writer);
      }
    }, 30_000);
  });

  describe('a client that drops its connection (issue 19 item 19)', () => {
    it('is logged at debug, not as an unhandled error', async () => {
      const before = t.logs.lines.length;
      for (let i = 0; i < 5; i++) {
        const socket = await open(port);
        socket.write(`POST /v1/rerank HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nx-api-key: ${root.key}\r\n\r\n{"query":`);
        await sleep(50);
        socket.destroy();
      }
      await sleep(300);
      const lines = t.logs.lines.slice(before).map((line) => JSON.parse(line) as { level: number; msg: string });
      expect(lines.filter((line) => line.level >= 50)).toEqual([]);
      expect(lines.filter((line) => line.msg === 'client closed the connection before its request was read').length).toBe(5);
    });
  });
});
