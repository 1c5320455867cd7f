import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileService, startServiceProcess, type ServiceProcess } from './support/service-process.js';

/** The service as its own process: issue 19 items 14 (one process per embedded folder) and 18 (SIGTERM keeps the last log lines). */
describe('the service process', () => {
  const running: ServiceProcess[] = [];
  let dataDir: string;

  beforeAll(() => {
    compileService();
  }, 120_000);

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'rr-process-'));
  });

  afterEach(async () => {
    for (const service of running.splice(0)) {
      service.kill('SIGKILL');
      await service.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = await startServiceProcess({ DATA_DIR: dataDir, ...env });
    running.push(service);
    return service;
  }

  const logLines = (service: ServiceProcess) =>
    service
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; reqId?: string; signal?: string; level: number });

  describe('SIGTERM (issue 19 item 18)', () => {
    it('writes every buffered log line, the last request and the shutdown itself, before it ends as signalled', async () => {
      const service = await start();
      const res = await fetch(`${service.url}/healthz`, { headers: { 'x-request-id': 'the-last-request' } });
      expect(res.status).toBe(200);
      service.kill('SIGTERM');
      expect(await service.exited).toEqual({ code: null, signal: 'SIGTERM' });
      const lines = logLines(service);
      expect(lines.find((line) => line.reqId === 'the-last-request')).toMatchObject({ msg: 'request completed' });
      expect(lines.at(-1)).toMatchObject({ msg: 'reranker-registry stopped', signal: 'SIGTERM' });
    }, 120_000);
  });

  describe('one process per embedded data folder (issue 19 item 14)', () => {
    it('a second process on the same folder refuses to start, naming the folder and the holder; the first keeps serving', async () => {
      const first = await start();
      const second = await startServiceProcess({ DATA_DIR: dataDir });
      running.push(second);
      expect(second.url).toBeUndefined();
      expect((await second.exited).code).toBe(1);
      const message = second.stderr();
      expect(message).toContain(join(dataDir, 'pglite'));
      expect(message).toContain(`process ${first.pid} on ${hostname()}`);
      expect(message).toContain(join(dataDir, 'pglite.lock'));
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    }, 120_000);

    it('the folder is free again once its process stopped, or died (a stale lock is taken over, with a warning)', async () => {
      const first = await start();
      first.kill('SIGTERM');
      await first.exited;
      expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);

      const killed = await start();
      killed.kill('SIGKILL');
      await killed.exited;
      expect(JSON.parse(readFileSync(join(dataDir, 'pglite.lock'), 'utf8'))).toMatchObject({ pid: killed.pid, host: hostname() });

      const next = await start();
      expect((await fetch(`${next.url}/readyz`)).status).toBe(200);
      expect(logLines(next).find((line) => line.msg === 'took over the embedded database lock of a process that is gone')).toMatchObject({ level: 40 });
    }, 180_000);

    it('a lock held by a process that is alive but is not a service is respected (the pid is all it knows)', async () => {
      // This test's own process: certainly alive.
      writeFileSync(join(dataDir, 'pglite.lock'), JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
      const refused = await startServiceProcess({ DATA_DIR: dataDir });
      running.push(refused);
      expect((await refused.exited).code).toBe(1);
      expect(refused.stderr()).toContain(`process ${process.pid} on ${hostname()}`);
    }, 120_000);
  });
});
