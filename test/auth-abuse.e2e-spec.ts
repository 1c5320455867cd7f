import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { floodWithRandomSecrets } from './support/flood.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const INIT_TOKEN = 'init-token-for-tests-0123456789';
const PRODUCTION = {
  NODE_ENV: 'production',
  SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  SECRETS_FINGERPRINT_KEY: Buffer.alloc(32, 8).toString('base64'),
};

/** The same key id with another (random) secret: the secret is the last 43 characters. */
const withRandomSecret = (key: string): string => `${key.slice(0, -43)}${randomBytes(32).toString('base64url')}`;

describe('role rule: no role acts on or grants a role above its own', () => {
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let otherAdmin: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    otherAdmin = await createActor(t.server, root, 'ADMIN');
  });

  afterAll(async () => {
    await t.close();
  });

  it("refuses an admin minting a key for ROOT with 403 (admin cannot become root)", async () => {
    const res = await as(t.server, admin).post('/v1/apikeys').send({ userId: root.userId }).expect(403);
    expect(res.body).toMatchObject({ code: 'PERMISSION_DENIED', requestId: expect.any(String) });
    expect(res.body).not.toHaveProperty('rawApiKey');
  });

  it("refuses an admin listing or revoking ROOT's keys with 403, and root's key keeps working", async () => {
    await as(t.server, admin).get(`/v1/apikeys?userId=${root.userId}`).expect(403);
    const own = await as(t.server, root).get('/v1/apikeys').expect(200);
    const rootKeyId = own.body.apiKeys[0].apiKeyId as string;
    const res = await as(t.server, admin).delete(`/v1/apikeys/${rootKeyId}`).expect(403);
    expect(res.body.code).toBe('PERMISSION_DENIED');
    await as(t.server, root).get('/v1/users/me').expect(200);
  });

  it('refuses an admin updating ROOT or granting ROOT, at create and at update', async () => {
    await as(t.server, admin).patch(`/v1/users/${root.userId}`).send({ disabled: true }).expect(403);
    await as(t.server, admin).patch(`/v1/users/${otherAdmin.userId}`).send({ role: 'ROOT' }).expect(403);
    await as(t.server, admin)
      .post('/v1/users')
      .send({ email: `r-${randomBytes(4).toString('hex')}@example.com`, displayName: 'r', role: 'ROOT' })
      .expect(403);
    const other = await as(t.server, root).get(`/v1/users/${otherAdmin.userId}`).expect(200);
    expect(other.body.role).toBe('ADMIN');
  });

  it('lets admins act on their own rank and below, and ROOT on everyone', async () => {
    await as(t.server, admin).post('/v1/apikeys').send({ userId: otherAdmin.userId }).expect(201);
    await as(t.server, admin).get(`/v1/apikeys?userId=${otherAdmin.userId}`).expect(200);
    const minted = await as(t.server, root).post('/v1/apikeys').send({ userId: root.userId }).expect(201);
    await as(t.server, root).delete(`/v1/apikeys/${minted.body.apiKey.apiKeyId}`).expect(204);
    await as(t.server, root).get(`/v1/apikeys?userId=${admin.userId}`).expect(200);
  });
});

describe('system init token', () => {
  it('requires SYSTEM_INIT_TOKEN wherever it is set (x-init-token or Bearer), answering 401 otherwise', async () => {
    const t = await startTestApp({ SYSTEM_INIT_TOKEN: INIT_TOKEN });
    try {
      const missing = await request(t.server).post('/v1/system/init').send({}).expect(401);
      expect(missing.body.code).toBe('UNAUTHENTICATED');
      await request(t.server).post('/v1/system/init').set('x-init-token', `${INIT_TOKEN}x`).send({}).expect(401);
      const ok = await request(t.server).post('/v1/system/init').set('x-init-token', INIT_TOKEN).send({}).expect(200);
      expect(ok.body.alreadyInitialized).toBe(false);
      await request(t.server)
        .post('/v1/system/init')
        .set('authorization', `Bearer ${INIT_TOKEN}`)
        .send({})
        .expect(200, { alreadyInitialized: true });
      // Outside production, info stays open.
      const info = await request(t.server).get('/v1/system/info').expect(200);
      expect(info.body.initialized).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('refuses init in production without SYSTEM_INIT_TOKEN (403) and hides `initialized` from anonymous callers', async () => {
    const t = await startTestApp(PRODUCTION);
    try {
      const refused = await request(t.server).post('/v1/system/init').send({}).expect(403);
      expect(refused.body.message).toContain('SYSTEM_INIT_TOKEN');
      const info = await request(t.server).get('/v1/system/info').expect(200);
      expect(info.body).toEqual({ version: expect.any(String), databaseKind: t.database.kind });
    } finally {
      await t.close();
    }
  });

  it('in production, inits with the token and shows `initialized` only to its holder', async () => {
    const t = await startTestApp({ ...PRODUCTION, SYSTEM_INIT_TOKEN: INIT_TOKEN });
    try {
      await request(t.server).post('/v1/system/init').send({}).expect(401);
      await request(t.server).post('/v1/system/init').set('x-init-token', INIT_TOKEN).send({}).expect(200);
      const anonymous = await request(t.server).get('/v1/system/info').expect(200);
      expect(anonymous.body).not.toHaveProperty('initialized');
      const holder = await request(t.server).get('/v1/system/info').set('x-init-token', INIT_TOKEN).expect(200);
      expect(holder.body.initialized).toBe(true);
    } finally {
      await t.close();
    }
  });
});

describe('wrong-secret flood', () => {
  let t: TestApp;
  let root: Actor;
  let target: Actor;
  let warm: Actor;
  let cold: Actor;

  beforeAll(async () => {
    // The production argon2 cost: the stall this guards against is argon2 work queued by a flood.
    t = await startTestApp({ AUTH_ARGON2_MEMORY_KIB: '65536', AUTH_ARGON2_TIME_COST: '3' });
    root = await initRoot(t.server);
    // Keys minted through the API are never verified: target and cold are cold keys.
    target = await createActor(t.server, root, 'MEMBER');
    warm = await createActor(t.server, root, 'MEMBER');
    cold = await createActor(t.server, root, 'MEMBER');
    await as(t.server, warm).get('/v1/users/me').expect(200);
  });

  afterAll(async () => {
    await t.close();
  });

  it('keeps a legit cold key answering within seconds and a warm key working under 50 concurrent random secrets for one key id', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const flood = floodWithRandomSecrets(await t.app.getUrl(), '/v1/users/me', target.key, {
      connections: 50,
      durationMs: 4_000,
    });

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const started = performance.now();
    const first = await as(t.server, cold).get('/v1/users/me');
    const coldMs = performance.now() - started;
    const warmStatuses = [];
    for (let i = 0; i < 5; i++) warmStatuses.push((await as(t.server, warm).get('/v1/users/me')).status);
    const { statuses, tooMany } = await flood;

    expect(first.status).toBe(200);
    // 0.2-0.4 s on a quiet machine; the stall this guards against took 12-20 s. The bound leaves
    // room for a machine loaded by other jobs (argon2 is CPU-bound), not for the stall.
    expect(coldMs).toBeLessThan(2_500);
    expect(warmStatuses).toEqual(Array(5).fill(200));
    expect(Object.keys(statuses).sort()).toEqual(['401', '429']);
    expect(tooMany?.body).toMatchObject({ code: 'TOO_MANY_FAILED_ATTEMPTS', requestId: expect.any(String) });
    expect(Number(tooMany?.retryAfter)).toBeGreaterThan(0);
  });

  it("does not lock the target key's legit holder out once its secret was verified", async () => {
    // The flood spent the key id's failures; the right secret still needs argon2 once...
    await as(t.server, target).get('/v1/users/me').expect(429);
    // ...but a proven key is answered from memory whatever is flooded at its id.
    await as(t.server, warm).get('/v1/users/me').expect(200);
    const floods = await Promise.all(
      Array.from({ length: 50 }, () => request(t.server).get('/v1/users/me').set('x-api-key', withRandomSecret(warm.key))),
    );
    expect(floods.map((res) => res.status)).toEqual(Array(50).fill(401));
    await as(t.server, warm).get('/v1/users/me').expect(200);
  });

  it('never writes an argon2 hash to the logs', () => {
    expect(t.logs.text).not.toContain('$argon2');
  });
});
