import type { Response } from 'supertest';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { startTestApp, type TestApp } from './support/test-app.js';

function statuses(responses: readonly Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const res of responses) counts[res.status] = (counts[res.status] ?? 0) + 1;
  return counts;
}

/** Issue 19 item 5: key creation is bounded (rate, count) and its argon2 runs in the one pool, behind logins. */
describe('API key creation bounds', () => {
  describe('rate and count', () => {
    let t: TestApp;
    let root: Actor;
    /** Each creates keys for others in one test, so no test spends another's creations. */
    let counter: Actor;
    let provisioner: Actor;
    let provisioned: Actor[];
    let other: Actor;

    beforeAll(async () => {
      t = await startTestApp({ AUTH_KEY_CREATIONS_PER_MINUTE: '16', AUTH_MAX_KEYS_PER_USER: '4' });
      root = await initRoot(t.server);
      counter = await createActor(t.server, root, 'ADMIN');
      provisioner = await createActor(t.server, root, 'ADMIN');
      provisioned = await Promise.all(Array.from({ length: 6 }, () => createActor(t.server, root)));
      other = await createActor(t.server, root);
    });

    afterAll(async () => {
      await t.close();
    });

    const createKey = (by: Actor, userId?: string) => as(t.server, by).post('/v1/apikeys').send(userId ? { userId } : {});

    it('holds a user to AUTH_MAX_KEYS_PER_USER active keys, concurrent creations included, and makes room when one is revoked', async () => {
      const member = await createActor(t.server, root);
      const burst = await Promise.all(Array.from({ length: 10 }, () => createKey(counter, member.userId)));
      expect(statuses(burst)).toEqual({ 201: 3, 409: 7 });
      const refused = burst.find((res) => res.status === 409)!;
      expect(refused.body).toMatchObject({ code: 'LIMIT_REACHED', details: { limit: 'activeApiKeysPerUser', value: 4 } });
      const listed = await as(t.server, member).get('/v1/apikeys').expect(200);
      expect(listed.body.apiKeys).toHaveLength(4);

      await as(t.server, member).delete(`/v1/apikeys/${listed.body.apiKeys[0].apiKeyId}`).expect(204);
      await createKey(member).expect(201);
      await createKey(member).expect(409);
    });

    it('counts only active keys: an expired one leaves room', async () => {
      const member = await createActor(t.server, root);
      const soon = Date.now() + 8_000;
      for (let i = 0; i < 3; i++) await as(t.server, counter).post('/v1/apikeys').send({ userId: member.userId, expiresAt: soon }).expect(201);
      await createKey(counter, member.userId).expect(409);
      await new Promise((resolve) => setTimeout(resolve, soon - Date.now() + 100));
      await createKey(counter, member.userId).expect(201);
    });

    it('lets one user create AUTH_KEY_CREATIONS_PER_MINUTE keys a minute, then 429 with Retry-After; others are not held back', async () => {
      const created: Response[] = [];
      for (const member of provisioned) for (let i = 0; i < 3 && created.length < 16; i++) created.push(await createKey(provisioner, member.userId));
      expect(statuses(created)).toEqual({ 201: 16 });
      const refused = await createKey(provisioner, provisioned[5]!.userId).expect(429);
      expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 'apiKeyCreationsPerMinute', value: 16 } });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      await createKey(other).expect(201);
    });
  });

  describe('argon2 pool', () => {
    let t: TestApp;
    let root: Actor;

    beforeAll(async () => {
      // Two argon2 slots (creations may hold one), one run waiting per kind.
      t = await startTestApp({ AUTH_MAX_CONCURRENT_VERIFICATIONS: '2', AUTH_MAX_QUEUED_VERIFICATIONS: '1', AUTH_KEY_CREATIONS_PER_MINUTE: '1000' });
      root = await initRoot(t.server);
    });

    afterAll(async () => {
      await t.close();
    });

    it("hashes new keys in the bounded pool: a creation flood is shed with 503, and another user's first login is served meanwhile", async () => {
      const flooder = await createActor(t.server, root);
      const victim = await createActor(t.server, root);
      const flood = Promise.all(Array.from({ length: 12 }, () => as(t.server, flooder).post('/v1/apikeys').send({})));
      const login = as(t.server, victim).get('/v1/users/me');
      const [floodAnswers, loginAnswer] = await Promise.all([flood, login]);

      expect(loginAnswer.status).toBe(200);
      const counts = statuses(floodAnswers);
      expect(counts[201]).toBeGreaterThanOrEqual(2);
      expect(counts[503]).toBeGreaterThan(0);
      const shed = floodAnswers.find((res) => res.status === 503)!;
      expect(shed.body).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/API key creations are waiting/) });
      expect(shed.headers['retry-after']).toBe('1');
    });
  });
});
