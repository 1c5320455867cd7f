import { UsageMeter } from '../src/usage/usage-meter.js';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface Bucket {
  rerankerId?: string | null;
  alias?: string | null;
  calls: number;
}

interface EventBody {
  action: string;
  targetType: string;
  targetId: string | null;
  diff: { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
}

/** What a key narrowed by rerankerIds or aliases reads: its view, on every read route, and audit diffs narrowed to what the reader may see. */
describe('reads narrowed to the reader', () => {
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let member: Actor;
  let upstream: FakeUpstream;
  let [inside, outside] = ['', ''];
  let narrowed: Actor;

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', USAGE_FLUSH_INTERVAL_MS: '3600000' });
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    member = await createActor(t.server, root);
    upstream = await FakeUpstream.start('COHERE');
    const api = as(t.server, member);
    const create = async (model: string) => (await api.post('/v1/rerankers').send(rerankerBody({ endpointUrl: upstream.url, modelIdentifier: model })).expect(201)).body.rerankerId as string;
    [inside, outside] = [await create('inside'), await create('outside')];
    await api.post('/v1/aliases').send({ name: 'in-view', targets: [{ rerankerId: inside }, { rerankerId: outside, priority: 1 }] }).expect(201);
    await api.post('/v1/aliases').send({ name: 'out-of-view', targets: [{ rerankerId: outside }] }).expect(201);
    const key = await api.post('/v1/apikeys').send({ scopes: { rerankerIds: [inside], aliases: ['in-view'] } }).expect(201);
    narrowed = { ...member, key: key.body.rawApiKey };

    const body = { query: 'q', documents: ['a', 'b'] };
    await api.post(`/v1/rerankers/${inside}/rerank`).send(body).expect(200);
    await api.post(`/v1/rerankers/${outside}/rerank`).send(body).expect(200);
    await api.post('/v1/aliases/in-view/rerank').send(body).expect(200);
    await api.post('/v1/aliases/out-of-view/rerank').send(body).expect(200);
    await as(t.server, narrowed).post(`/v1/rerankers/${inside}/rerank`).send(body).expect(200);
    await api.patch(`/v1/rerankers/${outside}`).send({ displayName: 'outside, renamed' }).expect(200);
    await api.patch('/v1/aliases/out-of-view').send({ description: 'not for the narrowed key' }).expect(200);
    await api.patch('/v1/aliases/in-view').send({ description: 'seen' }).expect(200);
    await t.app.get(UsageMeter).flush();
  });

  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  const range = () => ({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString(), granularity: 'day' });

  it('GET /v1/usage shows a narrowed key only the usage of its rerankers and aliases', async () => {
    const byReranker = async (reader: Actor) => (await as(t.server, reader).get('/v1/usage').query({ ...range(), groupBy: 'reranker' }).expect(200)).body.buckets as Bucket[];
    expect((await byReranker(member)).map((bucket) => bucket.rerankerId).sort()).toEqual([inside, outside].sort());
    const seen = await byReranker(narrowed);
    expect(seen.map((bucket) => [bucket.rerankerId, bucket.calls])).toEqual([[inside, 3]]);
    const byAlias = (await as(t.server, narrowed).get('/v1/usage').query({ ...range(), groupBy: 'alias' }).expect(200)).body.buckets as Bucket[];
    expect(byAlias.map((bucket) => bucket.alias).sort()).toEqual(['in-view', null].sort());
  });

  it('GET /v1/audit-events shows a narrowed key only the events on its rerankers and aliases', async () => {
    const events = async (reader: Actor) => (await as(t.server, reader).get('/v1/audit-events').query({ pageSize: '1000' }).expect(200)).body.auditEvents as EventBody[];
    const all = await events(member);
    expect(all.some((event) => event.targetId === outside)).toBe(true);
    expect(all.some((event) => event.targetType === 'alias' && JSON.stringify(event.diff).includes('not for the narrowed key'))).toBe(true);
    const seen = await events(narrowed);
    expect(seen.some((event) => event.targetId === inside && event.action === 'reranker.create')).toBe(true);
    expect(seen.some((event) => event.action === 'alias.update' && JSON.stringify(event.diff).includes('seen'))).toBe(true);
    expect(seen.some((event) => event.action === 'apikey.create')).toBe(true);
    expect(seen.some((event) => event.targetId === outside)).toBe(false);
    expect(JSON.stringify(seen)).not.toContain('not for the narrowed key');
    expect(JSON.stringify(seen)).not.toContain(outside);
  });

  it("shows a narrowed key only the targets of an alias that are in its view", async () => {
    const expected = [{ rerankerId: inside, weight: 1, priority: 0 }];
    expect((await as(t.server, narrowed).get('/v1/aliases/in-view').expect(200)).body.targets).toEqual(expected);
    const listed = (await as(t.server, narrowed).get('/v1/aliases').expect(200)).body.aliases;
    expect(listed.map((alias: { name: string; targets: unknown }) => [alias.name, alias.targets])).toEqual([['in-view', expected]]);
    expect((await as(t.server, member).get('/v1/aliases/in-view').expect(200)).body.targets).toHaveLength(2);
  });

  it("narrows an audit diff to what its reader may see: another tenant's reranker ids in an alias a member's forced delete changed", async () => {
    const tenant = await createActor(t.server, root);
    const theirs = (await as(t.server, admin).post('/v1/rerankers').send(rerankerBody({ endpointUrl: upstream.url, modelIdentifier: 'theirs' })).expect(201)).body.rerankerId as string;
    const mine = (await as(t.server, tenant).post('/v1/rerankers').send(rerankerBody({ endpointUrl: upstream.url })).expect(201)).body.rerankerId as string;
    const alias = await as(t.server, admin).post('/v1/aliases').send({ name: 'admins-route', targets: [{ rerankerId: theirs }, { rerankerId: mine }] }).expect(201);
    await as(t.server, tenant).delete(`/v1/rerankers/${mine}?force=true`).expect(204);

    const read = async (reader: Actor) =>
      ((await as(t.server, reader).get('/v1/audit-events').query({ targetId: alias.body.aliasId, action: 'alias.update' }).expect(200)).body.auditEvents as EventBody[])[0]!;
    const asTenant = await read(tenant);
    expect(JSON.stringify(asTenant.diff)).not.toContain(theirs);
    expect(asTenant.diff).toEqual({
      before: { targets: [{ rerankerId: '[hidden]', weight: 1, priority: 0 }, { rerankerId: '[hidden]', weight: 1, priority: 0 }] },
      after: { targets: [{ rerankerId: '[hidden]', weight: 1, priority: 0 }] },
    });
    expect((await read(admin)).diff).toEqual({
      before: { targets: [{ rerankerId: theirs, weight: 1, priority: 0 }, { rerankerId: mine, weight: 1, priority: 0 }] },
      after: { targets: [{ rerankerId: theirs, weight: 1, priority: 0 }] },
    });
  });
});
