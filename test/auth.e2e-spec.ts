import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PrismaService } from '../src/database/prisma.service.js';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { listRoutes } from './support/routes.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('system init', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('reports version and database kind publicly before init', async () => {
    const res = await request(t.server).get('/v1/system/info').expect(200);
    expect(res.body).toEqual({ version: expect.any(String), databaseKind: t.database.kind, initialized: false });
  });

  it('creates exactly one root under 10 concurrent calls, and returns its key once', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => request(t.server).post('/v1/system/init').send({})),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const winners = results.filter((r) => r.body.alreadyInitialized === false);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.body.rootApiKey).toMatch(/^rrk_/);
    for (const loser of results.filter((r) => r.body.alreadyInitialized === true)) {
      expect(loser.body).toEqual({ alreadyInitialized: true });
    }
    const roots = await t.app.get(PrismaService).user.count({ where: { role: 'ROOT' } });
    expect(roots).toBe(1);

    const me = await request(t.server).get('/v1/users/me').set('x-api-key', winners[0]!.body.rootApiKey).expect(200);
    expect(me.body).toMatchObject({ userId: winners[0]!.body.userId, role: 'ROOT' });
    await request(t.server).post('/v1/system/init').send({}).expect(200, { alreadyInitialized: true });
  });
});

describe('tenancy and auth', () => {
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let member: Actor;
  let other: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    member = await createActor(t.server, admin, 'MEMBER');
    other = await createActor(t.server, admin, 'MEMBER');
  });

  afterAll(async () => {
    await t.close();
  });

  describe('authentication', () => {
    it('refuses a missing, malformed or wrong key with 401 UNAUTHENTICATED', async () => {
      const missing = await request(t.server).get('/v1/users/me').expect(401);
      expect(missing.body.code).toBe('UNAUTHENTICATED');
      await request(t.server).get('/v1/users/me').set('x-api-key', 'not-a-key').expect(401);
      const wrongSecret = member.key.replace(/_[^_]+$/, `_${'A'.repeat(43)}`);
      await request(t.server).get('/v1/users/me').set('x-api-key', wrongSecret).expect(401);
      const unknownId = `rrk_${randomUUID().replaceAll('-', '')}_${'B'.repeat(43)}`;
      await request(t.server).get('/v1/users/me').set('x-api-key', unknownId).expect(401);
    });

    it('accepts Authorization: Bearer as well as x-api-key', async () => {
      const res = await request(t.server).get('/v1/users/me').set('authorization', `Bearer ${member.key}`).expect(200);
      expect(res.body.userId).toBe(member.userId);
    });

    it('never lets a wrong key through, even right after the right one warmed the cache', async () => {
      await as(t.server, member).get('/v1/users/me').expect(200);
      for (let i = 0; i < 5; i++) {
        const tampered = member.key.slice(0, -1) + (member.key.endsWith('A') ? 'B' : 'A');
        await request(t.server).get('/v1/users/me').set('x-api-key', tampered).expect(401);
      }
    });
  });

  describe('every route is guarded or explicitly public', () => {
    it('declares an access policy on every non-public route', () => {
      const routes = listRoutes(t.app);
      expect(routes.length).toBeGreaterThan(8);
      const unguarded = routes.filter((route) => route.access === undefined);
      expect(unguarded.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    });

    it('answers 401 on every non-public route when no key is given', async () => {
      const routes = listRoutes(t.app).filter((r) => r.access !== 'public');
      for (const route of routes) {
        const path = route.path.replace(/:[A-Za-z]+/g, randomUUID());
        const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
        const res = await request(t.server)[method](path).send({});
        expect(`${route.method} ${route.path} -> ${res.status}`).toBe(`${route.method} ${route.path} -> 401`);
      }
    });

    it('keeps health, docs and system routes public', async () => {
      for (const path of ['/healthz', '/readyz', '/openapi.json', '/v1/system/info']) {
        await request(t.server).get(path).expect(200);
      }
    });
  });

  describe('users', () => {
    it('lets admins create users and refuses members with 403', async () => {
      const body = { email: `new-${randomUUID()}@example.com`, displayName: '  New  ' };
      const forbidden = await as(t.server, member).post('/v1/users').send(body).expect(403);
      expect(forbidden.body.code).toBe('PERMISSION_DENIED');
      const created = await as(t.server, admin).post('/v1/users').send(body).expect(201);
      expect(created.body).toMatchObject({ displayName: 'New', role: 'MEMBER', disabled: false });
      expect(typeof created.body.createdAt).toBe('number');
      const duplicate = await as(t.server, admin).post('/v1/users').send(body).expect(409);
      expect(duplicate.body.code).toBe('ALREADY_EXISTS');
    });

    it('rejects unknown fields and wrong types naming the field', async () => {
      const unknown = await as(t.server, admin)
        .post('/v1/users')
        .send({ email: 'x@example.com', displayName: 'x', isRoot: true })
        .expect(400);
      expect(unknown.body.code).toBe('INVALID_ARGUMENT');
      expect(unknown.body.message).toContain('isRoot');
      const wrongType = await as(t.server, admin).post('/v1/users').send({ email: 'x@example.com', displayName: 7 }).expect(400);
      expect(wrongType.body.message).toContain('displayName');
    });

    it('reserves the ROOT role to ROOT', async () => {
      const body = { email: `r-${randomUUID()}@example.com`, displayName: 'r', role: 'ROOT' };
      await as(t.server, admin).post('/v1/users').send(body).expect(403);
      await as(t.server, admin).patch(`/v1/users/${root.userId}`).send({ displayName: 'hijack' }).expect(403);
      await as(t.server, root).post('/v1/users').send(body).expect(201);
    });

    it('lists users for admins only, newest first, with keyset pages', async () => {
      await as(t.server, member).get('/v1/users').expect(403);
      const first = await as(t.server, admin).get('/v1/users?pageSize=2').expect(200);
      expect(first.body.users).toHaveLength(2);
      expect(first.body.nextToken).toEqual(expect.any(String));
      const second = await as(t.server, admin).get(`/v1/users?pageSize=2&nextToken=${first.body.nextToken}`).expect(200);
      const firstIds = first.body.users.map((u: { userId: string }) => u.userId);
      expect(second.body.users.map((u: { userId: string }) => u.userId)).not.toEqual(expect.arrayContaining(firstIds));
      expect(first.body.users[0].createdAt).toBeGreaterThanOrEqual(first.body.users[1].createdAt);
      await as(t.server, admin).get('/v1/users?nextToken=garbage').expect(400);
      await as(t.server, admin).get('/v1/users?pageSize=1001').expect(400);
    });

    it("lets members read themselves but not others (404), admins read anyone", async () => {
      await as(t.server, member).get(`/v1/users/${member.userId}`).expect(200);
      const hidden = await as(t.server, member).get(`/v1/users/${other.userId}`).expect(404);
      expect(hidden.body.code).toBe('NOT_FOUND');
      await as(t.server, admin).get(`/v1/users/${other.userId}`).expect(200);
      await as(t.server, admin).get('/v1/users/not-a-uuid').expect(400);
      await as(t.server, admin).get(`/v1/users/${randomUUID()}`).expect(404);
    });

    it('lets admins update users; members get 403; nobody disables themselves', async () => {
      await as(t.server, member).patch(`/v1/users/${member.userId}`).send({ displayName: 'me' }).expect(403);
      const renamed = await as(t.server, admin).patch(`/v1/users/${other.userId}`).send({ displayName: 'Renamed' }).expect(200);
      expect(renamed.body.displayName).toBe('Renamed');
      await as(t.server, admin).patch(`/v1/users/${admin.userId}`).send({ disabled: true }).expect(400);
    });
  });

  describe('API keys', () => {
    it('issues a key shown once; listings show metadata only', async () => {
      const created = await as(t.server, member).post('/v1/apikeys').send({ labels: { env: 'test' } }).expect(201);
      expect(created.body.rawApiKey).toMatch(/^rrk_/);
      expect(created.body.apiKey).toMatchObject({ userId: member.userId, labels: { env: 'test' }, revokedAt: null });
      expect(created.headers['cache-control'] ?? '').not.toContain('public');

      const listed = await as(t.server, member).get('/v1/apikeys').expect(200);
      const text = JSON.stringify(listed.body);
      expect(text).not.toContain(created.body.rawApiKey);
      expect(text).not.toContain(created.body.rawApiKey.slice(-43));
      expect(text).not.toMatch(/argon2|secretHash/);
      expect(listed.body.apiKeys.every((k: { userId: string }) => k.userId === member.userId)).toBe(true);
    });

    it("lets only ANY holders issue or list another user's keys", async () => {
      await as(t.server, member).post('/v1/apikeys').send({ userId: other.userId }).expect(403);
      await as(t.server, member).get(`/v1/apikeys?userId=${other.userId}`).expect(403);
      await as(t.server, admin).post('/v1/apikeys').send({ userId: other.userId }).expect(201);
      const listed = await as(t.server, admin).get(`/v1/apikeys?userId=${other.userId}`).expect(200);
      expect(listed.body.apiKeys.length).toBeGreaterThanOrEqual(2);
    });

    it('validates labels and expiry', async () => {
      await as(t.server, member).post('/v1/apikeys').send({ labels: { 'Bad Key': 'x' } }).expect(400);
      await as(t.server, member).post('/v1/apikeys').send({ expiresAt: Date.now() - 1000 }).expect(400);
      await as(t.server, member).post('/v1/apikeys').send({ expiresAt: 'tomorrow' }).expect(400);
    });

    it("hides another user's key from a member (404) and lets an admin revoke it", async () => {
      const key = await as(t.server, other).post('/v1/apikeys').send({}).expect(201);
      await as(t.server, member).delete(`/v1/apikeys/${key.body.apiKey.apiKeyId}`).expect(404);
      await as(t.server, admin).delete(`/v1/apikeys/${key.body.apiKey.apiKeyId}`).expect(204);
      await as(t.server, admin).delete(`/v1/apikeys/${key.body.apiKey.apiKeyId}`).expect(204);
    });

    it('stops a revoked key on the very next request, with the cache warm', async () => {
      const extra = await as(t.server, member).post('/v1/apikeys').send({}).expect(201);
      const fresh: Actor = { ...member, key: extra.body.rawApiKey };
      await as(t.server, fresh).get('/v1/users/me').expect(200);
      await as(t.server, fresh).get('/v1/users/me').expect(200);
      await as(t.server, member).delete(`/v1/apikeys/${extra.body.apiKey.apiKeyId}`).expect(204);
      await as(t.server, fresh).get('/v1/users/me').expect(401);
      await as(t.server, member).get('/v1/users/me').expect(200);
    });

    it("stops every key of a disabled user at once, and restores them on re-enable", async () => {
      const victim = await createActor(t.server, admin, 'MEMBER');
      await as(t.server, victim).get('/v1/users/me').expect(200);
      await as(t.server, admin).patch(`/v1/users/${victim.userId}`).send({ disabled: true }).expect(200);
      await as(t.server, victim).get('/v1/users/me').expect(401);
      await as(t.server, admin).patch(`/v1/users/${victim.userId}`).send({ disabled: false }).expect(200);
      await as(t.server, victim).get('/v1/users/me').expect(200);
    });

    it('stops an expired key at its expiry even though it was cached', async () => {
      const short = await as(t.server, member).post('/v1/apikeys').send({ expiresAt: Date.now() + 1_500 }).expect(201);
      const expiring: Actor = { ...member, key: short.body.rawApiKey };
      await as(t.server, expiring).get('/v1/users/me').expect(200);
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      await as(t.server, expiring).get('/v1/users/me').expect(401);
    });

    it('records lastUsedAt', async () => {
      const listed = await as(t.server, admin).get(`/v1/apikeys?userId=${member.userId}`).expect(200);
      expect(listed.body.apiKeys.some((k: { lastUsedAt: number | null }) => typeof k.lastUsedAt === 'number')).toBe(true);
    });
  });

  it('never writes a raw API key or its secret to the logs', () => {
    for (const actor of [root, admin, member, other]) {
      expect(t.logs.text).not.toContain(actor.key);
      expect(t.logs.text).not.toContain(actor.key.slice(-43));
    }
  });
});
