import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { expectErrorModel } from './support/error-model.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SECRET = 'upstream-secret-0123456789';
const deep = (levels: number, leaf = '1') => '{"a":'.repeat(levels) + leaf + '}'.repeat(levels);
const deepArray = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const base64url = (text: string) => Buffer.from(text).toString('base64url');

describe('input validation', () => {
  let t: TestApp;
  let root: Actor;
  let alice: Actor;
  let upstream: FakeUpstream;
  let rerankerId: string;

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    root = await initRoot(t.server);
    alice = await createActor(t.server, root);
    upstream = await FakeUpstream.start('JINA');
    rerankerId = await register(alice);
  });

  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  beforeEach(() => upstream.clear());

  async function register(owner: Actor, overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await as(t.server, owner)
      .post('/v1/rerankers')
      .send(rerankerBody({ providerType: 'JINA', endpointUrl: upstream.url, credentials: inlineCredentials(SECRET), ...overrides }))
      .expect(201);
    return res.body.rerankerId;
  }

  const sendRaw = (method: 'post' | 'patch' | 'put', path: string, body: string, actor: Actor = root, contentType = 'application/json') =>
    request(t.server)[method](path).set('x-api-key', actor.key).set('content-type', contentType).send(body);

  describe('ids are canonical at the edge', () => {
    it('DELETE /v1/apikeys/<UPPERCASE id> stops the key at once', async () => {
      const created = await as(t.server, alice).post('/v1/apikeys').send({}).expect(201);
      const key = { ...alice, key: created.body.rawApiKey };
      await as(t.server, key).get('/v1/users/me').expect(200);
      await as(t.server, alice).delete(`/v1/apikeys/${created.body.apiKey.apiKeyId.toUpperCase()}`).expect(204);
      await as(t.server, key).get('/v1/users/me').expect(401);
    });

    it('PATCH /v1/users/<UPPERCASE id> {disabled: true} stops that user’s keys at once', async () => {
      const bob = await createActor(t.server, root);
      await as(t.server, bob).get('/v1/users/me').expect(200);
      await as(t.server, root).patch(`/v1/users/${bob.userId.toUpperCase()}`).send({ disabled: true }).expect(200);
      await as(t.server, bob).get('/v1/users/me').expect(401);
    });

    it('an uppercase rerankerId and ownerId at create are stored lowercase, and the secret decrypts', async () => {
      const id = randomUUID();
      const res = await as(t.server, root)
        .post('/v1/rerankers')
        .send(
          rerankerBody({
            rerankerId: id.toUpperCase(),
            ownerId: alice.userId.toUpperCase(),
            modelIdentifier: 'uppercase-ids',
            providerType: 'JINA',
            endpointUrl: upstream.url,
            credentials: inlineCredentials(SECRET),
          }),
        )
        .expect(201);
      expect(res.body).toMatchObject({ rerankerId: id, ownerId: alice.userId });
      await as(t.server, alice).post(`/v1/rerankers/${id.toUpperCase()}/rerank`).send({ query: 'q', documents: ['a', 'b'] }).expect(200);
      expect(upstream.requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
    });

    it('an uppercase compat model and query ids name the same reranker and user', async () => {
      await as(t.server, alice).post('/v1/rerank').send({ model: rerankerId.toUpperCase(), query: 'q', documents: ['a'] }).expect(200);
      const keys = await as(t.server, root).get(`/v1/apikeys?userId=${alice.userId.toUpperCase()}`).expect(200);
      expect(keys.body.apiKeys.length).toBeGreaterThan(0);
      const rerankers = await as(t.server, root).get(`/v1/rerankers?ownerId=${alice.userId.toUpperCase()}`).expect(200);
      expect(rerankers.body.rerankers.map((r: { rerankerId: string }) => r.rerankerId)).toContain(rerankerId);
    });
  });

  describe('every bad input gets a 4xx with the error model', () => {
    it.each([
      ['post', '/v1/users'],
      ['post', '/v1/apikeys'],
      ['post', '/v1/rerankers'],
      ['post', '/v1/system/init'],
    ] as const)('refuses JSON nested 5,000 levels deep on %s %s', async (method, path) => {
      const res = await sendRaw(method, path, `{"labels":${deep(5000)}}`);
      expectErrorModel(res, 400, 'INVALID_ARGUMENT');
      expect(res.body.message).toMatch(/nests deeper than 64 levels/);
      const arrays = await sendRaw(method, path, deepArray(5000));
      expectErrorModel(arrays, 400, 'INVALID_ARGUMENT');
    });

    it('refuses deep nesting in a document text and in returned document objects', async () => {
      const path = `/v1/rerankers/${rerankerId}/rerank`;
      const inText = await sendRaw('post', path, `{"query":"q","documents":[{"text":${deep(5000, '"x"')}}]}`, alice);
      expectErrorModel(inText, 400, 'INVALID_ARGUMENT');
      const returned = await sendRaw('post', path, `{"query":"q","documents":["a",${deep(5000)}],"returnDocuments":true}`, alice);
      expectErrorModel(returned, 400, 'INVALID_ARGUMENT');
      expect(upstream.requests).toHaveLength(0);
    });

    it('drops an upstream usage block nested 5,000 levels deep instead of failing the call', async () => {
      upstream.fail({ kind: 'status', status: 200, body: `{"results":[{"index":0,"relevance_score":0.5}],"usage":${deep(5000)}}` }, 1);
      const res = await as(t.server, alice).post(`/v1/rerankers/${rerankerId}/rerank`).send({ query: 'q', documents: ['a'] }).expect(200);
      expect(res.body.results).toHaveLength(1);
    });

    it.each([
      ['an email', '/v1/users', '{"email":"a\\ud800@example.com","displayName":"x"}'],
      ['a display name', '/v1/users', '{"email":"lone@example.com","displayName":"x\\udfff"}'],
      ['a label value', '/v1/apikeys', '{"labels":{"env":"\\ud83d"}}'],
      ['a label key', '/v1/apikeys', '{"labels":{"e\\ud800":"x"}}'],
      ['a credential label', '/v1/rerankers', JSON.stringify(rerankerBody({ credentials: { ...inlineCredentials(SECRET), labels: { a: 'LONE' } } })).replace('LONE', '\\udc00')],
      ['a secret', '/v1/rerankers', JSON.stringify(rerankerBody({ credentials: inlineCredentials('secret-LONE-0123456789') })).replace('LONE', '\\ud800')],
      ['an extra header value', '/v1/rerankers', JSON.stringify(rerankerBody({ extraHeaders: { 'x-a': 'LONE' } })).replace('LONE', '\\ud800')],
    ])('refuses an unpaired surrogate in %s', async (_where, path, body) => {
      const res = await sendRaw('post', path, body);
      expectErrorModel(res, 400, 'INVALID_ARGUMENT');
      expect(res.body.message).toMatch(/unpaired UTF-16 surrogate/);
    });

    it.each([
      ['a display name', 'post', '/v1/users', '{"email":"nul@example.com","displayName":"x\\u0000y"}'],
      ['a label', 'post', '/v1/apikeys', '{"labels":{"env":"\\u0000"}}'],
      ['a reranker description', 'post', '/v1/rerankers', JSON.stringify(rerankerBody({ description: 'NUL' })).replace('NUL', '\\u0000')],
    ] as const)('refuses a NUL in %s', async (_where, method, path, body) => {
      const res = await sendRaw(method, path, body);
      expectErrorModel(res, 400, 'INVALID_ARGUMENT');
      expect(res.body.message).toMatch(/NUL character/);
    });

    it('refuses a NUL in a query value (?label.env=%00)', async () => {
      expectErrorModel(await as(t.server, alice).get('/v1/rerankers?label.env=%00'), 400, 'INVALID_ARGUMENT');
    });

    it.each([[{ displayName: null }], [{ role: null }], [{ disabled: null }]])('refuses PATCH /v1/users/:id %j', async (body) => {
      const carol = await createActor(t.server, root);
      await as(t.server, root).patch(`/v1/users/${carol.userId}`).send({ disabled: true }).expect(200);
      expectErrorModel(await as(t.server, root).patch(`/v1/users/${carol.userId}`).send(body), 400, 'INVALID_ARGUMENT');
      const after = await as(t.server, root).get(`/v1/users/${carol.userId}`).expect(200);
      expect(after.body).toMatchObject({ disabled: true, role: 'MEMBER', displayName: 'MEMBER user' });
    });

    it('refuses expiresAt beyond year 9999', async () => {
      expectErrorModel(await as(t.server, alice).post('/v1/apikeys').send({ expiresAt: 1e20 }), 400, 'INVALID_ARGUMENT');
    });

    it.each(['/v1/users', '/v1/apikeys', '/v1/rerankers'])('refuses a forged nextToken on %s', async (path) => {
      for (const token of [base64url(`1.${'-'.repeat(36)}`), base64url('99999999999999.not-a-uuid-at-all-but-36-characters!!'), 'x']) {
        expectErrorModel(await as(t.server, root).get(`${path}?nextToken=${token}`), 400, 'INVALID_ARGUMENT');
      }
    });

    it('says what is wrong with pageSize=abc', async () => {
      const res = await as(t.server, root).get('/v1/users?pageSize=abc');
      expectErrorModel(res, 400, 'INVALID_ARGUMENT');
      expect(res.body.message).toBe('pageSize: pageSize must be an integer from 1 to 1000');
    });

    it('refuses a JSON null, array or string body on an object route, minting nothing', async () => {
      const before = await as(t.server, alice).get('/v1/apikeys').expect(200);
      for (const body of ['null', '[]', '"x"', '7']) {
        const res = await sendRaw('post', '/v1/apikeys', body, alice);
        expectErrorModel(res, 400, 'INVALID_ARGUMENT');
        expect(res.body.message).toBe('body: must be a JSON object');
      }
      const after = await as(t.server, alice).get('/v1/apikeys').expect(200);
      expect(after.body.apiKeys).toHaveLength(before.body.apiKeys.length);
    });

    it('refuses a charset other than UTF-8 with 415, and other media types', async () => {
      const utf16 = await sendRaw('post', '/v1/apikeys', '{}', alice, 'application/json; charset=utf-16');
      expectErrorModel(utf16, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(utf16.body.message).toMatch(/utf-16/);
      await sendRaw('post', '/v1/apikeys', '{}', alice, 'application/json; charset=UTF-8').expect(201);
      expectErrorModel(await sendRaw('post', '/v1/apikeys', 'labels[a]=b', alice, 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectErrorModel(await sendRaw('post', '/v1/apikeys', '{}', alice, 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('reports why a body is not valid JSON', async () => {
      const res = await sendRaw('post', '/v1/apikeys', '{"labels": tru}', alice);
      expectErrorModel(res, 400, 'INVALID_ARGUMENT');
      expect(res.body.message).toMatch(/^Request body is not valid JSON: .+/);
    });

    it('refuses rankFields naming an inherited property without calling upstream', async () => {
      const res = await as(t.server, alice)
        .post(`/v1/rerankers/${rerankerId}/rerank`)
        .send({ query: 'q', documents: [{ text: 'a' }], rankFields: ['constructor'] });
      expectErrorModel(res, 400, 'INVALID_ARGUMENT');
      expect(upstream.requests).toHaveLength(0);
    });

    it('caps rankFields, so 10,000 of them give a small error body', async () => {
      const rankFields = Array.from({ length: 10_000 }, (_, i) => `f${i}-${'x'.repeat(240)}`);
      const res = await as(t.server, alice).post(`/v1/rerankers/${rerankerId}/rerank`).send({ query: 'q', documents: [{ text: 'a' }], rankFields });
      expectErrorModel(res, 400, 'INVALID_ARGUMENT');
      expect(res.text.length).toBeLessThan(8 * 1024);
    });
  });

  describe('framework errors get the error model and a request id', () => {
    it('answers a malformed URL (FST_ERR_BAD_URL) with 400', async () => {
      expectErrorModel(await as(t.server, root).get('/v1/users/%E0%A4%A'), 400, 'INVALID_ARGUMENT');
    });

    it('answers an over-long path parameter with 414', async () => {
      expectErrorModel(await as(t.server, root).get(`/v1/users/${'a'.repeat(500)}`), 414, 'URI_TOO_LONG');
    });

    it('answers oversized headers with 431', async () => {
      const res = await request(t.server).get('/healthz').set('x-padding', 'a'.repeat(64 * 1024));
      expectErrorModel(res, 431, 'HEADERS_TOO_LARGE');
    });
  });

  describe('generated clients', () => {
    it('may send content-type: application/json with no body on GET and DELETE', async () => {
      const created = await as(t.server, alice).post('/v1/apikeys').send({}).expect(201);
      await request(t.server).get('/v1/users/me').set('x-api-key', alice.key).set('content-type', 'application/json').expect(200);
      await request(t.server)
        .delete(`/v1/apikeys/${created.body.apiKey.apiKeyId}`)
        .set('x-api-key', alice.key)
        .set('content-type', 'application/json')
        .expect(204);
    });
  });
});
