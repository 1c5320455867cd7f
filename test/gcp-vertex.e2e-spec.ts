import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeMetadataServer, FakeVertex, googleError } from './support/fake-google.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * GCP ADC credentials and the VERTEX_AI provider, end to end with the production token
 * source: google-auth-library finds Application Default Credentials on a (fake) GCE
 * metadata server named by GCE_METADATA_HOST, as it would on GKE or Cloud Run; nothing
 * leaves 127.0.0.1.
 */
const docs = (...scores: number[]) => scores.map((score, i) => `document ${i} score=${score}`);
const ADC = { kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc: { quotaProjectId: 'billing-project' } };

describe('GCP ADC credentials and VERTEX_AI', () => {
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let alice: Actor;
  let metadata: FakeMetadataServer;
  let vertex: FakeVertex;
  const savedEnv = { GCE_METADATA_HOST: process.env.GCE_METADATA_HOST, GOOGLE_APPLICATION_CREDENTIALS: process.env.GOOGLE_APPLICATION_CREDENTIALS };

  beforeAll(async () => {
    metadata = await FakeMetadataServer.start();
    vertex = await FakeVertex.start(metadata);
    process.env.GCE_METADATA_HOST = metadata.host;
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', RERANK_MAX_DOCUMENTS: '500' });
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    alice = await createActor(t.server, root);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([vertex.close(), metadata.close()]);
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  beforeEach(() => vertex.clear());

  /** A Vertex reranker owned by alice, registered by the admin (only USE_SERVER_IDENTITY holders may). */
  async function registerForAlice(credentials: Record<string, unknown> = ADC, overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await as(t.server, admin)
      .post('/v1/rerankers')
      .send(
        rerankerBody({
          providerType: 'VERTEX_AI',
          endpointUrl: vertex.rankingConfigs(),
          modelIdentifier: 'semantic-ranker-default@latest',
          ownerId: alice.userId,
          credentials,
          ...overrides,
        }),
      )
      .expect(201);
    return res.body.rerankerId;
  }

  it('stores and returns the credential as GoodMem does, with the ranking config path as apiPath', async () => {
    const id = await registerForAlice();
    const res = await as(t.server, alice).get(`/v1/rerankers/${id}`).expect(200);
    expect(res.body.credentials).toEqual({ kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc: { scopes: [], quotaProjectId: 'billing-project' } });
    expect(res.body.apiPath).toBe('/default_ranking_config:rank');
  });

  it('reranks through the Discovery Engine rank API with a fresh-enough ADC token, batching 200 records per call', async () => {
    const id = await registerForAlice(ADC, { displayName: 'batched', modelIdentifier: 'semantic-ranker-512@latest' });
    const scores = Array.from({ length: 250 }, (_, i) => (i * 37) % 250 / 250);
    const issuedBefore = metadata.issued.length;
    const res = await as(t.server, alice)
      .post(`/v1/rerankers/${id}/rerank`)
      .send({ query: 'q', documents: docs(...scores), topN: 3 })
      .expect(200);
    const expected = scores.map((score, index) => ({ index, score })).sort((a, b) => b.score - a.score).slice(0, 3);
    expect(res.body.results.map((r: { index: number; relevanceScore: number }) => ({ index: r.index, score: r.relevanceScore }))).toEqual(expected);
    expect(vertex.requests.map((r) => r.body.records!.length).sort((a, b) => a - b)).toEqual([50, 200]);
    for (const request of vertex.requests) {
      expect(request.path).toBe('/v1/projects/test-project/locations/global/rankingConfigs/default_ranking_config:rank');
      expect(request.headers['x-goog-user-project']).toBe('billing-project');
      expect(request.body).toMatchObject({ model: 'semantic-ranker-512@latest', query: 'q', ignoreRecordDetailsInResponse: true });
    }
    const tokens = new Set(vertex.requests.map((r) => r.headers.authorization));
    expect(tokens.size).toBe(1);
    expect(metadata.issued.at(-1)?.scopes).toBe('https://www.googleapis.com/auth/cloud-platform');

    await as(t.server, alice).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: docs(0.1, 0.2) }).expect(200);
    expect(metadata.issued.length - issuedBefore).toBeLessThanOrEqual(1);
  });

  it('lets only USE_SERVER_IDENTITY holders register the server identity', async () => {
    const res = await as(t.server, alice)
      .post('/v1/rerankers')
      .send(rerankerBody({ providerType: 'VERTEX_AI', endpointUrl: vertex.rankingConfigs('mine'), credentials: ADC }))
      .expect(403);
    expect(res.body).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(res.body.message).toContain('USE_SERVER_IDENTITY');
  });

  it("does not let the owner send the server's identity elsewhere; an admin may", async () => {
    const id = await registerForAlice(ADC, { displayName: 'redirect', modelIdentifier: 'semantic-ranker-fast-004' });
    for (const change of [{ endpointUrl: 'http://127.0.0.1:9/collect' }, { apiPath: '/other:rank' }, { extraHeaders: { 'x-extra': 'y' } }]) {
      const res = await as(t.server, alice).patch(`/v1/rerankers/${id}`).send(change).expect(403);
      expect(res.body.code).toBe('PERMISSION_DENIED');
    }
    await as(t.server, admin).patch(`/v1/rerankers/${id}`).send({ endpointUrl: vertex.rankingConfigs('other-project') }).expect(200);
    await as(t.server, alice).patch(`/v1/rerankers/${id}`).send({ displayName: 'renamed' }).expect(200);
  });

  it('refuses extraHeaders that would override the token or the quota project, and an apiKey beside gcpAdc', async () => {
    for (const header of ['Authorization', 'X-Goog-User-Project']) {
      const res = await as(t.server, admin)
        .post('/v1/rerankers')
        .send(rerankerBody({ providerType: 'VERTEX_AI', endpointUrl: vertex.rankingConfigs(), credentials: ADC, extraHeaders: { [header]: 'x' } }))
        .expect(400);
      expect(res.body.message.toLowerCase()).toContain(header.toLowerCase());
    }
    await as(t.server, admin)
      .post('/v1/rerankers')
      .send(rerankerBody({ providerType: 'VERTEX_AI', endpointUrl: vertex.rankingConfigs(), credentials: { ...ADC, apiKey: { inlineSecret: 's' } } }))
      .expect(400);
  });

  it('fingerprints kind, scopes (any order) and quota project: the same registration twice is a duplicate', async () => {
    const credentials = { kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc: { scopes: ['scope-b', 'scope-a'] } };
    const body = { providerType: 'VERTEX_AI', endpointUrl: vertex.rankingConfigs('dup'), modelIdentifier: 'm' };
    await as(t.server, admin).post('/v1/rerankers').send(rerankerBody({ ...body, credentials })).expect(201);
    const again = { kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc: { scopes: ['scope-a', 'scope-b'] } };
    await as(t.server, admin).post('/v1/rerankers').send(rerankerBody({ ...body, credentials: again })).expect(409);
    const otherProject = { kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc: { scopes: ['scope-a', 'scope-b'], quotaProjectId: 'p2' } };
    await as(t.server, admin).post('/v1/rerankers').send(rerankerBody({ ...body, credentials: otherProject })).expect(201);
  });

  it("never hands back the token when Google's error text echoes it; only who holds the server's credential reads the text", async () => {
    const id = await registerForAlice(ADC, { modelIdentifier: 'echo' });
    const echo = (req: { headers: Record<string, unknown> }) => ({
      status: 403,
      body: googleError(403, 'PERMISSION_DENIED', `Permission denied for ${String(req.headers.authorization)}`),
    });
    vertex.failNext(echo);
    const member = await as(t.server, alice).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: docs(0.5) }).expect(502);
    const token = String(vertex.requests.at(-1)!.headers.authorization).slice('Bearer '.length);
    expect(member.body.code).toBe('UPSTREAM_ERROR');
    expect(member.body.message).toContain('403');
    expect(member.body.message).not.toContain('Permission denied');
    expect(JSON.stringify(member.body)).not.toContain(token);

    vertex.failNext(echo);
    const holder = await as(t.server, admin).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: docs(0.5) }).expect(502);
    expect(holder.body.message).toContain('Permission denied for [REDACTED]');
    expect(JSON.stringify(holder.body)).not.toContain(token);
  });

  it("maps Google's 429 RESOURCE_EXHAUSTED to rate limiting, with Google's message", async () => {
    const id = await registerForAlice(ADC, { modelIdentifier: 'errors' });
    // The first try and both retries.
    for (let attempt = 0; attempt < 3; attempt++) {
      vertex.failNext(() => ({ status: 429, body: googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for rank requests.') }));
    }
    // The server's credential: its holder (the admin) reads Google's words, a member would not.
    const limited = await as(t.server, admin).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: docs(0.5) }).expect(429);
    expect(limited.body).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED' });
    expect(limited.body.message).toContain('Quota exceeded for rank requests.');
  });

  it('answers 503 when the server has no Google credentials, and sends nothing upstream', async () => {
    const id = await registerForAlice({ kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc: { scopes: ['https://www.googleapis.com/auth/discoveryengine.readonly'] } });
    metadata.refuse = true;
    try {
      const res = await as(t.server, alice).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: docs(0.5) }).expect(503);
      expect(res.body).toMatchObject({ code: 'UNAVAILABLE' });
      const ping = await as(t.server, alice).post(`/v1/rerankers/${id}/ping`).expect(200);
      expect(ping.body).toMatchObject({ ok: false });
    } finally {
      metadata.refuse = false;
    }
    expect(vertex.requests).toEqual([]);
    expect(t.logs.text).toContain('GCP ADC token unavailable');
  });

  it("answers 503 within the reranker's deadline when the token source hangs", async () => {
    const id = await registerForAlice(
      { kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc: { scopes: ['https://www.googleapis.com/auth/hanging'] } },
      { requestTimeoutMs: 300 },
    );
    metadata.hang = true;
    try {
      const res = await as(t.server, alice).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: docs(0.5) }).expect(503);
      expect(res.body).toMatchObject({ code: 'UNAVAILABLE', message: "The credentials for this call were not ready before the reranker's deadline" });
    } finally {
      metadata.hang = false;
    }
    expect(vertex.requests).toEqual([]);
  });
});
