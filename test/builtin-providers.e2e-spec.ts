/**
 * The built-in provider types (LEXICAL, LOCAL) as rerankers: registered, refused, called by
 * id, alias and model name on every front, routed as alias targets, pinged, listed and metered
 * like any other, on the real app with the engine's worker threads and a cross-encoder the
 * test generates (no hub, no network).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { formatAmount } from '../src/usage/money.js';
import { UsageMeter } from '../src/usage/usage-meter.js';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import type { OpenApiDocument, Schema } from './support/openapi-schemas.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tinyLogit, writeTinyCrossEncoder } from './support/tiny-cross-encoder.js';
import { byGroup, recently } from './support/usage-buckets.js';

const MODEL = 'test/tiny';
const BUILTIN = ['LEXICAL', 'LOCAL'] as const;
type Builtin = (typeof BUILTIN)[number];

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const indices = (body: { results: Array<{ index: number }> }) => body.results.map((result) => result.index);

/** What each refused field looks like when a client sends it anyway. */
const UPSTREAM_FIELDS: Record<string, unknown> = {
  endpointUrl: 'https://rerank.example.com',
  apiPath: '/rerank',
  credentials: inlineCredentials('sk-not-for-a-builtin-0123456789'),
  extraHeaders: { 'x-team': 'search' },
};

/** Documents whose BM25 order is plain: the query's two terms, one, none; accents and case only on the documents' side. */
const LEXICAL_QUERY = 'cafe creme';
const LEXICAL_DOCUMENTS = ['Winter in Berlin', 'Ein Café in München', 'Le CAFÉ CRÈME de Paris'];
const LEXICAL_ORDER = [2, 1, 0];

const LOCAL_QUERY = 'red cat moon';
const LOCAL_DOCUMENTS = ['a blue dog', 'the red cat under the moon', 'red fish', 'cat moon'];
const LOCAL_ORDER = [1, 3, 2, 0];

describe('built-in provider types: LEXICAL and LOCAL as rerankers', () => {
  let modelsRoot: string;
  let env: Record<string, string>;
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let alice: Actor;
  let lexical: Record<string, unknown> & { rerankerId: string };
  let local: Record<string, unknown> & { rerankerId: string };
  let dead: FakeUpstream;

  beforeAll(async () => {
    modelsRoot = mkdtempSync(join(tmpdir(), 'rr-builtin-providers-'));
    writeTinyCrossEncoder(modelsRoot, MODEL);
    env = {
      EGRESS_ALLOW_PRIVATE: 'true',
      // Usage is written when a test flushes, so what is read is what the test did.
      USAGE_FLUSH_INTERVAL_MS: '3600000',
      MODELS_DIR: modelsRoot,
      LOCAL_MODELS_ALLOWED: 'test/*',
      MODELS_ALLOW_DOWNLOAD: 'false',
      LOCAL_WORKERS: '1',
      // Small enough for a test to pass it: 11 distinct query terms x 100 documents.
      LEXICAL_MAX_WORK: '1000',
    };
    t = await startTestApp(env);
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    alice = await createActor(t.server, admin);
    lexical = (await as(t.server, alice).post('/v1/rerankers').send({ displayName: 'BM25', providerType: 'LEXICAL', modelIdentifier: 'bm25' }).expect(201)).body;
    local = (await as(t.server, admin).post('/v1/rerankers').send({ displayName: 'Tiny', providerType: 'LOCAL', modelIdentifier: MODEL, ownerId: alice.userId }).expect(201)).body;
    await as(t.server, alice).post('/v1/aliases').send({ name: 'words', targets: [{ rerankerId: lexical.rerankerId }] }).expect(201);
    await as(t.server, alice).post('/v1/aliases').send({ name: 'tiny', targets: [{ rerankerId: local.rerankerId }] }).expect(201);
    dead = await FakeUpstream.start('COHERE');
    dead.fail({ kind: 'status', status: 503 });
  });

  afterAll(async () => {
    await t?.close();
    await dead?.close();
    rmSync(modelsRoot, { recursive: true, force: true });
  });

  const create = (actor: Actor, body: Record<string, unknown>) => as(t.server, actor).post('/v1/rerankers').send(body);
  const builtinBody = (providerType: Builtin, overrides: Record<string, unknown> = {}) => ({
    displayName: `${providerType} reranker`,
    providerType,
    modelIdentifier: providerType === 'LEXICAL' ? 'bm25' : MODEL,
    ...overrides,
  });
  /** LEXICAL is a member's to register, LOCAL an admin's (USE_SERVER_RESOURCES), here for a fresh member so no two collide. */
  async function registerFor(owner: Actor, providerType: Builtin, overrides: Record<string, unknown> = {}): Promise<request.Response> {
    const by = providerType === 'LOCAL' ? admin : owner;
    return create(by, builtinBody(providerType, { ...(by === owner ? {} : { ownerId: owner.userId }), ...overrides }));
  }

  function expectRefusal(res: request.Response, status: number, code: string, message: RegExp): void {
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.body.message).toMatch(message);
  }

  describe('registration', () => {
    it('lets a member register LEXICAL: no endpoint, path or credentials in the answer, NONE by default, lexical null unless set', async () => {
      const expected = {
        providerType: 'LEXICAL',
        modelIdentifier: 'bm25',
        ownerId: alice.userId,
        endpointUrl: null,
        apiPath: null,
        credentials: null,
        lexical: null,
        scoreNormalization: 'NONE',
      };
      expect(lexical).toMatchObject(expected);
      expect((await as(t.server, alice).get(`/v1/rerankers/${lexical.rerankerId}`).expect(200)).body).toMatchObject(expected);

      const tuned = await registerFor(await createActor(t.server, admin), 'LEXICAL', { lexical: { k1: 0.9, b: 0.4 } });
      expect(tuned.status).toBe(201);
      expect(tuned.body.lexical).toEqual({ k1: 0.9, b: 0.4 });
    });

    it('lets an admin register LOCAL for a member: SIGMOID by default, no endpoint, path or credentials', async () => {
      expect(local).toMatchObject({
        providerType: 'LOCAL',
        modelIdentifier: MODEL,
        ownerId: alice.userId,
        createdById: admin.userId,
        endpointUrl: null,
        apiPath: null,
        credentials: null,
        lexical: null,
        scoreNormalization: 'SIGMOID',
      });
      expect((await as(t.server, alice).get(`/v1/rerankers/${local.rerankerId}`).expect(200)).body).toMatchObject({ providerType: 'LOCAL', endpointUrl: null });
    });

    it.each(BUILTIN.flatMap((providerType) => Object.keys(UPSTREAM_FIELDS).map((field) => [providerType, field] as const)))(
      'refuses %s with %s on create, naming the field first',
      async (providerType, field) => {
        const res = await create(admin, builtinBody(providerType, { ownerId: (await createActor(t.server, admin)).userId, [field]: UPSTREAM_FIELDS[field] }));
        expectRefusal(res, 400, 'INVALID_ARGUMENT', new RegExp(`^${field}\\b`));
        expect(res.body.message).toContain(providerType);
      },
    );

    it.each(BUILTIN.flatMap((providerType) => (['patch', 'put'] as const).map((method) => [providerType, method] as const)))(
      'refuses each upstream field on a %s reranker by %s, naming it, and changes nothing',
      async (providerType, method) => {
        const owner = await createActor(t.server, admin);
        const created = (await registerFor(owner, providerType)).body;
        const path = `/v1/rerankers/${created.rerankerId}`;
        for (const [field, value] of Object.entries(UPSTREAM_FIELDS)) {
          expectRefusal(await as(t.server, admin)[method](path).send({ [field]: value }), 400, 'INVALID_ARGUMENT', new RegExp(`^${field}\\b`));
        }
        const after = (await as(t.server, owner).get(path).expect(200)).body;
        expect(after).toMatchObject({ endpointUrl: null, apiPath: null, credentials: null, updatedAt: created.updatedAt });
        expect(after.extraHeaders ?? null).toBeNull();
        // Null is no header at all: nothing to refuse.
        await as(t.server, admin)[method](path).send({ extraHeaders: null }).expect(200);
      },
    );

    it('is described so by the OpenAPI document: both types, lexical, endpointUrl and apiPath nullable in the answer', async () => {
      const { components } = (await request(t.server).get('/openapi.json').expect(200)).body as OpenApiDocument;
      const response = components.schemas.RerankerResponse!.properties as Record<string, Schema>;
      expect(response.endpointUrl).toMatchObject({ nullable: true });
      expect(response.apiPath).toMatchObject({ nullable: true });
      expect(response.lexical).toBeDefined();
      // Inline, a $ref, or a $ref wrapped in allOf (how @nestjs/swagger writes a named enum beside a description).
      const property = response.providerType as Schema & { $ref?: string; allOf?: Array<{ $ref?: string }> };
      const ref = property.$ref ?? property.allOf?.[0]?.$ref;
      const providerType = ref ? components.schemas[ref.split('/').at(-1)!]! : property;
      expect(providerType.enum).toEqual(expect.arrayContaining(['LEXICAL', 'LOCAL']));
      expect((components.schemas.CreateRerankerDto!.required as string[] | undefined) ?? []).not.toContain('endpointUrl');
    });

    it('still requires endpointUrl for every other provider type, naming it', async () => {
      const { endpointUrl: _endpointUrl, ...body } = rerankerBody({ providerType: 'JINA' });
      expectRefusal(await create(alice, body), 400, 'INVALID_ARGUMENT', /endpointUrl/);
    });

    it('takes only bm25 as the LEXICAL model', async () => {
      const owner = await createActor(t.server, admin);
      for (const modelIdentifier of ['bm42', 'Xenova/ms-marco-MiniLM-L-6-v2']) {
        expectRefusal(await registerFor(owner, 'LEXICAL', { modelIdentifier }), 400, 'INVALID_ARGUMENT', /bm25/);
      }
      const created = (await registerFor(owner, 'LEXICAL')).body;
      expectRefusal(await as(t.server, owner).patch(`/v1/rerankers/${created.rerankerId}`).send({ modelIdentifier: 'bm42' }), 400, 'INVALID_ARGUMENT', /bm25/);
    });

    it('bounds lexical tuning (k1 0..100, b 0..1) on create and update, and takes it only for LEXICAL', async () => {
      const owner = await createActor(t.server, admin);
      const outOfRange = [{ k1: -0.01 }, { k1: 100.01 }, { b: -0.01 }, { b: 1.01 }, { k1: '1' }, { k: 1 }, 'bm25', [1, 0.5]];
      for (const tuning of outOfRange) {
        expectRefusal(await registerFor(owner, 'LEXICAL', { lexical: tuning }), 400, 'INVALID_ARGUMENT', /^lexical/);
      }
      const created = (await registerFor(owner, 'LEXICAL', { lexical: { k1: 0, b: 0 } }).then((res) => res.body)) as { rerankerId: string; lexical: unknown };
      expect(created.lexical).toEqual({ k1: 0, b: 0 });
      const path = `/v1/rerankers/${created.rerankerId}`;
      expect((await as(t.server, owner).patch(path).send({ lexical: { k1: 100, b: 1 } }).expect(200)).body.lexical).toEqual({ k1: 100, b: 1 });
      for (const tuning of outOfRange) {
        expectRefusal(await as(t.server, owner).patch(path).send({ lexical: tuning }), 400, 'INVALID_ARGUMENT', /^lexical/);
      }
      expect((await as(t.server, owner).patch(path).send({ lexical: null }).expect(200)).body.lexical).toBeNull();

      expectRefusal(await create(owner, rerankerBody({ lexical: { k1: 1 } })), 400, 'INVALID_ARGUMENT', /^lexical/);
      expectRefusal(await registerFor(owner, 'LOCAL', { lexical: { k1: 1 } }), 400, 'INVALID_ARGUMENT', /^lexical/);
      const cohere = (await create(owner, rerankerBody()).expect(201)).body;
      expectRefusal(await as(t.server, owner).patch(`/v1/rerankers/${cohere.rerankerId}`).send({ lexical: { b: 0.5 } }), 400, 'INVALID_ARGUMENT', /^lexical/);
    });

    it('keeps two tunings of one owner apart (an A/B split over an alias), the same tuning twice a duplicate whatever its key order', async () => {
      const owner = await createActor(t.server, admin);
      await registerFor(owner, 'LEXICAL').then((res) => expect(res.status).toBe(201));
      await registerFor(owner, 'LEXICAL', { lexical: { k1: 1.5, b: 0.5 } }).then((res) => expect(res.status).toBe(201));
      await registerFor(owner, 'LEXICAL', { lexical: { b: 0.5 } }).then((res) => expect(res.status).toBe(201));
      expectRefusal(await registerFor(owner, 'LEXICAL', { lexical: { b: 0.5, k1: 1.5 } }), 409, 'ALREADY_EXISTS', /same provider/);
      expectRefusal(await registerFor(owner, 'LEXICAL'), 409, 'ALREADY_EXISTS', /same provider/);
    });

    it('ranks with the tuning it was given (b = 0 ignores length, b = 1 favours the short document)', async () => {
      const owner = await createActor(t.server, admin);
      const created = (await registerFor(owner, 'LEXICAL', { lexical: { b: 0 } })).body;
      const documents = ['cat', 'cat and many other words besides it here', 'dog'];
      const call = async () => (await as(t.server, owner).post(`/v1/rerankers/${created.rerankerId}/rerank`).send({ query: 'cat', documents }).expect(200)).body;
      const flat = await call();
      expect(flat.results[0].relevanceScore).toBeCloseTo(flat.results[1].relevanceScore, 10);
      await as(t.server, owner).patch(`/v1/rerankers/${created.rerankerId}`).send({ lexical: { b: 1 } }).expect(200);
      const byLength = await call();
      expect(indices(byLength)).toEqual([0, 1, 2]);
      expect(byLength.results[0].relevanceScore).toBeGreaterThan(byLength.results[1].relevanceScore);
    });
  });

  describe('LOCAL needs USE_SERVER_RESOURCES and a model the server has', () => {
    it('refuses a member with 403 naming USE_SERVER_RESOURCES, for themselves or anyone', async () => {
      const member = await createActor(t.server, admin);
      expectRefusal(await create(member, builtinBody('LOCAL')), 403, 'PERMISSION_DENIED', /USE_SERVER_RESOURCES/);
      expectRefusal(await create(member, builtinBody('LOCAL', { ownerId: member.userId })), 403, 'PERMISSION_DENIED', /USE_SERVER_RESOURCES/);
      // What a member may register anyway still goes through.
      await create(member, builtinBody('LEXICAL')).expect(201);
    });

    it("follows a key's scopes: an admin key narrowed without USE_SERVER_RESOURCES is refused, with it accepted", async () => {
      const otherAdmin = await createActor(t.server, root, 'ADMIN');
      const keyOf = async (permissions: string[]) => (await as(t.server, otherAdmin).post('/v1/apikeys').send({ scopes: { permissions } }).expect(201)).body.rawApiKey as string;
      const without = { ...otherAdmin, key: await keyOf(['CREATE_RERANKER_OWN', 'READ_RERANKER_OWN']) };
      const withIt = { ...otherAdmin, key: await keyOf(['CREATE_RERANKER_OWN', 'READ_RERANKER_OWN', 'USE_SERVER_RESOURCES']) };
      expectRefusal(await create(without, builtinBody('LOCAL')), 403, 'PERMISSION_DENIED', /USE_SERVER_RESOURCES/);
      expect((await create(withIt, builtinBody('LOCAL')).expect(201)).body.ownerId).toBe(otherAdmin.userId);
    });

    it('lets the member an admin registered LOCAL for call it by id, ranked by the model', async () => {
      const res = await as(t.server, alice).post(`/v1/rerankers/${local.rerankerId}/rerank`).send({ query: LOCAL_QUERY, documents: LOCAL_DOCUMENTS }).expect(200);
      expect(indices(res.body)).toEqual(LOCAL_ORDER);
      for (const result of res.body.results) expect(result.relevanceScore).toBeCloseTo(sigmoid(tinyLogit(LOCAL_QUERY, LOCAL_DOCUMENTS[result.index]!)), 12);
      expect(res.body.meta).toMatchObject({ providerType: 'LOCAL', servedBy: local.rerankerId, degraded: false, upstreamRequests: 1 });
      // Another member cannot see it.
      await as(t.server, await createActor(t.server, admin)).post(`/v1/rerankers/${local.rerankerId}/rerank`).send({ query: 'red', documents: ['red'] }).expect(404);
    });

    it('refuses a model outside LOCAL_MODELS_ALLOWED, naming it', async () => {
      const member = await createActor(t.server, admin);
      expectRefusal(await registerFor(member, 'LOCAL', { modelIdentifier: 'Xenova/ms-marco-MiniLM-L-6-v2' }), 400, 'INVALID_ARGUMENT', /LOCAL_MODELS_ALLOWED/);
    });

    it('refuses a missing, incomplete or corrupt model with 400 naming what is missing or broken', async () => {
      const member = await createActor(t.server, admin);
      expectRefusal(await registerFor(member, 'LOCAL', { modelIdentifier: 'test/absent' }), 400, 'INVALID_ARGUMENT', /onnx\/model\.onnx/);

      writeTinyCrossEncoder(modelsRoot, 'test/no-tokenizer');
      rmSync(join(modelsRoot, 'test/no-tokenizer', 'tokenizer.json'));
      expectRefusal(await registerFor(member, 'LOCAL', { modelIdentifier: 'test/no-tokenizer' }), 400, 'INVALID_ARGUMENT', /tokenizer\.json/);

      writeTinyCrossEncoder(modelsRoot, 'test/corrupt');
      writeFileSync(join(modelsRoot, 'test/corrupt', 'onnx/model.onnx'), Buffer.from('not a protobuf at all'));
      expectRefusal(await registerFor(member, 'LOCAL', { modelIdentifier: 'test/corrupt' }), 400, 'INVALID_ARGUMENT', /onnx\/model\.onnx/);

      // Nothing was stored, and the engine still serves.
      expect((await as(t.server, admin).get('/v1/rerankers').query({ ownerId: member.userId }).expect(200)).body.rerankers).toEqual([]);
      await as(t.server, alice).post(`/v1/rerankers/${local.rerankerId}/rerank`).send({ query: 'red', documents: ['red'] }).expect(200);
    });

    it('answers 503 UNAVAILABLE naming the model when its files went missing while the service was down', async () => {
      // A service of its own: the one under test keeps its loaded models between tests.
      const app = await startTestApp(env);
      let restarted: TestApp | undefined;
      try {
        const rootHere = await initRoot(app.server);
        writeTinyCrossEncoder(modelsRoot, 'test/gone-at-restart');
        const gone = (await as(app.server, rootHere).post('/v1/rerankers').send(builtinBody('LOCAL', { modelIdentifier: 'test/gone-at-restart' })).expect(201)).body as { rerankerId: string };
        await app.stop();
        rmSync(join(modelsRoot, 'test/gone-at-restart'), { recursive: true, force: true });
        restarted = await startTestApp(env, app.database);
        const res = await as(restarted.server, rootHere).post(`/v1/rerankers/${gone.rerankerId}/rerank`).send({ query: 'red', documents: ['red'] });
        expectRefusal(res, 503, 'UNAVAILABLE', /test\/gone-at-restart/);
        const other = (await as(restarted.server, rootHere).post('/v1/rerankers').send(builtinBody('LOCAL')).expect(201)).body as { rerankerId: string };
        await as(restarted.server, rootHere).post(`/v1/rerankers/${other.rerankerId}/rerank`).send({ query: 'red', documents: ['red'] }).expect(200);
      } finally {
        await (restarted ?? app).close().catch(() => undefined);
      }
    });

    it('answers 503 UNAVAILABLE naming the model when its files go missing after registration, and keeps serving the rest', async () => {
      const member = await createActor(t.server, admin);
      writeTinyCrossEncoder(modelsRoot, 'test/doomed');
      const doomed = (await registerFor(member, 'LOCAL', { modelIdentifier: 'test/doomed' }).then((res) => res.body)) as { rerankerId: string };
      rmSync(join(modelsRoot, 'test/doomed'), { recursive: true, force: true });
      const res = await as(t.server, member).post(`/v1/rerankers/${doomed.rerankerId}/rerank`).send({ query: 'red', documents: ['red'] });
      expectRefusal(res, 503, 'UNAVAILABLE', /test\/doomed/);
      await as(t.server, alice).post(`/v1/rerankers/${local.rerankerId}/rerank`).send({ query: 'red', documents: ['red'] }).expect(200);
    });
  });

  describe('calls', () => {
    it('ranks LEXICAL by id with BM25: accents and case folded, raw scores (NONE)', async () => {
      const res = await as(t.server, alice).post(`/v1/rerankers/${lexical.rerankerId}/rerank`).send({ query: LEXICAL_QUERY, documents: LEXICAL_DOCUMENTS }).expect(200);
      expect(indices(res.body)).toEqual(LEXICAL_ORDER);
      const [both, one, none] = res.body.results.map((result: { relevanceScore: number }) => result.relevanceScore);
      expect(both).toBeGreaterThan(one);
      expect(one).toBeGreaterThan(0);
      expect(none).toBe(0);
      // Raw BM25, not squashed into 0..1.
      expect(both).toBeGreaterThan(1);
      expect(res.body.meta).toMatchObject({ providerType: 'LEXICAL', servedBy: lexical.rerankerId, degraded: false });

      const german = await as(t.server, alice)
        .post(`/v1/rerankers/${lexical.rerankerId}/rerank`)
        .send({ query: 'strasse munchen', documents: ['Paris en été', 'Eine STRASSE in Köln', 'Die Straße in München'] })
        .expect(200);
      expect(indices(german.body).slice(0, 2)).toEqual([2, 1]);
    });

    /** Every Cohere-style front answers `results: [{index, relevance_score}]`. */
    const FRONTS = ['/v1/rerank', '/v2/rerank', '/rerank'] as const;
    const names = (type: Builtin) => {
      const reranker = type === 'LEXICAL' ? lexical : local;
      return { id: reranker.rerankerId, alias: type === 'LEXICAL' ? 'words' : 'tiny', modelIdentifier: type === 'LEXICAL' ? 'bm25' : MODEL };
    };

    it.each(BUILTIN.flatMap((type) => FRONTS.flatMap((front) => (['id', 'alias', 'modelIdentifier'] as const).map((by) => [type, front, by] as const))))(
      'serves %s on %s by %s ({model, query, documents})',
      async (type, front, by) => {
        const [query, documents, order] = type === 'LEXICAL' ? [LEXICAL_QUERY, LEXICAL_DOCUMENTS, LEXICAL_ORDER] : [LOCAL_QUERY, LOCAL_DOCUMENTS, LOCAL_ORDER];
        const res = await as(t.server, alice).post(front).send({ model: names(type)[by], query, documents }).expect(200);
        expect(indices(res.body)).toEqual(order);
        expect(res.body.results[0].relevance_score).toEqual(expect.any(Number));
        if (type === 'LOCAL') expect(res.body.results[0].relevance_score).toBeCloseTo(sigmoid(tinyLogit(query, documents[order[0]!]!)), 12);
      },
    );

    it.each(BUILTIN)('serves the call of a FALLBACK alias from %s when the upstream before it is dead', async (type) => {
      const owner = await createActor(t.server, admin);
      const builtin = (await registerFor(owner, type)).body as { rerankerId: string };
      const upstream = (await create(owner, rerankerBody({ providerType: 'COHERE', endpointUrl: dead.url })).expect(201)).body as { rerankerId: string };
      const name = `fallback-${type.toLowerCase()}`;
      await as(t.server, owner)
        .post('/v1/aliases')
        .send({ name, strategy: 'FALLBACK', targets: [{ rerankerId: upstream.rerankerId }, { rerankerId: builtin.rerankerId, priority: 1 }] })
        .expect(201);
      const [query, documents, order] = type === 'LEXICAL' ? [LEXICAL_QUERY, LEXICAL_DOCUMENTS, LEXICAL_ORDER] : [LOCAL_QUERY, LOCAL_DOCUMENTS, LOCAL_ORDER];
      const before = dead.requests.length;
      for (const res of [
        await as(t.server, owner).post(`/v1/aliases/${name}/rerank`).send({ query, documents }).expect(200),
        await as(t.server, owner).post('/v1/rerank').send({ model: name, query, documents }).expect(200),
      ]) {
        expect(indices(res.body)).toEqual(order);
        expect(res.body.meta).toMatchObject({ servedBy: builtin.rerankerId, providerType: type, alias: name, degraded: false });
        expect(res.body.meta.attempts.map((attempt: { rerankerId: string; outcome: string }) => [attempt.rerankerId, attempt.outcome])).toEqual([
          [upstream.rerankerId, expect.not.stringMatching(/^ok$/)],
          [builtin.rerankerId, 'ok'],
        ]);
      }
      expect(dead.requests.length).toBeGreaterThan(before);
    });

    it("runs an alias's lexical last resort on the engine: its documents counted on the monthly quota, bounded by LEXICAL_MAX_WORK", async () => {
      const owner = await createActor(t.server, admin);
      const upstream = (await create(owner, rerankerBody({ providerType: 'COHERE', endpointUrl: dead.url })).expect(201)).body as { rerankerId: string };
      await as(t.server, owner).post('/v1/aliases').send({ name: 'last-resort', targets: [{ rerankerId: upstream.rerankerId }], lastResort: 'LEXICAL' }).expect(201);
      const call = (body: Record<string, unknown>) => as(t.server, owner).post('/v1/aliases/last-resort/rerank').send(body);
      const limits = `/v1/limits/users/${owner.userId}`;
      await as(t.server, admin).put(limits).send({ monthlyDocuments: LEXICAL_DOCUMENTS.length + 2 }).expect(200);

      const served = await call({ query: LEXICAL_QUERY, documents: LEXICAL_DOCUMENTS }).expect(200);
      expect(served.body.meta).toMatchObject({ degraded: true, servedBy: 'LEXICAL', providerType: 'LEXICAL' });
      expect(indices(served.body)).toEqual(LEXICAL_ORDER);
      expect((await as(t.server, owner).get(limits).expect(200)).body.usage.monthlyDocuments).toMatchObject({ used: LEXICAL_DOCUMENTS.length });
      const refused = await call({ query: LEXICAL_QUERY, documents: LEXICAL_DOCUMENTS });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { limit: 'monthlyDocuments' } });

      await as(t.server, admin).put(limits).send({ monthlyDocuments: null }).expect(200);
      const query = Array.from({ length: 11 }, (_, i) => `term${i}`).join(' ');
      const tooMuch = await call({ query, documents: Array.from({ length: 100 }, (_, i) => `document ${i}`) });
      expectRefusal(tooMuch, 413, 'PAYLOAD_TOO_LARGE', /LEXICAL_MAX_WORK/);
    });

    it.each(BUILTIN)('pings %s in the engine: ok, no HTTP status', async (type) => {
      const res = await as(t.server, alice).post(`/v1/rerankers/${(type === 'LEXICAL' ? lexical : local).rerankerId}/ping`).expect(200);
      expect(res.body).toEqual({ ok: true, httpStatus: null, rttMs: expect.any(Number) });
    });

    it('lists both types as built-in, LOCAL naming its permission; every other type as not', async () => {
      const { providers } = (await as(t.server, alice).get('/v1/providers').expect(200)).body as { providers: Array<Record<string, unknown>> };
      const byType = new Map(providers.map((provider) => [provider.providerType as string, provider]));
      for (const type of BUILTIN) {
        expect(byType.get(type)).toMatchObject({ builtin: true, defaultEndpointUrl: null, defaultApiPath: null, credentialKinds: [], credentialHeader: null });
      }
      expect(byType.get('LOCAL')!.requiresPermission).toBe('USE_SERVER_RESOURCES');
      expect(byType.get('LEXICAL')!.requiresPermission).toBeNull();
      const others = providers.filter((provider) => !(BUILTIN as readonly unknown[]).includes(provider.providerType));
      expect(others.length).toBeGreaterThan(5);
      for (const provider of others) expect(provider).toMatchObject({ builtin: false, requiresPermission: null });
    });
  });

  describe('usage', () => {
    it("books LOCAL's tokens (the tokenizer's counts) and inference batches, priced per million tokens by an admin; LEXICAL books none", async () => {
      const owner = await createActor(t.server, admin);
      const priced = (await registerFor(owner, 'LOCAL', { pricing: { currency: 'USD', perMillionTokens: '1' } })).body as { rerankerId: string; pricing: unknown };
      expect(priced.pricing).toMatchObject({ currency: 'USD', perMillionTokens: '1' });
      const words = (await registerFor(owner, 'LEXICAL')).body as { rerankerId: string };
      // The tiny tokenizer: [CLS] query [SEP] document [SEP], one token per word.
      const tokensOf = (query: string, documents: string[]) => documents.reduce((sum, document) => sum + 3 + query.split(' ').length + document.split(' ').length, 0);
      const expectedTokens = 2 * tokensOf(LOCAL_QUERY, LOCAL_DOCUMENTS);

      await as(t.server, owner).post(`/v1/rerankers/${priced.rerankerId}/rerank`).send({ query: LOCAL_QUERY, documents: LOCAL_DOCUMENTS }).expect(200);
      const compat = await as(t.server, owner).post('/v1/rerank').send({ model: priced.rerankerId, query: LOCAL_QUERY, documents: LOCAL_DOCUMENTS }).expect(200);
      expect(compat.body.meta).toMatchObject({ providerType: 'LOCAL', servedBy: priced.rerankerId });
      await as(t.server, owner).post(`/v1/rerankers/${words.rerankerId}/rerank`).send({ query: LEXICAL_QUERY, documents: LEXICAL_DOCUMENTS }).expect(200);
      await t.app.get(UsageMeter).flush();

      const buckets = (await as(t.server, owner).get('/v1/usage').query({ ...recently(), granularity: 'day', groupBy: 'reranker' }).expect(200)).body.buckets;
      const perReranker = byGroup(buckets, 'rerankerId');
      expect(perReranker.get(priced.rerankerId)).toMatchObject({
        calls: 2,
        documents: 2 * LOCAL_DOCUMENTS.length,
        upstreamRequests: 2,
        tokens: expectedTokens,
        outcomes: { ok: 2 },
        // A millionth of a dollar per token: 10^9 of the 10^-15 units amounts are counted in.
        cost: [{ currency: 'USD', amount: formatAmount(BigInt(expectedTokens) * 10n ** 9n) }],
      });
      expect(perReranker.get(words.rerankerId)).toMatchObject({ calls: 1, documents: LEXICAL_DOCUMENTS.length, tokens: 0, cost: [], outcomes: { ok: 1 } });
    });
  });
});
