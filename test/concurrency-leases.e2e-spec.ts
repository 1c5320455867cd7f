import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { mirrorUser } from './support/mirror-user.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startTestApp } from './support/test-app.js';
import { itWithRedis, TEST_REDIS_URL } from './support/test-redis.js';

const itRedis = await itWithRedis();
const REDIS_PORT = Number(new URL(TEST_REDIS_URL).port);
const LEASE_MS = 3_000;

interface Caller extends Actor {
  keyId: string;
  rerankerId: string;
}

/**
 * Issue 19 item 4: concurrency slots in Redis are leases. A slot whose call ended is never
 * counted after Redis comes back, a dead instance's slots expire within one lease, and a
 * refused retry extends nothing.
 */
describe('concurrency slots in Redis', () => {
  let upstream: FakeUpstream;
  let proxy: TcpProxy;

  beforeAll(async () => {
    upstream = await FakeUpstream.start('COHERE');
    proxy = await TcpProxy.start(REDIS_PORT);
  });

  afterAll(async () => {
    await upstream.close();
    await proxy.close();
  });

  const env = (redisUrl: string, prefix: string) => ({
    EGRESS_ALLOW_PRIVATE: 'true',
    REDIS_URL: redisUrl,
    RATE_LIMIT_REDIS_KEY_PREFIX: prefix,
    RATE_LIMIT_CONCURRENCY_LEASE_MS: String(LEASE_MS),
  });

  async function newCaller(server: Server, root: Actor): Promise<Caller> {
    const actor = await createActor(server, root);
    const keys = await as(server, actor).get('/v1/apikeys').expect(200);
    const reranker = await as(server, actor).post('/v1/rerankers').send(rerankerBody({ endpointUrl: upstream.url })).expect(201);
    return { ...actor, keyId: keys.body.apiKeys[0].apiKeyId, rerankerId: reranker.body.rerankerId };
  }

  const rerank = (server: Server, caller: Caller) => as(server, caller).post(`/v1/rerankers/${caller.rerankerId}/rerank`).send({ query: 'q', documents: ['a'] });

  /** Calls (one at a time, as a retrying client does) until one is admitted: how long that took. */
  async function retryUntilAdmitted(server: Server, caller: Caller, withinMs: number): Promise<{ waitedMs: number; refused: number }> {
    const started = Date.now();
    let refused = 0;
    while (Date.now() - started < withinMs) {
      const res = await rerank(server, caller);
      if (res.status === 200) return { waitedMs: Date.now() - started, refused };
      expect(res.status).toBe(429);
      refused++;
      await sleep(100);
    }
    throw new Error(`still refused after ${withinMs} ms (${refused} refusals)`);
  }

  itRedis.each(['open', 'closed'])('frees the slots of calls that ended while Redis was away as soon as it is back (RATE_LIMIT_REDIS_FAILURE=%s)', async (onFailure) => {
    const t = await startTestApp({ ...env(proxy.url, `rr-test-${randomUUID()}`), RATE_LIMIT_REDIS_FAILURE: onFailure });
    try {
      const root = await initRoot(t.server);
      const caller = await newCaller(t.server, root);
      await as(t.server, root).put(`/v1/limits/apikeys/${caller.keyId}`).send({ concurrentCalls: 2 }).expect(200);

      upstream.fail({ kind: 'slow', delayMs: 1_000 }, 2);
      const held = [rerank(t.server, caller).then((res) => res), rerank(t.server, caller).then((res) => res)];
      await sleep(300);
      await rerank(t.server, caller).expect(429);
      proxy.cut();
      // Both calls end while Redis is unreachable: their releases cannot reach it.
      expect((await Promise.all(held)).map((res) => res.status)).toEqual([200, 200]);
      const reconnected = proxy.nextConnection();
      proxy.restore();
      await reconnected;
      // Past the reconnection (meanwhile an open store counts in process), before one lease
      // runs out: only the releases sent on reconnection can free the slots this soon.
      await sleep(500);
      const { waitedMs } = await retryUntilAdmitted(t.server, caller, LEASE_MS * 3);
      expect(waitedMs).toBeLessThan(LEASE_MS / 2);
    } finally {
      proxy.restore();
      await t.close();
    }
  }, 60_000);

  itRedis("expires a dead instance's slots within one lease, however often a refused client retries", async () => {
    const prefix = `rr-test-${randomUUID()}`;
    const a = await startTestApp(env(proxy.url, prefix));
    const b = await startTestApp(env(TEST_REDIS_URL, prefix));
    try {
      const rootA = await initRoot(a.server);
      const rootB = await initRoot(b.server);
      const onA = await newCaller(a.server, rootA);
      await mirrorUser(a, b, onA.userId);
      const reranker = await as(b.server, onA).post('/v1/rerankers').send(rerankerBody({ endpointUrl: upstream.url })).expect(201);
      const onB = { ...onA, rerankerId: reranker.body.rerankerId as string };
      for (const [app, root] of [[a, rootA], [b, rootB]] as const) {
        await as(app.server, root).put(`/v1/limits/apikeys/${onA.keyId}`).send({ concurrentCalls: 2 }).expect(200);
      }

      // Instance A takes both slots, then loses Redis for good, as a dead instance would: nothing it holds is released or renewed.
      upstream.fail({ kind: 'slow', delayMs: 800 }, 2);
      const held = [rerank(a.server, onA).then((res) => res), rerank(a.server, onA).then((res) => res)];
      await sleep(300);
      proxy.cut();
      await Promise.all(held);

      const { waitedMs, refused } = await retryUntilAdmitted(b.server, onB, LEASE_MS * 4);
      expect(refused).toBeGreaterThan(0);
      expect(waitedMs).toBeLessThan(LEASE_MS + 2_000);
    } finally {
      await a.close();
      proxy.restore();
      await b.close();
    }
  }, 60_000);
});
