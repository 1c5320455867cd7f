import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { PrismaService } from '../src/database/prisma.service.js';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SERVER_SECRET_VAR = 'RERANKER_SECRET_HARDENING';
const SERVER_SECRET = 'server-secret-0123456789abcdef';
const UNSET_VAR = 'RERANKER_SECRET_NEVER_SET';
const secretRef = (name: string) => ({ kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: `env://${name}` } } });
const QUERY = { query: 'q', documents: ['a score=0.1', 'b score=0.9'] };

/** Characters canonicalization keeps as they are and compression cannot shrink. */
const incompressible = (length: number) => randomBytes(length).toString('base64url').slice(0, length);

describe('registry hardening', () => {
  let t: TestApp;
  let admin: Actor;
  let alice: Actor;
  let bob: Actor;
  let trusted: FakeUpstream;
  let attacker: FakeUpstream;

  beforeAll(async () => {
    process.env[SERVER_SECRET_VAR] = SERVER_SECRET;
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    const root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    alice = await createActor(t.server, admin);
    bob = await createActor(t.server, admin);
    trusted = await FakeUpstream.start('COHERE');
    attacker = await FakeUpstream.start('COHERE');
  });

  afterAll(async () => {
    delete process.env[SERVER_SECRET_VAR];
    await t.close();
    await Promise.all([trusted.close(), attacker.close()]);
  });

  beforeEach(() => {
    trusted.clear();
    attacker.clear();
  });

  const create = async (by: Actor, overrides: Record<string, unknown> = {}): Promise<string> => {
    const body = rerankerBody({ endpointUrl: trusted.url, modelIdentifier: `m-${randomUUID()}`, ...overrides });
    return (await as(t.server, by).post('/v1/rerankers').send(body).expect(201)).body.rerankerId;
  };
  const path = (id: string) => `/v1/rerankers/${id}`;
  const rerank = (by: Actor, id: string) => as(t.server, by).post(`${path(id)}/rerank`).send(QUERY);

  describe('redirecting a kept credential', () => {
    const redirects: Array<[string, Record<string, unknown>]> = [
      ['endpointUrl', { endpointUrl: 'ATTACKER' }],
      ['apiPath', { apiPath: '/elsewhere' }],
      ['extraHeaders', { extraHeaders: { 'X-Forward-To': 'attacker' } }],
    ];

    it.each(redirects)("refuses a member's %s change that keeps an admin's secretRef credential", async (_field, change) => {
      const id = await create(admin, { ownerId: alice.userId, credentials: secretRef(SERVER_SECRET_VAR) });
      const body = { ...change, ...(change.endpointUrl ? { endpointUrl: attacker.url } : {}) };
      for (const method of ['patch', 'put'] as const) {
        const res = await as(t.server, alice)[method](path(id)).send(body).expect(403);
        expect(res.body).toMatchObject({ code: 'PERMISSION_DENIED' });
        expect(res.body.message).toMatch(/re-supply the credential/);
      }
      await rerank(alice, id).expect(200);
      expect(attacker.requests).toHaveLength(0);
      expect(trusted.requests[0]!.headers.authorization).toBe(`Bearer ${SERVER_SECRET}`);
      expect((await as(t.server, alice).get(path(id)).expect(200)).body).toMatchObject({ endpointUrl: trusted.url, apiPath: '/v2/rerank' });
    });

    it("refuses a member's redirect of an inline secret an admin supplied, but not of their own", async () => {
      const adminSupplied = await create(admin, { ownerId: alice.userId, credentials: inlineCredentials('admin-supplied-secret-123') });
      await as(t.server, alice).patch(path(adminSupplied)).send({ endpointUrl: attacker.url }).expect(403);
      const own = await create(alice, { credentials: inlineCredentials('alice-own-secret-123456') });
      await as(t.server, alice).patch(path(own)).send({ endpointUrl: attacker.url }).expect(200);
      await rerank(alice, own).expect(200);
      expect(attacker.requests[0]!.headers.authorization).toBe('Bearer alice-own-secret-123456');
    });

    it('refuses a member who re-keyed with an admin secret after the member supplied one', async () => {
      const id = await create(alice, { credentials: inlineCredentials('alice-own-secret-123456') });
      await as(t.server, admin).patch(path(id)).send({ credentials: inlineCredentials('admin-rotated-secret-123') }).expect(200);
      await as(t.server, alice).patch(path(id)).send({ endpointUrl: attacker.url }).expect(403);
    });

    it("refuses an admin's redirect of a member's own inline secret: ANY scope does not reach another user's secret", async () => {
      const id = await create(alice, { credentials: inlineCredentials('alice-only-secret-123456') });
      const refused = await as(t.server, admin).patch(path(id)).send({ apiPath: '/evil' }).expect(403);
      expect(refused.body.code).toBe('PERMISSION_DENIED');
      await as(t.server, admin)
        .patch(path(id))
        .send({ apiPath: '/evil', credentials: inlineCredentials('admin-own-secret-1234567') })
        .expect(200);
    });

    it('lets the redirect through when the credential is re-supplied, or by whoever could supply it', async () => {
      const id = await create(admin, { ownerId: alice.userId, credentials: secretRef(SERVER_SECRET_VAR) });
      await as(t.server, alice).patch(path(id)).send({ displayName: 'renamed', endpointUrl: `${trusted.url}/` }).expect(200);
      await as(t.server, admin).patch(path(id)).send({ apiPath: '/v2/rerank/' }).expect(200);
      await as(t.server, alice)
        .patch(path(id))
        .send({ endpointUrl: attacker.url, credentials: inlineCredentials('alice-own-secret-123456') })
        .expect(200);
      await rerank(alice, id).expect(200);
      expect(attacker.requests[0]!.headers.authorization).toBe('Bearer alice-own-secret-123456');
      const noCredential = await create(alice);
      await as(t.server, alice).patch(path(noCredential)).send({ endpointUrl: attacker.url }).expect(200);
    });

    it('answers 404 to a non-owner probing a reranker whose secret is missing, and never names the variable to members', async () => {
      const id = await create(admin, { ownerId: alice.userId, credentials: secretRef(UNSET_VAR) });
      for (const route of ['rerank', 'ping']) {
        const probe = await as(t.server, bob).post(`${path(id)}/${route}`).send(QUERY).expect(404);
        expect(JSON.stringify(probe.body)).not.toContain(UNSET_VAR);
      }
      const owner = await rerank(alice, id).expect(503);
      expect(owner.body).toMatchObject({ code: 'UNAVAILABLE', message: "The reranker's credential is not available on this server" });
      expect(JSON.stringify(owner.body)).not.toContain(UNSET_VAR);
      const operator = await rerank(admin, id).expect(503);
      expect(operator.body.details).toEqual({ secretRef: `env://${UNSET_VAR}`, reason: `${UNSET_VAR} is not set on this server` });
    });
  });

  describe('concurrent updates', () => {
    it('keeps every key of 10 concurrent mergeLabels PATCHes', async () => {
      const id = await create(alice);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => as(t.server, alice).patch(path(id)).send({ mergeLabels: { [`k${i}`]: String(i) } })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
      const { body } = await as(t.server, alice).get(path(id)).expect(200);
      expect(body.labels).toEqual(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, String(i)])));
    });

    it('refuses a merge past 20 labels atomically, leaving the labels as they were', async () => {
      const labels = Object.fromEntries(Array.from({ length: 19 }, (_, i) => [`k${i}`, 'v']));
      const id = await create(alice, { labels });
      const res = await as(t.server, alice).patch(path(id)).send({ mergeLabels: { a: '1', b: '2' }, displayName: 'not applied' }).expect(400);
      expect(res.body.message).toMatch(/more than 20 labels/);
      const after = await as(t.server, alice).get(path(id)).expect(200);
      expect(after.body).toMatchObject({ labels, displayName: 'Test reranker' });
      await as(t.server, alice).patch(path(id)).send({ mergeLabels: { k0: 'overwritten', a: '1' } }).expect(200);
    });

    it.each(['put', 'patch'] as const)('%s honours If-Match: a stale ETag gets 412, the current one 200 with a new ETag', async (method) => {
      const id = await create(alice);
      const read = await as(t.server, alice).get(path(id)).expect(200);
      const etag = read.headers.etag as string;
      expect(etag).toMatch(/^"[^"]+"$/);
      const first = await as(t.server, alice)[method](path(id)).set('if-match', etag).send({ displayName: 'first' }).expect(200);
      expect(first.headers.etag).toMatch(/^"[^"]+"$/);
      expect(first.headers.etag).not.toBe(etag);
      const stale = await as(t.server, alice)[method](path(id)).set('if-match', etag).send({ displayName: 'second' }).expect(412);
      expect(stale.body).toMatchObject({ code: 'PRECONDITION_FAILED' });
      expect((await as(t.server, alice).get(path(id)).expect(200)).body.displayName).toBe('first');
      await as(t.server, alice)[method](path(id)).set('if-match', `W/${first.headers.etag}`).send({ displayName: 'weak' }).expect(412);
      await as(t.server, alice)[method](path(id)).set('if-match', `"nope", ${first.headers.etag}`).send({ displayName: 'listed' }).expect(200);
      await as(t.server, alice)[method](path(id)).set('if-match', '*').send({ displayName: 'any' }).expect(200);
    });

    it('documents ETag and If-Match in the OpenAPI document', async () => {
      const { body } = await request(t.server).get('/openapi.json').expect(200);
      const item = body.paths['/v1/rerankers/{id}'];
      expect(item.get.responses['200'].headers).toHaveProperty('ETag');
      for (const method of ['put', 'patch']) {
        expect(item[method].parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'If-Match', in: 'header' })]));
        expect(item[method].responses['200'].headers).toHaveProperty('ETag');
        expect(item[method].responses).toHaveProperty('412');
      }
    });

    it('lets exactly one of 5 concurrent updates with the same If-Match win', async () => {
      const id = await create(alice);
      const etag = (await as(t.server, alice).get(path(id)).expect(200)).headers.etag as string;
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => as(t.server, alice).patch(path(id)).set('if-match', etag).send({ mergeLabels: { [`k${i}`]: 'v' } })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412, 412, 412]);
      expect(Object.keys((await as(t.server, alice).get(path(id)).expect(200)).body.labels)).toHaveLength(1);
    });
  });

  describe('identity conflicts', () => {
    it('answers 409 naming the other reranker when a PATCH of apiPath alone collides', async () => {
      const modelIdentifier = `m-${randomUUID()}`;
      const first = await create(alice, { modelIdentifier, apiPath: '/one' });
      const second = await create(alice, { modelIdentifier, apiPath: '/two' });
      const res = await as(t.server, alice).patch(path(second)).send({ apiPath: '/one' }).expect(409);
      expect(res.body).toMatchObject({ code: 'ALREADY_EXISTS', details: { existingRerankerId: first } });
      expect((await as(t.server, alice).get(path(second)).expect(200)).body.apiPath).toBe('/two');
    });

    it('registers a maximal-length identity, then answers 409 to its duplicate', async () => {
      const body = rerankerBody({
        endpointUrl: `https://long.example.com/${incompressible(2048 - 'https://long.example.com/'.length)}`,
        apiPath: `/${incompressible(511)}`,
        modelIdentifier: incompressible(255),
        credentials: inlineCredentials(incompressible(8192), { headerName: `X-${incompressible(98)}`, prefix: incompressible(64) }),
      });
      const created = await as(t.server, alice).post('/v1/rerankers').send(body).expect(201);
      const dup = await as(t.server, alice).post('/v1/rerankers').send(body).expect(409);
      expect(dup.body.details).toEqual({ existingRerankerId: created.body.rerankerId });
    });
  });

  it("stores the identity hash the migration's SQL backfill computes, for any characters", async () => {
    const id = await create(alice, { modelIdentifier: 'quote" back\\slash é 😀 \u2028 </x>', apiPath: '/ü/%7E' });
    const [row] = await t.app.get(PrismaService).$queryRaw<Array<{ stored: string; backfill: string }>>`
      SELECT "identity_hash" AS stored, encode(sha256(convert_to(array_to_json(ARRAY[
        "owner_id"::text, "provider_type"::text, "endpoint_url", "api_path", "model_identifier", "credentials_fingerprint"
      ])::text, 'UTF8')), 'hex') AS backfill
      FROM "rerankers" WHERE "id" = ${id}::uuid`;
    expect(row!.stored).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.stored).toBe(row!.backfill);
  });

  describe('uppercase ids in the path', () => {
    it('DELETE by an uppercase id makes the reranker unknown to rerank at once', async () => {
      const id = await create(alice);
      await rerank(alice, id).expect(200);
      await as(t.server, alice).delete(path(id.toUpperCase())).expect(204);
      await rerank(alice, id).expect(404);
    });

    it.each(['put', 'patch'] as const)('%s of credentials by an uppercase id is used by the very next rerank', async (method) => {
      const id = await create(alice, { credentials: inlineCredentials('old-secret-0123456789') });
      await rerank(alice, id).expect(200);
      await as(t.server, alice)[method](path(id.toUpperCase())).send({ credentials: inlineCredentials('new-secret-0123456789') }).expect(200);
      await rerank(alice, id).expect(200);
      expect(trusted.requests.map((r) => r.headers.authorization)).toEqual(['Bearer old-secret-0123456789', 'Bearer new-secret-0123456789']);
    });
  });
});
