import { setTimeout as sleep } from 'node:timers/promises';
import type { Response } from 'supertest';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 19 item 2: the shared upstream budgets (calls in flight, bytes of answers being read)
 * are shared fairly. A tenant whose upstream never answers (or answers without end) holds its
 * share at most, and the others are served meanwhile.
 */
describe('fair shares of the upstream budgets', () => {
  let root: Actor;

  async function member(t: TestApp, upstream: FakeUpstream, fields: Record<string, unknown> = {}): Promise<Actor & { rerankerId: string }> {
    const actor = await createActor(t.server, root);
    const created = await as(t.server, actor)
      .post('/v1/rerankers')
      .send(rerankerBody({ providerType: upstream.format, endpointUrl: upstream.url, ...fields }))
      .expect(201);
    return { ...actor, rerankerId: created.body.rerankerId };
  }

  async function secondKey(t: TestApp, actor: Actor): Promise<Actor> {
    const created = await as(t.server, actor).post('/v1/apikeys').send({}).expect(201);
    return { ...actor, key: created.body.rawApiKey };
  }

  const rerank = (t: TestApp, actor: Actor, rerankerId: string) =>
    as(t.server, actor).post(`/v1/rerankers/${rerankerId}/rerank`).send({ query: 'q', documents: ['a score=0.4', 'b score=0.6'] });

  describe('calls in flight', () => {
    let t: TestApp;
    let hanging: FakeUpstream;
    let healthy: FakeUpstream;

    beforeAll(async () => {
      t = await startTestApp({
        EGRESS_ALLOW_PRIVATE: 'true',
        UPSTREAM_MAX_RETRIES: '0',
        UPSTREAM_MAX_IN_FLIGHT: '8',
        UPSTREAM_MAX_IN_FLIGHT_PER_USER: '4',
        UPSTREAM_MAX_IN_FLIGHT_PER_KEY: '2',
      });
      root = await initRoot(t.server);
      hanging = await FakeUpstream.start('COHERE');
      hanging.fail({ kind: 'hang' });
      healthy = await FakeUpstream.start('COHERE');
    });

    afterAll(async () => {
      await hanging.close();
      await healthy.close();
      await t.close();
    });

    it("holds a tenant whose upstream never answers to its share, and serves the others meanwhile", async () => {
      const attacker = await member(t, hanging, { requestTimeoutMs: 600_000 });
      const attackerKeys = [attacker, await secondKey(t, attacker), await secondKey(t, attacker)];
      const victim = await member(t, healthy);

      // Ten calls on each of three keys: what a first-come budget of 8 would hand over whole.
      const answered: Response[] = [];
      for (const key of attackerKeys) {
        for (let i = 0; i < 10; i++) void rerank(t, key, attacker.rerankerId).then((res) => answered.push(res));
      }
      for (let i = 0; i < 100 && answered.length < 26; i++) await sleep(50);
      expect(hanging.requests).toHaveLength(4);

      const victimStatuses: number[] = [];
      for (let i = 0; i < 20; i++) victimStatuses.push((await rerank(t, victim, victim.rerankerId)).status);
      expect(victimStatuses).toEqual(Array(20).fill(200));

      // The attacker's calls past its share were answered at once, each naming the share it hit.
      expect(answered).toHaveLength(26);
      for (const res of answered) {
        expect(res.status).toBe(429);
        expect(res.body).toMatchObject({ code: 'RATE_LIMITED', details: { budget: 'inFlight', share: expect.stringMatching(/^(key|user)$/) } });
        expect(res.headers['retry-after']).toBe('1');
      }
      expect(answered.filter((res) => res.body.details.share === 'user').length).toBeGreaterThan(0);
    }, 30_000);
  });

  describe('bytes of answers being read', () => {
    let t: TestApp;
    let endless: FakeUpstream;
    let large: FakeUpstream;

    beforeAll(async () => {
      t = await startTestApp({
        EGRESS_ALLOW_PRIVATE: 'true',
        UPSTREAM_MAX_RETRIES: '0',
        CIRCUIT_FAILURE_THRESHOLD: '1000',
        UPSTREAM_MAX_RESPONSE_BYTES: String(1024 * 1024),
        UPSTREAM_MAX_BUFFERED_BYTES: String(8 * 1024 * 1024),
        UPSTREAM_MAX_BUFFERED_BYTES_PER_USER: String(2 * 1024 * 1024),
        UPSTREAM_MAX_BUFFERED_BYTES_PER_KEY: String(2 * 1024 * 1024),
      });
      root = await initRoot(t.server);
      endless = await FakeUpstream.start('COHERE');
      endless.fail({ kind: 'endless', chunkBytes: 16 * 1024, intervalMs: 20 });
      large = await FakeUpstream.start('COHERE');
      // 300 KB answers: far above what the small-answer reserves let through.
      large.fail({ kind: 'status', status: 200, body: { results: [{ index: 0, relevance_score: 0.5 }], padding: 'x'.repeat(300_000) } });
    });

    afterAll(async () => {
      await endless.close();
      await large.close();
      await t.close();
    });

    it('holds a tenant whose answers never end to its share of the bytes, and reads the others\' large answers meanwhile', async () => {
      const attacker = await member(t, endless);
      const victim = await member(t, large);
      const until = Date.now() + 3_000;
      const attackerAnswers: Response[] = [];
      const flood = async () => {
        while (Date.now() < until) attackerAnswers.push(await rerank(t, attacker, attacker.rerankerId));
      };
      const victimStatuses: number[] = [];
      const victimLoop = async () => {
        await sleep(500);
        while (Date.now() < until) victimStatuses.push((await rerank(t, victim, victim.rerankerId)).status);
      };
      await Promise.all([...Array.from({ length: 24 }, flood), victimLoop()]);

      expect(victimStatuses.length).toBeGreaterThan(0);
      expect(victimStatuses.every((status) => status === 200)).toBe(true);
      const overShare = attackerAnswers.filter((res) => res.status === 429);
      expect(overShare.length).toBeGreaterThan(0);
      expect(overShare[0]!.body).toMatchObject({ code: 'RATE_LIMITED', details: { budget: 'bufferedBytes', share: 'key', value: 2 * 1024 * 1024 } });
    }, 30_000);
  });
});
