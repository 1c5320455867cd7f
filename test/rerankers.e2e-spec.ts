import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { PrismaService } from '../src/database/prisma.service.js';
import { CredentialCipher } from '../src/credentials/credential-cipher.js';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SECRET = 'sk-live-0123456789abcdefSECRET';

describe('reranker registry', () => {
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    t = await startTestApp({ RERANKER_SECRET_COHERE: 'from-env' });
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    alice = await createActor(t.server, admin, 'MEMBER');
    bob = await createActor(t.server, admin, 'MEMBER');
  });

  afterAll(async () => {
    await t.close();
  });

  const create = (actor: Actor, body: Record<string, unknown>) => as(t.server, actor).post('/v1/rerankers').send(body);

  describe('create', () => {
    it('answers 201 with the reranker and a Location header', async () => {
      const res = await create(alice, rerankerBody({ displayName: '  Spaced  ', labels: { env: 'prod' } })).expect(201);
      expect(res.headers.location).toBe(`/v1/rerankers/${res.body.rerankerId}`);
      expect(res.body).toMatchObject({
        displayName: 'Spaced',
        description: null,
        providerType: 'COHERE',
        apiPath: '/v2/rerank',
        supportedModalities: ['TEXT'],
        credentials: null,
        labels: { env: 'prod' },
        ownerId: alice.userId,
        createdById: alice.userId,
        updatedById: alice.userId,
      });
      expect(typeof res.body.createdAt).toBe('number');
      expect(res.body.rerankerId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it.each([
      ['COHERE', '/v2/rerank'],
      ['JINA', '/v1/rerank'],
      ['VOYAGE', '/rerank'],
      ['TEI', '/rerank'],
      ['VLLM', '/rerank'],
      ['LLAMA_CPP', '/rerank'],
      ['OPENAI', '/rerank'],
      ['NVIDIA_NIM', '/v1/ranking'],
      ['PINECONE', '/rerank'],
      ['MIXEDBREAD', '/v1/reranking'],
    ])('defaults apiPath for %s to %s', async (providerType, apiPath) => {
      const res = await create(alice, rerankerBody({ providerType })).expect(201);
      expect(res.body.apiPath).toBe(apiPath);
    });

    it('stores the canonical endpoint and treats equivalent URLs as duplicates', async () => {
      const first = await create(alice, rerankerBody({ endpointUrl: 'HTTPS://Rerank.Example.COM:443/v1/' })).expect(201);
      expect(first.body.endpointUrl).toBe('https://rerank.example.com/v1');
      const dup = await create(alice, rerankerBody({ endpointUrl: 'https://rerank.example.com/v1', apiPath: '/v2/rerank/' })).expect(409);
      expect(dup.body).toMatchObject({ code: 'ALREADY_EXISTS', details: { existingRerankerId: first.body.rerankerId } });
      await create(alice, rerankerBody({ endpointUrl: 'https://rerank.example.com/v1', apiPath: '/v1/rerank' })).expect(201);
      await create(alice, rerankerBody({ endpointUrl: 'https://rerank.example.com/v1', modelIdentifier: 'other' })).expect(201);
    });

    it('lets different owners register identical configurations', async () => {
      const body = rerankerBody({ credentials: inlineCredentials(SECRET) });
      await create(alice, body).expect(201);
      await create(bob, body).expect(201);
      await create(bob, body).expect(409);
    });

    it('tells credentials apart by secret, header and prefix, but not by header case', async () => {
      const endpointUrl = 'https://creds.example.com';
      await create(alice, rerankerBody({ endpointUrl, credentials: inlineCredentials('secret-one') })).expect(201);
      await create(alice, rerankerBody({ endpointUrl, credentials: inlineCredentials('secret-two') })).expect(201);
      await create(alice, rerankerBody({ endpointUrl, credentials: inlineCredentials('secret-one', { prefix: '' }) })).expect(201);
      await create(alice, rerankerBody({ endpointUrl })).expect(201);
      await create(alice, rerankerBody({ endpointUrl, credentials: inlineCredentials('secret-one', { headerName: 'authorization' }) })).expect(409);
    });

    it('gives exactly one 201 for 20 concurrent identical creates', async () => {
      const body = rerankerBody({ credentials: inlineCredentials(SECRET) });
      const results = await Promise.all(Array.from({ length: 20 }, () => create(alice, body)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      const winner = results.find((r) => r.status === 201)!.body.rerankerId;
      expect(results.filter((r) => r.status === 409).every((r) => r.body.details?.existingRerankerId === winner)).toBe(true);
    });

    it('accepts a client rerankerId once', async () => {
      const rerankerId = randomUUID();
      const res = await create(alice, rerankerBody({ rerankerId })).expect(201);
      expect(res.body.rerankerId).toBe(rerankerId);
      const again = await create(bob, rerankerBody({ rerankerId })).expect(409);
      expect(again.body.message).toMatch(/rerankerId/);
      expect(again.body.details).toBeUndefined();
      await create(alice, rerankerBody({ rerankerId: 'nope' })).expect(400);
    });

    it.each([
      ['an empty displayName', { displayName: '   ' }, /displayName/],
      ['an unknown providerType', { providerType: 'OPENAI_V9' }, /providerType/],
      ['a non-http endpoint', { endpointUrl: 'ftp://example.com' }, /http or https/],
      ['user info in the endpoint', { endpointUrl: 'https://u:p@example.com' }, /credentials/],
      ['an apiPath with a query', { apiPath: '/rerank?x=1' }, /query/],
      ['an unknown field', { colour: 'blue' }, /colour/],
      ['bad labels', { labels: { 'UPPER': 'x' } }, /labels/],
      ['too many labels', { labels: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }, /20/],
      ['an unknown modality', { supportedModalities: ['SMELL'] }, /supportedModalities/],
      ['a bad monitoringEndpoint', { monitoringEndpoint: 'gopher://x' }, /monitoringEndpoint/],
      ['an auth header in extraHeaders', { extraHeaders: { Authorization: 'Bearer x' } }, /credentials/],
      ['a tiny timeout', { requestTimeoutMs: 5 }, /requestTimeoutMs/],
      ['an apiKey on GCP ADC credentials', { credentials: { kind: 'CREDENTIAL_KIND_GCP_ADC', apiKey: { inlineSecret: 'x' } } }, /credentials.apiKey does not go with CREDENTIAL_KIND_GCP_ADC/],
      ['both secret sources', { credentials: inlineCredentials('x', { secretRef: { uri: 'env://RERANKER_SECRET_COHERE' } }) }, /exactly one/],
      ['no secret source', { credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { headerName: 'x-key' } } }, /exactly one/],
      ['a file:// secretRef on a server without SECRET_FILE_DIRS', { credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: 'file:///etc/shadow' } } } }, /file:\/\/ references are not configured on this server/],
      ['a vault:// secretRef on a server without VAULT_ADDR', { credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: 'vault://kv/x' } } } }, /vault:\/\/ references are not configured on this server/],
      ['a gcp-sm:// secretRef', { credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: 'gcp-sm://projects/p/secrets/s' } } } }, /gcp-sm:\/\/ scheme is not supported/],
      ['an env var outside the prefix', { credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: 'env://DATABASE_URL' } } } }, /allowed prefixes/],
      ['a secret with a line break', { credentials: inlineCredentials('a\r\nX-Evil: 1') }, /line breaks/],
    ])('refuses %s with 400', async (_case, override, message) => {
      const res = await create(admin, rerankerBody(override)).expect(400);
      expect(res.body.code).toBe('INVALID_ARGUMENT');
      expect(res.body.message).toMatch(message);
    });

    it('lets only USE_SECRET_REF holders reference server secrets', async () => {
      const credentials = { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: 'env://RERANKER_SECRET_COHERE' } } };
      await create(alice, rerankerBody({ credentials })).expect(403);
      const res = await create(admin, rerankerBody({ credentials })).expect(201);
      expect(res.body.credentials.apiKey).toEqual({
        headerName: 'Authorization',
        prefix: 'Bearer ',
        secretRef: { uri: 'env://RERANKER_SECRET_COHERE' },
        hasInlineSecret: false,
      });
    });

    it("needs CREATE_RERANKER_ANY to create for another owner", async () => {
      await create(alice, rerankerBody({ ownerId: bob.userId })).expect(403);
      const res = await create(admin, rerankerBody({ ownerId: bob.userId })).expect(201);
      expect(res.body).toMatchObject({ ownerId: bob.userId, createdById: admin.userId });
      await create(admin, rerankerBody({ ownerId: randomUUID() })).expect(400);
    });
  });

  describe('secrets', () => {
    let rerankerId: string;

    beforeAll(async () => {
      const res = await create(alice, rerankerBody({ credentials: inlineCredentials(SECRET, { headerName: 'X-Api-Key', prefix: '' }) })).expect(201);
      rerankerId = res.body.rerankerId;
    });

    it('returns credentials as metadata only, on every route', async () => {
      const got = await as(t.server, alice).get(`/v1/rerankers/${rerankerId}`).expect(200);
      expect(got.body.credentials).toEqual({
        kind: 'CREDENTIAL_KIND_API_KEY',
        apiKey: { headerName: 'X-Api-Key', prefix: '', hasInlineSecret: true, secretHint: '…CRET' },
      });
      const listed = await as(t.server, alice).get('/v1/rerankers?pageSize=1000').expect(200);
      const updated = await as(t.server, alice).patch(`/v1/rerankers/${rerankerId}`).send({ version: '2' }).expect(200);
      for (const body of [got.body, listed.body, updated.body]) {
        expect(JSON.stringify(body)).not.toContain(SECRET);
        expect(JSON.stringify(body)).not.toMatch(/ciphertext|fingerprint/i);
      }
    });

    it('stores a ciphertext that is not the secret, bound to its row', async () => {
      const row = await t.app.get(PrismaService).reranker.findUniqueOrThrow({ where: { id: rerankerId } });
      expect(row.credentialsCiphertext).toBeTruthy();
      expect(row.credentialsCiphertext).not.toContain(SECRET);
      expect(JSON.stringify(row)).not.toContain(SECRET);
      expect(row.credentialsFingerprint).toMatch(/^[0-9a-f]{64}$/);
      const cipher = t.app.get(CredentialCipher);
      const sealed = { ciphertext: row.credentialsCiphertext!, keyId: row.credentialsKeyId! };
      expect(cipher.decrypt(sealed, { rerankerId, ownerId: alice.userId })).toBe(SECRET);
      expect(() => cipher.decrypt(sealed, { rerankerId: randomUUID(), ownerId: alice.userId })).toThrow();
    });

    it('never writes the secret to the logs', () => {
      expect(t.logs.text).not.toContain(SECRET);
    });
  });

  describe('read and list', () => {
    it('answers 404 for missing or invisible rerankers and 400 for a non-UUID id', async () => {
      const own = await create(alice, rerankerBody()).expect(201);
      await as(t.server, alice).get(`/v1/rerankers/${randomUUID()}`).expect(404);
      await as(t.server, alice).get('/v1/rerankers/123').expect(400);
      const hidden = await as(t.server, bob).get(`/v1/rerankers/${own.body.rerankerId}`).expect(404);
      expect(hidden.body.code).toBe('NOT_FOUND');
      await as(t.server, admin).get(`/v1/rerankers/${own.body.rerankerId}`).expect(200);
    });

    it("lists only the caller's own rerankers unless it holds LIST_RERANKER_ANY", async () => {
      const mine = await as(t.server, bob).get('/v1/rerankers?pageSize=1000').expect(200);
      expect(mine.body.rerankers.length).toBeGreaterThan(0);
      expect(mine.body.rerankers.every((r: { ownerId: string }) => r.ownerId === bob.userId)).toBe(true);
      await as(t.server, bob).get(`/v1/rerankers?ownerId=${alice.userId}`).expect(403);
      const aliceOnes = await as(t.server, admin).get(`/v1/rerankers?ownerId=${alice.userId}&pageSize=1000`).expect(200);
      expect(aliceOnes.body.rerankers.every((r: { ownerId: string }) => r.ownerId === alice.userId)).toBe(true);
      const all = await as(t.server, admin).get('/v1/rerankers?pageSize=1000').expect(200);
      expect(new Set(all.body.rerankers.map((r: { ownerId: string }) => r.ownerId)).size).toBeGreaterThan(1);
    });

    it('filters by providerType and by every label given', async () => {
      const carol = await createActor(t.server, admin);
      await create(carol, rerankerBody({ providerType: 'TEI', labels: { env: 'prod', team: 'search' } })).expect(201);
      await create(carol, rerankerBody({ providerType: 'TEI', labels: { env: 'prod', team: 'ads' } })).expect(201);
      await create(carol, rerankerBody({ providerType: 'JINA', labels: { env: 'dev' } })).expect(201);
      const list = (query: string) => as(t.server, carol).get(`/v1/rerankers?${query}`).expect(200);
      expect((await list('providerType=TEI')).body.rerankers).toHaveLength(2);
      expect((await list('label.env=prod')).body.rerankers).toHaveLength(2);
      expect((await list('label.env=prod&label.team=ads')).body.rerankers).toHaveLength(1);
      expect((await list('label.env=prod&providerType=JINA')).body.rerankers).toHaveLength(0);
      await as(t.server, carol).get('/v1/rerankers?label.BAD=x').expect(400);
      await as(t.server, carol).get('/v1/rerankers?providerType=NOPE').expect(400);
      await as(t.server, carol).get('/v1/rerankers?sort=asc').expect(400);
    });

    it('pages newest first with an opaque nextToken', async () => {
      const dave = await createActor(t.server, admin);
      const created: string[] = [];
      for (let i = 0; i < 5; i++) created.push((await create(dave, rerankerBody()).expect(201)).body.rerankerId);
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const res = await as(t.server, dave).get(`/v1/rerankers?pageSize=2${token ? `&nextToken=${token}` : ''}`).expect(200);
        seen.push(...res.body.rerankers.map((r: { rerankerId: string }) => r.rerankerId));
        token = res.body.nextToken;
      } while (token);
      expect(seen).toEqual([...created].reverse());
      await as(t.server, dave).get('/v1/rerankers?nextToken=%%%').expect(400);
      await as(t.server, dave).get('/v1/rerankers?pageSize=1001').expect(400);
      await as(t.server, dave).get('/v1/rerankers?pageSize=0').expect(400);
    });
  });

  describe('update', () => {
    it.each(['put', 'patch'] as const)('%s changes only the fields sent and records who', async (method) => {
      const created = await create(alice, rerankerBody({ description: 'keep me', labels: { a: '1' } })).expect(201);
      const id = created.body.rerankerId;
      const res = await as(t.server, admin)[method](`/v1/rerankers/${id}`).send({ displayName: 'Renamed', apiPath: 'v9/rerank/' }).expect(200);
      expect(res.body).toMatchObject({
        displayName: 'Renamed',
        apiPath: '/v9/rerank',
        description: 'keep me',
        labels: { a: '1' },
        updatedById: admin.userId,
        createdById: alice.userId,
      });
      expect(res.body.updatedAt).toBeGreaterThanOrEqual(created.body.updatedAt);
    });

    it('refuses to change providerType or ownerId but accepts their current values', async () => {
      const { body } = await create(alice, rerankerBody()).expect(201);
      const path = `/v1/rerankers/${body.rerankerId}`;
      await as(t.server, alice).patch(path).send({ providerType: 'JINA' }).expect(400);
      await as(t.server, admin).patch(path).send({ ownerId: bob.userId }).expect(400);
      await as(t.server, alice).patch(path).send({ providerType: 'COHERE', ownerId: alice.userId }).expect(200);
    });

    it('replaces or merges labels, never both', async () => {
      const { body } = await create(alice, rerankerBody({ labels: { a: '1', b: '2' } })).expect(201);
      const path = `/v1/rerankers/${body.rerankerId}`;
      const merged = await as(t.server, alice).patch(path).send({ mergeLabels: { b: '3', c: '4' } }).expect(200);
      expect(merged.body.labels).toEqual({ a: '1', b: '3', c: '4' });
      const replaced = await as(t.server, alice).patch(path).send({ replaceLabels: { z: '9' } }).expect(200);
      expect(replaced.body.labels).toEqual({ z: '9' });
      await as(t.server, alice).patch(path).send({ replaceLabels: {}, mergeLabels: {} }).expect(400);
      await as(t.server, alice).patch(path).send({ labels: { x: '1' } }).expect(400);
    });

    it('keeps credentials when omitted, replaces them with an object, removes them with null', async () => {
      const { body } = await create(alice, rerankerBody({ credentials: inlineCredentials('first-secret-xxxxxx') })).expect(201);
      const path = `/v1/rerankers/${body.rerankerId}`;
      const kept = await as(t.server, alice).patch(path).send({ description: 'x' }).expect(200);
      expect(kept.body.credentials.apiKey.secretHint).toBe('…xxxx');
      const replaced = await as(t.server, alice).patch(path).send({ credentials: inlineCredentials('second-secret-yyyyyy') }).expect(200);
      expect(replaced.body.credentials.apiKey.secretHint).toBe('…yyyy');
      const removed = await as(t.server, alice).patch(path).send({ credentials: null }).expect(200);
      expect(removed.body.credentials).toBeNull();
      const row = await t.app.get(PrismaService).reranker.findUniqueOrThrow({ where: { id: body.rerankerId } });
      expect(row).toMatchObject({ credentialsCiphertext: null, credentialsKeyId: null, credentialsFingerprint: '' });
    });

    it('clears nullable fields with null and refuses null for required ones', async () => {
      const { body } = await create(alice, rerankerBody({ description: 'd', version: '1', requestTimeoutMs: 5000 })).expect(201);
      const path = `/v1/rerankers/${body.rerankerId}`;
      const cleared = await as(t.server, alice).patch(path).send({ description: null, version: null, requestTimeoutMs: null }).expect(200);
      expect(cleared.body).toMatchObject({ description: null, version: null });
      expect(cleared.body.requestTimeoutMs).toBeUndefined();
      await as(t.server, alice).patch(path).send({ displayName: null }).expect(400);
      await as(t.server, alice).patch(path).send({ endpointUrl: null }).expect(400);
    });

    it('answers 409 when an update would duplicate another reranker of the owner', async () => {
      const endpointUrl = 'https://update-dup.example.com';
      const a = await create(alice, rerankerBody({ endpointUrl, modelIdentifier: 'm1' })).expect(201);
      const b = await create(alice, rerankerBody({ endpointUrl, modelIdentifier: 'm2' })).expect(201);
      const res = await as(t.server, alice).patch(`/v1/rerankers/${b.body.rerankerId}`).send({ modelIdentifier: 'm1' }).expect(409);
      expect(res.body.details).toEqual({ existingRerankerId: a.body.rerankerId });
      const after = await as(t.server, alice).get(`/v1/rerankers/${b.body.rerankerId}`).expect(200);
      expect(after.body.modelIdentifier).toBe('m2');
    });

    it("answers 404 to a member updating someone else's reranker", async () => {
      const { body } = await create(alice, rerankerBody()).expect(201);
      await as(t.server, bob).patch(`/v1/rerankers/${body.rerankerId}`).send({ displayName: 'mine now' }).expect(404);
      await as(t.server, bob).put(`/v1/rerankers/${body.rerankerId}`).send({ displayName: 'mine now' }).expect(404);
      await as(t.server, alice).patch(`/v1/rerankers/${randomUUID()}`).send({ displayName: 'x' }).expect(404);
    });
  });

  describe('names', () => {
    it('are optional, unique per owner, shared across owners, and filter the list', async () => {
      const unnamed = await create(alice, rerankerBody()).expect(201);
      expect(unnamed.body.name).toBeNull();
      const named = await create(alice, rerankerBody({ name: 'cohere-prod' })).expect(201);
      expect(named.body.name).toBe('cohere-prod');
      const taken = await create(alice, rerankerBody({ name: 'cohere-prod' })).expect(409);
      expect(taken.body).toMatchObject({ code: 'ALREADY_EXISTS', details: { existingRerankerId: named.body.rerankerId } });
      expect(taken.body.message).toContain('cohere-prod');
      await create(bob, rerankerBody({ name: 'cohere-prod' })).expect(201);

      const listed = await as(t.server, alice).get('/v1/rerankers?name=cohere-prod').expect(200);
      expect(listed.body.rerankers.map((r: { rerankerId: string }) => r.rerankerId)).toEqual([named.body.rerankerId]);
      const everyone = await as(t.server, admin).get('/v1/rerankers?name=cohere-prod').expect(200);
      expect(everyone.body.rerankers).toHaveLength(2);
    });

    it('refuse a UUID, dots and other characters, like alias names', async () => {
      for (const name of [randomUUID(), '..', 'has space', '', 'x'.repeat(129)]) {
        const res = await create(alice, rerankerBody({ name })).expect(400);
        expect(res.body.message).toMatch(/name must be/);
      }
      await as(t.server, alice).get('/v1/rerankers?name=a%20b').expect(400);
    });

    it('change and clear on update, audited, and a taken one answers 409 without writing', async () => {
      const a = await create(alice, rerankerBody({ name: 'first' })).expect(201);
      await create(alice, rerankerBody({ name: 'second' })).expect(201);
      const path = `/v1/rerankers/${a.body.rerankerId}`;
      const renamed = await as(t.server, alice).patch(path).send({ name: 'renamed' }).expect(200);
      expect(renamed.body.name).toBe('renamed');
      const events = await as(t.server, alice).get(`/v1/audit-events?targetId=${a.body.rerankerId}&action=reranker.update`).expect(200);
      expect(events.body.auditEvents[0].diff).toMatchObject({ before: { name: 'first' }, after: { name: 'renamed' } });
      const clash = await as(t.server, alice).patch(path).send({ name: 'second' }).expect(409);
      expect(clash.body.message).toContain('second');
      expect((await as(t.server, alice).get(path).expect(200)).body.name).toBe('renamed');
      const cleared = await as(t.server, alice).patch(path).send({ name: null }).expect(200);
      expect(cleared.body.name).toBeNull();
    });
  });

  describe('delete', () => {
    it("deletes with 204, then 404; others' rerankers answer 404", async () => {
      const { body } = await create(alice, rerankerBody()).expect(201);
      const path = `/v1/rerankers/${body.rerankerId}`;
      await as(t.server, bob).delete(path).expect(404);
      await as(t.server, alice).delete(path).expect(204);
      await as(t.server, alice).get(path).expect(404);
      await as(t.server, alice).delete(path).expect(404);
      const other = await create(bob, rerankerBody()).expect(201);
      await as(t.server, admin).delete(`/v1/rerankers/${other.body.rerankerId}`).expect(204);
    });
  });

  it('refuses unauthenticated access to every registry route', async () => {
    await request(t.server).get('/v1/rerankers').expect(401);
    await request(t.server).post('/v1/rerankers').send(rerankerBody()).expect(401);
  });
});

const SERVER_SECRET_VAR = 'RERANKER_SECRET_HARDENING';
const SERVER_SECRET = 'server-secret-0123456789abcdef';
const UNSET_VAR = 'RERANKER_SECRET_NEVER_SET';
const secretRef = (name: string) => ({ kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: `env://${name}` } } });
const QUERY = { query: 'q', documents: ['a score=0.1', 'b score=0.9'] };

/** Characters canonicalization keeps as they are and compression cannot shrink. */
const incompressible = (length: number) => randomBytes(length).toString('base64url').slice(0, length);

describe('reranker registry: redirecting a kept credential, concurrent updates, identity conflicts', () => {
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
