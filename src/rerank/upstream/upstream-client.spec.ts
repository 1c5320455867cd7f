import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { AppConfig } from '../../config/app-config.js';
import { EgressPolicy } from '../../egress/egress-policy.js';
import { UpstreamClient } from './upstream-client.js';

async function server(): Promise<{ server: Server; origin: string }> {
  const s = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { server: s, origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
}

const connections = (s: Server) => new Promise<number>((resolve) => s.getConnections((_e, count) => resolve(count)));

describe('UpstreamClient', () => {
  const servers: Server[] = [];
  let client: UpstreamClient;

  const post = (origin: string) => client.post({ origin, path: '/', headers: {}, body: '{}', deadline: Date.now() + 5_000, tenant: { userId: 'u', apiKeyId: 'k' } });

  beforeAll(() => {
    const config = AppConfig.fromEnv({ DATA_DIR: '/tmp/rr-upstream-spec', EGRESS_ALLOW_PRIVATE: 'true', UPSTREAM_MAX_POOLS: '2' });
    client = new UpstreamClient(config, new EgressPolicy(config), pino({ level: 'silent' }));
  });

  afterAll(async () => {
    await client.onApplicationShutdown();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('keeps at most UPSTREAM_MAX_POOLS pools, closing the least recently used one (issue 9 item 15)', async () => {
    const upstreams = await Promise.all([server(), server(), server()]);
    servers.push(...upstreams.map((u) => u.server));
    const [first, second, third] = upstreams;

    await post(first!.origin);
    await post(second!.origin);
    expect(client.usage.pools).toBe(2);
    expect(await connections(first!.server)).toBe(1);

    await post(third!.origin);
    expect(client.usage.pools).toBe(2);
    for (let i = 0; i < 50 && (await connections(first!.server)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await connections(first!.server)).toBe(0);
    expect(await connections(third!.server)).toBe(1);

    // An evicted origin gets a fresh pool when it is used again.
    await expect(post(first!.origin)).resolves.toMatchObject({ status: 200, body: { ok: true } });
    expect(client.usage).toEqual({ pools: 2, bufferedBytes: 0, inFlight: 0 });
  });
});
