import request from 'supertest';
import { PrismaService } from '../src/database/prisma.service.js';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The routes the console needs beyond the registry's own: dry probe, health, provider catalog, readiness, cost per call, usage by alias. */
describe('console API', () => {
  let t: TestApp;
  let root: Actor;
  let member: Actor;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', USAGE_FLUSH_INTERVAL_MS: '100' });
    root = await initRoot(t.server);
    member = await createActor(t.server, root, 'MEMBER');
    upstream = await FakeUpstream.start('COHERE');
  });

  afterAll(async () => {
    await upstream.close();
    await t.close();
  });

  it('probes an unsaved configuration once, validated as create validates it, and writes nothing', async () => {
    const prisma = t.app.get(PrismaService);
    const before = { rerankers: await prisma.reranker.count(), events: await prisma.auditEvent.count() };
    upstream.clear();
    const ok = await as(t.server, member).post('/v1/rerankers/probe').send(rerankerBody({ endpointUrl: upstream.url, credentials: inlineCredentials('sk-probe-secret-123456') })).expect(200);
    expect(ok.body).toEqual({ ok: true, httpStatus: 200, rttMs: expect.any(Number) });
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]!.headers.authorization).toBe('Bearer sk-probe-secret-123456');

    upstream.fail({ kind: 'status', status: 401, body: { message: 'invalid api token' } }, 1);
    const refused = await as(t.server, member).post('/v1/rerankers/probe').send(rerankerBody({ endpointUrl: upstream.url })).expect(200);
    expect(refused.body).toMatchObject({ ok: false, httpStatus: 401, errorMessage: expect.stringContaining('invalid api token') });

    const invalid = await as(t.server, member).post('/v1/rerankers/probe').send(rerankerBody({ endpointUrl: 'ftp://example.com' })).expect(400);
    expect(invalid.body.message).toMatch(/^endpointUrl/);
    const blocked = await as(t.server, member).post('/v1/rerankers/probe').send(rerankerBody({ endpointUrl: 'http://169.254.169.254' })).expect(400);
    expect(blocked.body.code).toBe('INVALID_ARGUMENT');
    const secretRef = await as(t.server, member).post('/v1/rerankers/probe').send(rerankerBody({ credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: 'env://RERANKER_SECRET_X' } } } }));
    expect(secretRef.status).toBe(403);

    expect({ rerankers: await prisma.reranker.count(), events: await prisma.auditEvent.count() }).toEqual(before);
  });

  it('probes an unsaved change of a stored reranker with its kept credential, under the update rules', async () => {
    const created = await as(t.server, member).post('/v1/rerankers').send(rerankerBody({ endpointUrl: upstream.url, credentials: inlineCredentials('sk-kept-secret-0001') })).expect(201);
    const id = created.body.rerankerId;
    upstream.clear();
    const probe = await as(t.server, member).post(`/v1/rerankers/${id}/probe`).send({ modelIdentifier: 'rerank-v4.0' }).expect(200);
    expect(probe.body.ok).toBe(true);
    expect(upstream.requests[0]!.body.model).toBe('rerank-v4.0');
    expect(upstream.requests[0]!.headers.authorization).toBe('Bearer sk-kept-secret-0001');
    const stored = await as(t.server, member).get(`/v1/rerankers/${id}`).expect(200);
    expect(stored.body.modelIdentifier).toBe('rerank-v3.5');

    // Another owner's reranker is not there; an admin may not redirect a member's inline secret.
    const other = await createActor(t.server, root, 'MEMBER');
    await as(t.server, other).post(`/v1/rerankers/${id}/probe`).send({}).expect(404);
    const admin = await createActor(t.server, root, 'ADMIN');
    const redirect = await as(t.server, admin).post(`/v1/rerankers/${id}/probe`).send({ endpointUrl: 'http://127.0.0.2:9' });
    expect(redirect.status).toBe(403);
  });

  it('needs the ping permission besides create', async () => {
    const key = await as(t.server, member).post('/v1/apikeys').send({ scopes: { permissions: ['CREATE_RERANKER_OWN'] } }).expect(201);
    const refused = await request(t.server).post('/v1/rerankers/probe').set('x-api-key', key.body.rawApiKey).send(rerankerBody({ endpointUrl: upstream.url }));
    expect(refused.status).toBe(403);
  });

  it('answers each readable reranker’s circuit and last ping, leaving out what the caller may not read', async () => {
    const mine = await as(t.server, member).post('/v1/rerankers').send(rerankerBody({ endpointUrl: upstream.url })).expect(201);
    const theirs = await as(t.server, root).post('/v1/rerankers').send(rerankerBody({ endpointUrl: upstream.url })).expect(201);
    const query = `/v1/rerankers/health?rerankerId=${mine.body.rerankerId}&rerankerId=${theirs.body.rerankerId.toUpperCase()}`;
    const before = await as(t.server, member).get(query).expect(200);
    expect(before.body).toEqual({ rerankers: [{ rerankerId: mine.body.rerankerId, circuit: 'closed', lastProbe: null }] });
    await as(t.server, member).post(`/v1/rerankers/${mine.body.rerankerId}/ping`).expect(200);
    const after = await as(t.server, member).get(query).expect(200);
    expect(after.body.rerankers[0].lastProbe).toEqual({ ok: true, httpStatus: 200, rttMs: expect.any(Number), at: expect.any(Number) });
    const both = await as(t.server, root).get(query).expect(200);
    expect(both.body.rerankers.map((r: { rerankerId: string }) => r.rerankerId)).toEqual([mine.body.rerankerId, theirs.body.rerankerId]);
    await as(t.server, member).get('/v1/rerankers/health').expect(400);
    await as(t.server, member).get('/v1/rerankers/health?rerankerId=nope').expect(400);
  });

  it('lists every provider type with the defaults a registration gets', async () => {
    const res = await as(t.server, member).get('/v1/providers').expect(200);
    const byType = Object.fromEntries(res.body.providers.map((p: { providerType: string }) => [p.providerType, p]));
    expect(byType.COHERE).toMatchObject({ defaultEndpointUrl: 'https://api.cohere.com', defaultApiPath: '/v2/rerank', credentialHeader: { headerName: 'Authorization', prefix: 'Bearer ' } });
    expect(byType.PINECONE.credentialHeader).toEqual({ headerName: 'Api-Key', prefix: '' });
    expect(byType.DEEPINFRA.defaultApiPath).toBe('/v1/inference/{model}');
    expect(byType.BEDROCK.credentialKinds).toEqual(['CREDENTIAL_KIND_AWS_SIGV4']);
    expect(byType.LLAMA_CPP.defaultScoreNormalization).toBe('SIGMOID');
    await request(t.server).get('/v1/providers').expect(401);
  });

  it('reports the rate-limit store in readiness', async () => {
    const res = await request(t.server).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ready', database: t.database.kind, rateLimitStore: 'in-process' });
  });

  it('answers what a priced call cost, and usage of one alias by the reranker that served it', async () => {
    // Pricing is set by an admin (SET_PRICING), for the member's reranker.
    const priced = await as(t.server, root)
      .post('/v1/rerankers')
      .send(rerankerBody({ endpointUrl: upstream.url, modelIdentifier: 'rerank-priced', ownerId: member.userId, pricing: { currency: 'USD', perRequest: '0.0025' } }))
      .expect(201);
    const alias = await as(t.server, member).post('/v1/aliases').send({ name: 'console-route', targets: [{ rerankerId: priced.body.rerankerId }] }).expect(201);
    const call = await as(t.server, member).post('/v1/aliases/console-route/rerank').send({ query: 'q', documents: ['a', 'b'] }).expect(200);
    expect(call.body.meta.cost).toEqual([{ currency: 'USD', amount: '0.0025' }]);
    const unpriced = await as(t.server, member).post('/v1/rerankers').send(rerankerBody({ endpointUrl: upstream.url, modelIdentifier: 'rerank-free' })).expect(201);
    const free = await as(t.server, member).post(`/v1/rerankers/${unpriced.body.rerankerId}/rerank`).send({ query: 'q', documents: ['a'] }).expect(200);
    expect(free.body.meta.cost).toBeUndefined();

    const usage = async () => (await as(t.server, member).get(`/v1/usage?groupBy=reranker&alias=${alias.body.name}`).expect(200)).body.buckets;
    let buckets = await usage();
    for (let i = 0; i < 50 && buckets.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      buckets = await usage();
    }
    expect(buckets).toEqual([expect.objectContaining({ rerankerId: priced.body.rerankerId, calls: 1, cost: [{ currency: 'USD', amount: '0.0025' }] })]);
    await as(t.server, member).get('/v1/usage?alias=..').expect(400);
  });
});
