import { createHash } from 'node:crypto';
import request from 'supertest';
import { PrismaService } from '../src/database/prisma.service.js';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Signs in with `key`; the session cookie (name=value) and the answer. */
async function signIn(t: TestApp, key: string): Promise<{ cookie: string; body: Record<string, unknown>; setCookie: string }> {
  const res = await request(t.server).post('/v1/console/session').set('x-rr-csrf', '1').send({ apiKey: key }).expect(200);
  const setCookie = String(res.headers['set-cookie']);
  return { cookie: setCookie.split(';')[0]!, body: res.body, setCookie };
}

describe('console sessions', () => {
  let t: TestApp;
  let root: Actor;
  let member: Actor;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    root = await initRoot(t.server);
    member = await createActor(t.server, root, 'MEMBER');
    upstream = await FakeUpstream.start('COHERE');
  });

  afterAll(async () => {
    await upstream.close();
    await t.close();
  });

  it('exchanges a key for an HttpOnly, SameSite=Strict cookie whose token is stored only as its SHA-256', async () => {
    const { cookie, body, setCookie } = await signIn(t, member.key);
    expect(setCookie).toMatch(/^rr_session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(body).toMatchObject({ user: { userId: member.userId, role: 'MEMBER' }, scopes: { permissions: null, rerankerIds: null, aliases: null } });
    expect(body.permissions).toEqual(expect.arrayContaining(['CREATE_RERANKER_OWN', 'LIST_RERANKER_OWN']));
    expect(body.permissions).not.toContain('LIST_USER_ANY');
    const token = cookie.split('=')[1]!;
    const rows = await t.app.get(PrismaService).consoleSession.findMany({ where: { apiKey: { userId: member.userId } } });
    expect(rows.map((r) => r.tokenHash)).toContain(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(body)).not.toContain(member.key);

    const current = await request(t.server).get('/v1/console/session').set('cookie', cookie).expect(200);
    expect(current.body).toEqual(body);
  });

  it('refuses sign-in without the CSRF header, with a wrong key, and a wrong key through the failure limits', async () => {
    const noHeader = await request(t.server).post('/v1/console/session').send({ apiKey: member.key }).expect(403);
    expect(noHeader.body.code).toBe('CSRF_HEADER_MISSING');
    const [id] = member.key.replace(/^rrk_/, '').split('_');
    const wrong = `rrk_${id}_${'A'.repeat(43)}`;
    const refused = await request(t.server).post('/v1/console/session').set('x-rr-csrf', '1').send({ apiKey: wrong });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('UNAUTHENTICATED');
    await request(t.server).post('/v1/console/session').set('x-rr-csrf', '1').send({}).expect(400);
    await request(t.server).get('/v1/console/session').expect(401);
  });

  it('authenticates API and rerank calls by the cookie, and refuses changes without the CSRF header', async () => {
    const { cookie } = await signIn(t, member.key);
    await request(t.server).get('/v1/rerankers').set('cookie', cookie).expect(200);
    const forged = await request(t.server).post('/v1/rerankers').set('cookie', cookie).send(rerankerBody());
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('CSRF_HEADER_MISSING');
    const created = await request(t.server)
      .post('/v1/rerankers')
      .set('cookie', cookie)
      .set('x-rr-csrf', '1')
      .send(rerankerBody({ endpointUrl: upstream.url }))
      .expect(201);
    const rerankPath = `/v1/rerankers/${created.body.rerankerId}/rerank`;
    const hotForged = await request(t.server).post(rerankPath).set('cookie', cookie).send({ query: 'q', documents: ['a score=0.2', 'b score=0.9'] });
    expect(hotForged.status).toBe(403);
    const ranked = await request(t.server).post(rerankPath).set('cookie', cookie).set('x-rr-csrf', '1').send({ query: 'q', documents: ['a score=0.2', 'b score=0.9'] }).expect(200);
    expect(ranked.body.results.map((r: { index: number }) => r.index)).toEqual([1, 0]);
    // An API key in the headers wins over a cookie: no CSRF header needed for key callers.
    await as(t.server, root).get(`/v1/rerankers/${created.body.rerankerId}`).set('cookie', cookie).expect(200);
  });

  it('ends when the key is revoked, when its user is disabled, and on sign-out (the cookie is cleared)', async () => {
    const extra = await as(t.server, root).post('/v1/apikeys').send({ userId: member.userId }).expect(201);
    const revokable = await signIn(t, extra.body.rawApiKey);
    await request(t.server).get('/v1/rerankers').set('cookie', revokable.cookie).expect(200);
    await as(t.server, root).delete(`/v1/apikeys/${extra.body.apiKey.apiKeyId}`).expect(204);
    const ended = await request(t.server).get('/v1/rerankers').set('cookie', revokable.cookie).expect(401);
    expect(ended.body.code).toBe('UNAUTHENTICATED');
    await request(t.server).get('/v1/console/session').set('cookie', revokable.cookie).expect(401);

    const other = await createActor(t.server, root, 'MEMBER');
    const disabled = await signIn(t, other.key);
    await as(t.server, root).patch(`/v1/users/${other.userId}`).send({ disabled: true }).expect(200);
    await request(t.server).get('/v1/console/session').set('cookie', disabled.cookie).expect(401);

    const { cookie } = await signIn(t, member.key);
    await request(t.server).delete('/v1/console/session').set('cookie', cookie).expect(403);
    const out = await request(t.server).delete('/v1/console/session').set('cookie', cookie).set('x-rr-csrf', '1').expect(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^rr_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict$/);
    await request(t.server).get('/v1/rerankers').set('cookie', cookie).expect(401);
  });

  it('keeps at most CONSOLE_MAX_SESSIONS_PER_KEY sessions per key: signing in again ends the oldest', async () => {
    const key = await as(t.server, root).post('/v1/apikeys').send({ userId: member.userId }).expect(201);
    const sessions = [];
    for (let i = 0; i < 11; i++) sessions.push(await signIn(t, key.body.rawApiKey));
    await request(t.server).get('/v1/console/session').set('cookie', sessions[0]!.cookie).expect(401);
    await request(t.server).get('/v1/console/session').set('cookie', sessions[10]!.cookie).expect(200);
    expect(await t.app.get(PrismaService).consoleSession.count({ where: { apiKeyId: key.body.apiKey.apiKeyId } })).toBe(10);
  });

  it('serves the console at /console/ under a strict Content-Security-Policy, deep links included', async () => {
    await request(t.server).get('/console').expect(308).expect('location', '/console/');
    for (const path of ['/console/', '/console/rerankers/1234']) {
      const page = await request(t.server).get(path).expect(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toContain("default-src 'self'; script-src 'self'; style-src 'self'");
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.text).toContain('<div id="app"></div>');
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|\sstyle=/);
    }
    // Mounting the console leaves the error model of every other route as it is (Fastify's error handler included).
    const refused = await request(t.server).get('/healthz?__proto__=1').expect(400);
    expect(refused.body).toMatchObject({ code: 'INVALID_ARGUMENT', detail: refused.body.message, requestId: refused.headers['x-request-id'] });
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec((await request(t.server).get('/console/')).text)![1]!;
    const js = await request(t.server).get(asset).expect(200);
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.headers['content-security-policy']).toBeDefined();
  });
});
