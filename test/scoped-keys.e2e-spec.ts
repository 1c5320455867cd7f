import { randomUUID } from 'node:crypto';
import type { Response, Test } from 'supertest';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { listRoutes } from './support/routes.js';
import { spyOnRepositories } from './support/repository-spy.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Api = ReturnType<typeof as>;
type ScopedActor = Actor & { apiKeyId: string; scopes: unknown };

/** One request and the status it must get; `check` looks further at the answer. */
interface Call {
  readonly send: (api: Api) => Test;
  readonly status: number;
  readonly check?: (res: Response) => void;
}

/**
 * Every route, and how scoped keys fare on it. `permissions`: what a key narrowed to the
 * EXECUTE permissions gets on it ('public' routes take no key). `outside` / `inside`: for
 * routes that touch rerankers or aliases, calls of a key narrowed to some of them.
 */
interface RouteCase {
  readonly permissions: number | 'public';
  readonly outside?: readonly Call[];
  readonly inside?: readonly Call[];
}

const documents = ['alpha score=0.2', 'beta score=0.9'];
const rerankBody = { query: 'q', documents };
const compat = (model: string) => ({ model, query: 'q', documents });
const COMPAT_PATHS = ['/v1/rerank', '/rerank', '/v2/rerank'];
/** The other client dialects' own routes: where a call goes and its body, for a model. */
const DIALECT_CALLS: Record<string, (model: string) => { url: string; body: object }> = {
  '/dialects/voyage/v1/rerank': (model) => ({ url: '/dialects/voyage/v1/rerank', body: compat(model) }),
  '/v1/reranking': (model) => ({ url: '/v1/reranking', body: { model, query: 'q', input: documents } }),
  '/dialects/tei/:model/rerank': (model) => ({ url: `/dialects/tei/${model}/rerank`, body: { query: 'q', texts: documents } }),
  '/score': (model) => ({ url: '/score', body: { model, text_1: 'q', text_2: documents } }),
  '/v1/score': (model) => ({ url: '/v1/score', body: { model, queries: 'q', documents } }),
  '/models/rerank': (model) => ({ url: '/models/rerank', body: compat(model) }),
  '/v1/models/rerank': (model) => ({ url: '/v1/models/rerank', body: compat(model) }),
};

describe('scoped API keys', () => {
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let alice: Actor;
  let upA: FakeUpstream;
  let upB: FakeUpstream;
  /** Alice's rerankers: A, A2 ('twin') and NEW are in the narrowed key's scope; B and B2 ('twin') are not. */
  let A: string;
  let A2: string;
  let B: string;
  const NEW = randomUUID();
  const DEL = randomUUID();
  /** Alice's key narrowed to some of her rerankers and aliases. */
  let narrow: ScopedActor;
  /** The admin's key narrowed to executing rerankers. */
  let executor: ScopedActor;

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', UPSTREAM_MAX_RETRIES: '0' });
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    alice = await createActor(t.server, root);
    [upA, upB] = await Promise.all([FakeUpstream.start('VLLM'), FakeUpstream.start('VLLM')]);
    A = await reranker(alice, { endpointUrl: upA.url, modelIdentifier: 'model-a' });
    B = await reranker(alice, { endpointUrl: upB.url, modelIdentifier: 'model-b' });
    A2 = await reranker(alice, { endpointUrl: upA.url, modelIdentifier: 'twin' });
    await reranker(alice, { endpointUrl: upB.url, modelIdentifier: 'twin' });
    await alias(alice, 'in-alias', [{ rerankerId: A }]);
    await alias(alice, 'out-alias', [{ rerankerId: B }]);
    await alias(alice, 'mixed', [{ rerankerId: B }, { rerankerId: A, priority: 1 }]);
    await alias(alice, 'b-only', [{ rerankerId: B }]);
    narrow = await keyFor(alice, alice, {
      rerankerIds: [A, A2, NEW, DEL],
      aliases: ['in-alias', 'mixed', 'b-only', 'new-alias', 'del-alias'],
    });
    executor = await keyFor(admin, admin, { permissions: ['EXECUTE_RERANKER_OWN', 'EXECUTE_RERANKER_ANY'] });
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([upA.close(), upB.close()]);
  });

  async function reranker(owner: Actor, overrides: Record<string, unknown>): Promise<string> {
    const res = await as(t.server, owner).post('/v1/rerankers').send(rerankerBody({ providerType: 'VLLM', ...overrides })).expect(201);
    return res.body.rerankerId;
  }

  async function alias(owner: Actor, name: string, targets: object[]): Promise<void> {
    await as(t.server, owner).post('/v1/aliases').send({ name, targets }).expect(201);
  }

  /** A key for `user`, minted by `by`, with these scopes. */
  async function keyFor(by: Actor, user: Actor, scopes: object): Promise<ScopedActor> {
    const res = await as(t.server, by).post('/v1/apikeys').send({ userId: user.userId, scopes }).expect(201);
    return { ...user, key: res.body.rawApiKey, apiKeyId: res.body.apiKey.apiKeyId, scopes: res.body.apiKey.scopes };
  }

  const notFound = (send: Call['send']): Call => ({ send, status: 404, check: (res) => expect(res.body.code).toBe('NOT_FOUND') });
  const served = (send: Call['send'], by: () => string): Call => ({
    send,
    status: 200,
    check: (res) => expect(res.body.meta.servedBy).toBe(by()),
  });
  const listed = (path: string, field: string, key: string, inScope: () => string[]): Call => ({
    send: (api) => api.get(`${path}?pageSize=1000`),
    status: 200,
    check: (res) => {
      const seen = (res.body[field] as Array<Record<string, string>>).map((item) => item[key]!);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((item) => !inScope().includes(item))).toEqual([]);
    },
  });

  const ROUTES: Record<string, RouteCase> = {
    'GET /healthz': { permissions: 'public' },
    'GET /readyz': { permissions: 'public' },
    'POST /v1/system/init': { permissions: 'public' },
    'GET /v1/system/info': { permissions: 'public' },
    'GET /metrics': { permissions: 403 },
    'POST /v1/users': { permissions: 403 },
    'GET /v1/users': { permissions: 403 },
    'GET /v1/users/me': { permissions: 200 },
    'GET /v1/users/:id': { permissions: 403 },
    'PATCH /v1/users/:id': { permissions: 403 },
    'POST /v1/apikeys': { permissions: 403 },
    'GET /v1/apikeys': { permissions: 403 },
    'GET /v1/apikeys/:id': { permissions: 403 },
    'DELETE /v1/apikeys/:id': { permissions: 403 },
    'GET /v1/audit-events': { permissions: 403 },
    'GET /v1/usage': { permissions: 403 },
    'GET /v1/limits/users/:id': { permissions: 403 },
    'PUT /v1/limits/users/:id': { permissions: 403 },
    'GET /v1/limits/apikeys/:id': { permissions: 403 },
    'PUT /v1/limits/apikeys/:id': { permissions: 403 },
    'POST /v1/console/session': { permissions: 'public' },
    'GET /v1/console/session': { permissions: 'public' },
    'DELETE /v1/console/session': { permissions: 'public' },
    'GET /v1/providers': { permissions: 200 },
    'GET /v1/rerankers/health': {
      permissions: 403,
      outside: [{ send: (api) => api.get(`/v1/rerankers/health?rerankerId=${B}`), status: 200, check: (res) => expect(res.body.rerankers).toEqual([]) }],
      inside: [
        { send: (api) => api.get(`/v1/rerankers/health?rerankerId=${A}`), status: 200, check: (res) => expect(res.body.rerankers.map((r: { rerankerId: string }) => r.rerankerId)).toEqual([A]) },
      ],
    },
    // Before POST /v1/rerankers below, which creates NEW: a probe writes nothing.
    'POST /v1/rerankers/probe': {
      permissions: 403,
      outside: [{ send: (api) => api.post('/v1/rerankers/probe').send(rerankerBody({ providerType: 'VLLM', endpointUrl: upA.url })), status: 403 }],
      inside: [
        {
          send: (api) => api.post('/v1/rerankers/probe').send(rerankerBody({ providerType: 'VLLM', endpointUrl: upA.url, rerankerId: NEW })),
          status: 200,
          check: (res) => expect(res.body.ok).toBe(true),
        },
      ],
    },
    'POST /v1/rerankers/:id/probe': {
      permissions: 403,
      outside: [notFound((api) => api.post(`/v1/rerankers/${B}/probe`).send({ description: 'x' }))],
      inside: [{ send: (api) => api.post(`/v1/rerankers/${A}/probe`).send({ description: 'x' }), status: 200, check: (res) => expect(res.body.ok).toBe(true) }],
    },
    'POST /v1/rerankers': {
      permissions: 403,
      outside: [{ send: (api) => api.post('/v1/rerankers').send(rerankerBody({ providerType: 'VLLM', endpointUrl: upA.url })), status: 403 }],
      inside: [{ send: (api) => api.post('/v1/rerankers').send(rerankerBody({ providerType: 'VLLM', endpointUrl: upA.url, rerankerId: NEW })), status: 201 }],
    },
    'GET /v1/rerankers': {
      permissions: 403,
      outside: [listed('/v1/rerankers', 'rerankers', 'rerankerId', () => [A, A2, NEW, DEL])],
      inside: [{ send: (api) => api.get('/v1/rerankers?pageSize=1000'), status: 200, check: (res) => expect(res.body.rerankers.map((r: { rerankerId: string }) => r.rerankerId)).toContain(A) }],
    },
    'GET /v1/rerankers/:id': {
      permissions: 403,
      outside: [notFound((api) => api.get(`/v1/rerankers/${B}`))],
      inside: [{ send: (api) => api.get(`/v1/rerankers/${A}`), status: 200 }],
    },
    'PUT /v1/rerankers/:id': {
      permissions: 403,
      outside: [notFound((api) => api.put(`/v1/rerankers/${B}`).send({ description: 'x' }))],
      inside: [{ send: (api) => api.put(`/v1/rerankers/${A}`).send({ description: 'put' }), status: 200 }],
    },
    'PATCH /v1/rerankers/:id': {
      permissions: 403,
      outside: [notFound((api) => api.patch(`/v1/rerankers/${B}`).send({ description: 'x' }))],
      inside: [{ send: (api) => api.patch(`/v1/rerankers/${A}`).send({ description: 'patch' }), status: 200 }],
    },
    'DELETE /v1/rerankers/:id': {
      permissions: 403,
      outside: [notFound((api) => api.delete(`/v1/rerankers/${B}`))],
      inside: [
        {
          send: (api) => api.post('/v1/rerankers').send(rerankerBody({ providerType: 'VLLM', endpointUrl: upA.url, modelIdentifier: 'model-del', rerankerId: DEL })),
          status: 201,
        },
        { send: (api) => api.delete(`/v1/rerankers/${DEL}`), status: 204 },
      ],
    },
    'POST /v1/rerankers/:id/rerank': {
      permissions: 200,
      outside: [
        notFound((api) => api.post(`/v1/rerankers/${B}/rerank`).send(rerankBody)),
        notFound((api) => api.post(`/v1/rerankers/${A}/rerank`).send({ ...rerankBody, fallbackRerankerIds: [B] })),
      ],
      inside: [
        served((api) => api.post(`/v1/rerankers/${A}/rerank`).send(rerankBody), () => A),
        served((api) => api.post(`/v1/rerankers/${A}/rerank`).send({ ...rerankBody, fallbackRerankerIds: [A2] }), () => A),
      ],
    },
    'POST /v1/rerankers/:id/ping': {
      permissions: 403,
      outside: [notFound((api) => api.post(`/v1/rerankers/${B}/ping`))],
      inside: [{ send: (api) => api.post(`/v1/rerankers/${A}/ping`), status: 200, check: (res) => expect(res.body.ok).toBe(true) }],
    },
    ...Object.fromEntries(
      COMPAT_PATHS.map((path): [string, RouteCase] => [
        `POST ${path}`,
        {
          permissions: 200,
          outside: ['B', 'model-b', 'out-alias'].map((model) =>
            notFound((api) => api.post(path).send(compat(model === 'B' ? B : model))),
          ),
          inside: [
            served((api) => api.post(path).send(compat(A)), () => A),
            served((api) => api.post(path).send(compat('model-a')), () => A),
            // Alice's unscoped keys find two 'twin' rerankers; this key sees one.
            served((api) => api.post(path).send(compat('twin')), () => A2),
            served((api) => api.post(path).send(compat('mixed')), () => A),
          ],
        },
      ]),
    ),
    // Each answers in its own shape (no meta.servedBy); that B is never called is checked after the table runs.
    ...Object.fromEntries(
      Object.entries(DIALECT_CALLS).map(([path, call]): [string, RouteCase] => {
        const send = (model: string) => (api: Api) => api.post(call(model).url).send(call(model).body);
        return [
          `POST ${path}`,
          {
            permissions: 200,
            outside: [() => B, () => 'model-b', () => 'out-alias'].map((model) => notFound((api) => send(model())(api))),
            inside: [() => A, () => 'model-a', () => 'twin', () => 'mixed'].map((model) => ({ send: (api: Api) => send(model())(api), status: 200 })),
          },
        ];
      }),
    ),
    'POST /v1/aliases': {
      permissions: 403,
      outside: [
        { send: (api) => api.post('/v1/aliases').send({ name: 'elsewhere', targets: [{ rerankerId: A }] }), status: 403 },
        {
          send: (api) => api.post('/v1/aliases').send({ name: 'new-alias', targets: [{ rerankerId: B }] }),
          status: 400,
          check: (res) => expect(res.body.message).toMatch(/does not name a reranker the alias owner may execute/),
        },
      ],
      inside: [{ send: (api) => api.post('/v1/aliases').send({ name: 'new-alias', targets: [{ rerankerId: A }] }), status: 201 }],
    },
    'GET /v1/aliases': {
      permissions: 403,
      outside: [listed('/v1/aliases', 'aliases', 'name', () => ['in-alias', 'mixed', 'b-only', 'new-alias', 'del-alias'])],
      inside: [{ send: (api) => api.get('/v1/aliases'), status: 200, check: (res) => expect(res.body.aliases.map((a: { name: string }) => a.name)).toContain('in-alias') }],
    },
    'GET /v1/aliases/:name': {
      permissions: 403,
      outside: [notFound((api) => api.get('/v1/aliases/out-alias'))],
      inside: [{ send: (api) => api.get('/v1/aliases/in-alias'), status: 200 }],
    },
    'PATCH /v1/aliases/:name': {
      permissions: 403,
      outside: [
        notFound((api) => api.patch('/v1/aliases/out-alias').send({ description: 'x' })),
        { send: (api) => api.patch('/v1/aliases/in-alias').send({ targets: [{ rerankerId: B }] }), status: 400 },
      ],
      inside: [{ send: (api) => api.patch('/v1/aliases/in-alias').send({ description: 'patched', targets: [{ rerankerId: A }] }), status: 200 }],
    },
    'DELETE /v1/aliases/:name': {
      permissions: 403,
      outside: [notFound((api) => api.delete('/v1/aliases/out-alias'))],
      inside: [
        { send: (api) => api.post('/v1/aliases').send({ name: 'del-alias', targets: [{ rerankerId: A }] }), status: 201 },
        { send: (api) => api.delete('/v1/aliases/del-alias'), status: 204 },
      ],
    },
    'POST /v1/aliases/:name/rerank': {
      permissions: 403,
      outside: [notFound((api) => api.post('/v1/aliases/out-alias/rerank').send(rerankBody))],
      inside: [
        served((api) => api.post('/v1/aliases/in-alias/rerank').send(rerankBody), () => A),
        // B comes first in 'mixed', but is outside the key's scope: skipped as if unreachable.
        served((api) => api.post('/v1/aliases/mixed/rerank').send(rerankBody), () => A),
        {
          send: (api) => api.post('/v1/aliases/b-only/rerank').send(rerankBody),
          status: 503,
          check: (res) => expect(res.body.code).toBe('UPSTREAM_UNAVAILABLE'),
        },
      ],
    },
  };

  /** The request the permission table sends: ids and names of things the key could otherwise reach. */
  function permissionCall(method: string, path: string): Test {
    const api = as(t.server, executor);
    const dialect = DIALECT_CALLS[path]?.(A);
    if (dialect) return api.post(dialect.url).send(dialect.body);
    const url = path.replace(':id', A).replace(':name', 'in-alias');
    const body = COMPAT_PATHS.includes(path) ? compat(A) : path.endsWith('/rerank') ? rerankBody : {};
    const call = api[method.toLowerCase() as keyof Api](url);
    return method === 'GET' || method === 'DELETE' ? call : call.send(body);
  }

  async function expectCall(api: Api, call: Call, label: string): Promise<void> {
    const res = await call.send(api);
    expect({ label, status: res.status, body: res.status === call.status ? undefined : res.body }).toEqual({ label, status: call.status, body: undefined });
    call.check?.(res);
  }

  it('has a case for every route the application serves', () => {
    const served = [...new Set(listRoutes(t.app).map(({ method, path }) => `${method} ${path}`))].sort();
    expect(Object.keys(ROUTES).sort()).toEqual(served);
  });

  it('refuses a key narrowed to some permissions on every route that needs another (403), and serves the rest', async () => {
    for (const [route, { permissions }] of Object.entries(ROUTES)) {
      if (permissions === 'public') continue;
      const [method, path] = route.split(' ') as [string, string];
      const res = await permissionCall(method, path);
      expect({ route, status: res.status }).toEqual({ route, status: permissions });
      if (permissions === 403) expect(res.body.message).toMatch(/permission is required/);
    }
  });

  it('refuses a key narrowed to some rerankers and aliases outside them on every route, as for another owner (404)', async () => {
    upB.clear();
    for (const [route, { outside }] of Object.entries(ROUTES)) {
      for (const [index, call] of (outside ?? []).entries()) await expectCall(as(t.server, narrow), call, `${route} #${index}`);
    }
    expect(upB.requests).toEqual([]);
  });

  it('serves a key narrowed to some rerankers and aliases inside them on every route', async () => {
    upB.clear();
    for (const [route, { inside }] of Object.entries(ROUTES)) {
      for (const [index, call] of (inside ?? []).entries()) await expectCall(as(t.server, narrow), call, `${route} #${index}`);
    }
    expect(upB.requests).toEqual([]);
    // What the unscoped key of the same user sees.
    const twin = await as(t.server, alice).post('/v1/rerank').send(compat('twin')).expect(409);
    expect(twin.body.code).toBe('AMBIGUOUS_MODEL');
  });

  it('hides what lies outside the scope in conflicts and in-use answers', async () => {
    const copyOfB = await as(t.server, alice).get(`/v1/rerankers/${B}`).expect(200);
    const duplicate = await as(t.server, narrow)
      .post('/v1/rerankers')
      .send(rerankerBody({ providerType: 'VLLM', endpointUrl: copyOfB.body.endpointUrl, modelIdentifier: 'model-b', rerankerId: NEW }))
      .expect(409);
    expect(duplicate.body.details?.existingRerankerId).toBeUndefined();
    const unscoped = await as(t.server, alice)
      .post('/v1/rerankers')
      .send(rerankerBody({ providerType: 'VLLM', endpointUrl: copyOfB.body.endpointUrl, modelIdentifier: 'model-b' }))
      .expect(409);
    expect(unscoped.body.details.existingRerankerId).toBe(B);

    await alias(alice, 'hidden-a', [{ rerankerId: A }]);
    const inUse = await as(t.server, narrow).delete(`/v1/rerankers/${A}`).expect(409);
    expect(inUse.body.details.aliases.map((a: { name: string }) => a.name).sort()).toEqual(['in-alias', 'mixed', 'new-alias']);
    expect(inUse.body.details.otherAliases).toBe(1);
    expect(inUse.body.message).not.toContain('hidden-a');
  });

  describe('at creation', () => {
    it('shows the scopes in the key metadata: create, list and get', async () => {
      const created = await as(t.server, alice)
        .post('/v1/apikeys')
        .send({ scopes: { permissions: ['EXECUTE_RERANKER_OWN'], rerankerIds: [A.toUpperCase()], aliases: ['in-alias'] } })
        .expect(201);
      const expected = { permissions: ['EXECUTE_RERANKER_OWN'], rerankerIds: [A], aliases: ['in-alias'] };
      expect(created.body.apiKey.scopes).toEqual(expected);
      const id = created.body.apiKey.apiKeyId;
      expect((await as(t.server, alice).get(`/v1/apikeys/${id}`).expect(200)).body.scopes).toEqual(expected);
      const page = await as(t.server, alice).get('/v1/apikeys?pageSize=1000').expect(200);
      expect(page.body.apiKeys.find((key: { apiKeyId: string }) => key.apiKeyId === id).scopes).toEqual(expected);
      const plain = await as(t.server, alice).post('/v1/apikeys').send({}).expect(201);
      expect(plain.body.apiKey.scopes).toEqual({ permissions: null, rerankerIds: null, aliases: null });
      expect(narrow.scopes).toMatchObject({ permissions: null, rerankerIds: [A, A2, NEW, DEL] });
    });

    it('refuses with 400 scopes beyond the user role, naming the permission, and malformed scopes', async () => {
      const refused = async (scopes: unknown, message: RegExp) => {
        const res = await as(t.server, root).post('/v1/apikeys').send({ userId: alice.userId, scopes }).expect(400);
        expect(res.body).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
      };
      await refused({ permissions: ['READ_RERANKER_OWN', 'LIST_USER_ANY'] }, /LIST_USER_ANY is not held by the key's user \(MEMBER\)/);
      await refused({ permissions: ['USE_SECRET_REF'] }, /USE_SECRET_REF/);
      await refused({ permissions: ['FLY_RERANKER_OWN'] }, /scopes\.permissions: .*"FLY_RERANKER_OWN" is not a permission/);
      await refused({ permissions: 'EXECUTE_RERANKER_OWN' }, /scopes\.permissions: permissions must be an array/);
      await refused({ permissions: ['EXECUTE_RERANKER_OWN', 'EXECUTE_RERANKER_OWN'] }, /repeats EXECUTE_RERANKER_OWN/);
      await refused({ rerankerIds: ['not-a-uuid'] }, /"not-a-uuid" is not a UUID/);
      await refused({ rerankerIds: [A, A.toUpperCase()] }, /repeats/);
      await refused({ rerankerIds: Array.from({ length: 101 }, () => randomUUID()) }, /at most 100/);
      await refused({ aliases: ['..'] }, /scopes\.aliases/);
      await refused({ aliases: [7] }, /a non-string/);
      await refused({ rerankerIds: null }, /scopes\.rerankerIds/);
      await refused({ owner: 'x' }, /scopes\.owner: property owner should not exist/);
      await refused(null, /scopes/);
      await refused([], /scopes/);
      await refused('all', /scopes/);
    });

    it('takes a defaultModel (a reranker id or an alias name) within the key scopes, shown in the key metadata', async () => {
      const created = await as(t.server, alice).post('/v1/apikeys').send({ scopes: { rerankerIds: [A], aliases: ['in-alias'] }, defaultModel: 'in-alias' }).expect(201);
      expect(created.body.apiKey.defaultModel).toBe('in-alias');
      expect((await as(t.server, alice).get(`/v1/apikeys/${created.body.apiKey.apiKeyId}`).expect(200)).body.defaultModel).toBe('in-alias');
      const byId = await as(t.server, alice).post('/v1/apikeys').send({ defaultModel: A.toUpperCase() }).expect(201);
      expect(byId.body.apiKey.defaultModel).toBe(A);
      expect((await as(t.server, alice).post('/v1/apikeys').send({}).expect(201)).body.apiKey.defaultModel).toBeNull();
      const refused = async (body: object, message: RegExp) => {
        const res = await as(t.server, alice).post('/v1/apikeys').send(body).expect(400);
        expect(res.body).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
      };
      await refused({ scopes: { rerankerIds: [A] }, defaultModel: B }, new RegExp(`defaultModel: ${B} is outside the key's scopes.rerankerIds`));
      await refused({ scopes: { aliases: ['in-alias'] }, defaultModel: 'out-alias' }, /defaultModel: out-alias is outside the key's scopes.aliases/);
      await refused({ defaultModel: '..' }, /defaultModel must be a reranker id or an alias name/);
      await refused({ defaultModel: 7 }, /defaultModel must be a reranker id or an alias name/);
      await refused({ defaultModel: null }, /defaultModel/);
    });

    it('accepts for an admin what its role holds', async () => {
      const res = await as(t.server, root)
        .post('/v1/apikeys')
        .send({ userId: admin.userId, scopes: { permissions: ['USE_SECRET_REF', 'LIST_USER_ANY'] } })
        .expect(201);
      expect(res.body.apiKey.scopes.permissions).toEqual(['USE_SECRET_REF', 'LIST_USER_ANY']);
    });
  });

  it("narrows a key further when its user's role is lowered, and gives back no more than its scope when raised again", async () => {
    const bob = await createActor(t.server, root, 'ADMIN');
    const key = await keyFor(root, bob, { permissions: ['LIST_USER_ANY', 'READ_USER_ANY', 'READ_USER_OWN'] });
    const api = as(t.server, key);
    await api.get('/v1/users').expect(200);
    await api.get(`/v1/users/${alice.userId}`).expect(200);
    await api.get('/v1/rerankers').expect(403);

    await as(t.server, root).patch(`/v1/users/${bob.userId}`).send({ role: 'MEMBER' }).expect(200);
    await api.get('/v1/users').expect(403);
    await api.get(`/v1/users/${alice.userId}`).expect(404);
    await api.get(`/v1/users/${bob.userId}`).expect(200);
    // The stored scope is unchanged: the role narrows it when it is used.
    const stored = await as(t.server, root).get(`/v1/apikeys/${key.apiKeyId}`).expect(200);
    expect(stored.body.scopes.permissions).toEqual(['LIST_USER_ANY', 'READ_USER_ANY', 'READ_USER_OWN']);

    await as(t.server, root).patch(`/v1/users/${bob.userId}`).send({ role: 'ADMIN' }).expect(200);
    await api.get('/v1/users').expect(200);
    await api.get('/v1/rerankers').expect(403);
  });

  it('keeps scopes immutable: no route changes them', async () => {
    const keyRoutes = listRoutes(t.app).filter(({ path }) => path.startsWith('/v1/apikeys'));
    expect(keyRoutes.map(({ method, path }) => `${method} ${path}`).sort()).toEqual([
      'DELETE /v1/apikeys/:id',
      'GET /v1/apikeys',
      'GET /v1/apikeys/:id',
      'POST /v1/apikeys',
    ]);
    const key = await keyFor(alice, alice, { rerankerIds: [A] });
    for (const method of ['put', 'patch'] as const) {
      const res = await as(t.server, alice)[method](`/v1/apikeys/${key.apiKeyId}`).send({ scopes: {}, defaultModel: A });
      expect([404, 405]).toContain(res.status);
    }
    await as(t.server, root).patch(`/v1/users/${alice.userId}`).send({ scopes: {} }).expect(400);
    await as(t.server, alice).delete(`/v1/apikeys/${key.apiKeyId}`).expect(204);
    const revoked = await as(t.server, alice).get(`/v1/apikeys/${key.apiKeyId}`).expect(200);
    expect(revoked.body.scopes).toEqual({ permissions: null, rerankerIds: [A], aliases: null });
    expect(revoked.body.defaultModel).toBeNull();
    expect(revoked.body.revokedAt).toEqual(expect.any(Number));
  });

  describe('escalation', () => {
    it('passes a narrowed key its own scope on to the keys it mints, and refuses broader ones (403)', async () => {
      const minted = await keyFor(narrow, alice, {});
      expect(minted.scopes).toEqual(narrow.scopes);
      await as(t.server, minted).get(`/v1/rerankers/${B}`).expect(404);
      await as(t.server, minted).get(`/v1/rerankers/${A}`).expect(200);

      const broader = await as(t.server, narrow).post('/v1/apikeys').send({ scopes: { rerankerIds: [A, B] } }).expect(403);
      expect(broader.body.message).toMatch(new RegExp(`scopes\\.rerankerIds: ${B} is outside this API key's own scope`));
      await as(t.server, narrow).post('/v1/apikeys').send({ scopes: { aliases: ['out-alias'] } }).expect(403);
      const narrower = await keyFor(narrow, alice, { rerankerIds: [A], aliases: [] });
      expect(narrower.scopes).toEqual({ permissions: null, rerankerIds: [A], aliases: [] });
      await as(t.server, narrower).get('/v1/aliases/in-alias').expect(404);
    });

    it('lets a key narrowed to some permissions mint keys with no other permission', async () => {
      const minter = await keyFor(alice, alice, { permissions: ['CREATE_APIKEY_OWN', 'READ_RERANKER_OWN'] });
      const wider = await as(t.server, minter)
        .post('/v1/apikeys')
        .send({ scopes: { permissions: ['READ_RERANKER_OWN', 'UPDATE_RERANKER_OWN'] } })
        .expect(403);
      expect(wider.body.message).toMatch(/UPDATE_RERANKER_OWN is outside this API key's own scope/);
      const minted = await keyFor(minter, alice, {});
      expect(minted.scopes).toMatchObject({ permissions: ['CREATE_APIKEY_OWN', 'READ_RERANKER_OWN'] });
      await as(t.server, minted).get(`/v1/rerankers/${A}`).expect(200);
      await as(t.server, minted).patch(`/v1/rerankers/${A}`).send({ description: 'no' }).expect(403);
      await as(t.server, minter).post('/v1/apikeys').send({}).expect(201);
    });

    it("keeps an admin's narrowed key from minting an unscoped key for anyone, or changing users", async () => {
      const minter = await keyFor(root, admin, { permissions: ['CREATE_APIKEY_ANY', 'EXECUTE_RERANKER_ANY'] });
      const forMember = await keyFor(minter, alice, {});
      expect(forMember.scopes).toMatchObject({ permissions: [] });
      await as(t.server, forMember).get(`/v1/rerankers/${A}`).expect(403);
      const forAdmin = await keyFor(minter, admin, {});
      expect(forAdmin.scopes).toMatchObject({ permissions: ['CREATE_APIKEY_ANY', 'EXECUTE_RERANKER_ANY'] });
      await as(t.server, minter).patch(`/v1/users/${alice.userId}`).send({ role: 'ADMIN' }).expect(403);
      await as(t.server, minter).post('/v1/users').send({ email: `x-${randomUUID()}@example.com`, displayName: 'X', role: 'ADMIN' }).expect(403);
      await as(t.server, minter).post('/v1/apikeys').send({ userId: root.userId }).expect(403);
    });
  });

  it('makes no database query per call in steady state, by id, by alias or by model name, in any dialect', async () => {
    const calls = () => [
      as(t.server, narrow).post(`/v1/rerankers/${A}/rerank`).send(rerankBody).expect(200),
      as(t.server, narrow).post('/v1/aliases/mixed/rerank').send(rerankBody).expect(200),
      as(t.server, narrow).post('/v1/rerank').send(compat('twin')).expect(200),
      as(t.server, narrow).post('/v1/rerank').send(compat('model-a')).expect(200),
      as(t.server, narrow).post('/v1/rerank').send(compat('model-b')).expect(404),
      as(t.server, narrow).post('/dialects/tei/model-a/rerank').send({ query: 'q', texts: documents }).expect(200),
      as(t.server, narrow).post('/v1/reranking').send({ model: 'mixed', query: 'q', input: documents }).expect(200),
    ];
    await Promise.all(calls());
    const repositories = spyOnRepositories();
    try {
      for (let i = 0; i < 5; i++) await Promise.all(calls());
      expect(repositories.called()).toEqual([]);
    } finally {
      repositories.restore();
    }
  });
});
