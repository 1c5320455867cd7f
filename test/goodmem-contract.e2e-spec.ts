import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SECRET_ENV = 'RERANKER_SECRET_GOODMEM_CONTRACT';
const SECRET = 'sk-goodmem-contract-0123456789';

/** GoodMem's documented bodies, as its SDKs send them, are accepted for their shape. */
describe('GoodMem contract', () => {
  let t: TestApp;
  let admin: Actor;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    process.env[SECRET_ENV] = SECRET;
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    admin = await createActor(t.server, await initRoot(t.server), 'ADMIN');
    upstream = await FakeUpstream.start('COHERE');
  });

  afterAll(async () => {
    delete process.env[SECRET_ENV];
    await t.close();
    await upstream.close();
  });

  const create = (body: Record<string, unknown>) => as(t.server, admin).post('/v1/rerankers').send(rerankerBody(body));
  const secretRef = (hints?: Record<string, unknown>) => ({
    kind: 'CREDENTIAL_KIND_API_KEY',
    apiKey: { secretRef: { uri: `env://${SECRET_ENV}`, ...(hints ? { hints } : {}) } },
  });

  describe('credentials.gcpAdc', () => {
    it("accepts GoodMem's gcpAdc body and returns it as GoodMem does", async () => {
      const gcpAdc = { scopes: ['https://www.googleapis.com/auth/cloud-platform'], quotaProjectId: 'my-project' };
      const res = await create({ providerType: 'VERTEX_AI', credentials: { kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc } }).expect(201);
      expect(res.body.credentials).toEqual({ kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc });
    });

    it('accepts an empty gcpAdc object (the defaults: cloud-platform, no quota project)', async () => {
      const res = await create({ providerType: 'VERTEX_AI', credentials: { kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc: {} } }).expect(201);
      expect(res.body.credentials).toEqual({ kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc: { scopes: [] } });
    });

    it.each([
      ['scopes not a list', { scopes: 'cloud-platform' }, /credentials\.gcpAdc\.scopes/],
      ['a scope with spaces', { scopes: ['a b'] }, /each of scopes/],
      ['too many scopes', { scopes: Array.from({ length: 33 }, (_, i) => `scope-${i}`) }, /credentials\.gcpAdc\.scopes/],
      ['a malformed quotaProjectId', { quotaProjectId: 'Not A Project!' }, /quotaProjectId must be a GCP project id/],
      ['an unknown gcpAdc field', { audience: 'x' }, /property audience should not exist/],
    ])('validates the gcpAdc object: %s', async (_name, gcpAdc, message) => {
      const res = await create({ credentials: { kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc } }).expect(400);
      expect(res.body.message).toMatch(message);
    });

    it('refuses a gcpAdc object on an API-key credential, naming the field', async () => {
      const credentials = { ...secretRef(), gcpAdc: { quotaProjectId: 'my-project' } };
      const res = await create({ credentials }).expect(400);
      expect(res.body.message).toBe('credentials.gcpAdc is only for CREDENTIAL_KIND_GCP_ADC; remove it');
    });
  });

  describe('secretRef.hints', () => {
    it('stores and returns the hints, and the reference still resolves as before', async () => {
      const hints = { encoding: 'raw', 'Source.Version': 'latest' };
      const created = await create({ endpointUrl: upstream.url, credentials: secretRef(hints) }).expect(201);
      expect(created.body.credentials.apiKey.secretRef).toEqual({ uri: `env://${SECRET_ENV}`, hints });

      const read = await as(t.server, admin).get(`/v1/rerankers/${created.body.rerankerId}`).expect(200);
      expect(read.body.credentials.apiKey.secretRef.hints).toEqual(hints);
      expect(JSON.stringify(read.body)).not.toContain(SECRET);

      await as(t.server, admin)
        .post(`/v1/rerankers/${created.body.rerankerId}/rerank`)
        .send({ query: 'q', documents: ['a', 'b'] })
        .expect(200);
      expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${SECRET}`);
    });

    it('leaves hints out of the credential fingerprint: other hints on the same reference are a duplicate', async () => {
      const endpointUrl = 'https://hints-duplicate.example.com';
      await create({ endpointUrl, credentials: secretRef({ encoding: 'raw' }) }).expect(201);
      const res = await create({ endpointUrl, credentials: secretRef({ encoding: 'base64' }) }).expect(409);
      expect(res.body.code).toBe('ALREADY_EXISTS');
    });

    it('replaces the hints with the credentials on update', async () => {
      const created = await create({ credentials: secretRef({ encoding: 'raw' }) }).expect(201);
      const updated = await as(t.server, admin)
        .patch(`/v1/rerankers/${created.body.rerankerId}`)
        .send({ credentials: secretRef() })
        .expect(200);
      expect(updated.body.credentials.apiKey.secretRef).toEqual({ uri: `env://${SECRET_ENV}` });
    });

    it.each([
      ['not a map', 'raw', /must be an object of string values/],
      ['a non-string value', { encoding: 1 }, /value of "encoding" must be a string/],
      ['a bad key', { 'has space': 'x' }, /key "has space" must be 1-64/],
      ['too many hints', Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])), /at most 16 hints/],
      ['a long value', { encoding: 'x'.repeat(257) }, /longer than 256/],
    ])('refuses hints that are %s', async (_name, hints, message) => {
      const res = await create({ credentials: secretRef(hints as Record<string, unknown>) }).expect(400);
      expect(res.body.message).toMatch(/^credentials\.apiKey\.secretRef\.hints/);
      expect(res.body.message).toMatch(message);
    });
  });

  describe('supportedModalities: [] on update', () => {
    it.each(['patch', 'put'] as const)('%s with an empty list keeps the current modalities', async (method) => {
      const created = await create({ supportedModalities: ['TEXT', 'IMAGE'] }).expect(201);
      const api = as(t.server, admin);
      const res = await api[method](`/v1/rerankers/${created.body.rerankerId}`)
        .send({ supportedModalities: [], description: 'changed' })
        .expect(200);
      expect(res.body.supportedModalities).toEqual(['TEXT', 'IMAGE']);
      expect(res.body.description).toBe('changed');
    });

    it('a non-empty list still replaces them', async () => {
      const created = await create({ supportedModalities: ['TEXT', 'IMAGE'] }).expect(201);
      const res = await as(t.server, admin)
        .patch(`/v1/rerankers/${created.body.rerankerId}`)
        .send({ supportedModalities: ['TEXT'] })
        .expect(200);
      expect(res.body.supportedModalities).toEqual(['TEXT']);
    });
  });
});
