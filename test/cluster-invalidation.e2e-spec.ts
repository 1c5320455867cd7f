import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Polls `check` until it holds or `withinMs` passes; returns how long it took. */
async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`not seen within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

// Two instances need a shared server database; the embedded one belongs to one process.
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onPostgres('two instances on one database', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let upstream: FakeUpstream;
  let root: Actor;
  let member: Actor;
  let rerankerId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' }, db);
    b = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' }, db);
    upstream = await FakeUpstream.start('VLLM');
    root = await initRoot(a.server);
    member = await createActor(a.server, root);
    const created = await as(a.server, member)
      .post('/v1/rerankers')
      .send(rerankerBody({ providerType: 'VLLM', endpointUrl: upstream.url, modelIdentifier: 'model-one' }))
      .expect(201);
    rerankerId = created.body.rerankerId;
  });

  afterAll(async () => {
    await a.stop();
    await b.stop();
    await upstream.close();
    await db.drop();
  });

  const rerankOnB = () => as(b.server, member).post(`/v1/rerankers/${rerankerId}/rerank`).send({ query: 'q', documents: ['d score=0.5'] });

  it('sees an update made on the other instance within a second, its cache warm', async () => {
    expect((await rerankOnB().expect(200)).body.model).toBe('model-one');
    await as(a.server, member).patch(`/v1/rerankers/${rerankerId}`).send({ modelIdentifier: 'model-two' }).expect(200);
    const took = await eventually(async () => (await rerankOnB()).body.model === 'model-two', 1_000);
    expect(took).toBeLessThan(1_000);
  });

  it('stops a key revoked on the other instance within a second', async () => {
    const extra = await as(a.server, member).post('/v1/apikeys').send({}).expect(201);
    const key: Actor = { ...member, key: extra.body.rawApiKey };
    await as(b.server, key).get('/v1/users/me').expect(200);
    await as(a.server, member).delete(`/v1/apikeys/${extra.body.apiKey.apiKeyId}`).expect(204);
    await eventually(async () => (await as(b.server, key).get('/v1/users/me')).status === 401, 1_000);
  });

  it('routes by an alias changed on the other instance within a second, its name resolution cached', async () => {
    const other = await as(a.server, member)
      .post('/v1/rerankers')
      .send(rerankerBody({ providerType: 'VLLM', endpointUrl: upstream.url, modelIdentifier: 'model-three' }))
      .expect(201);
    await as(a.server, member).post('/v1/aliases').send({ name: 'shared', targets: [{ rerankerId }] }).expect(201);
    const viaAliasOnB = () => as(b.server, member).post('/v1/rerank').send({ model: 'shared', query: 'q', documents: ['d score=0.5'] });
    await eventually(async () => (await viaAliasOnB()).body.meta?.servedBy === rerankerId, 1_000);
    await as(a.server, member).patch('/v1/aliases/shared').send({ targets: [{ rerankerId: other.body.rerankerId }] }).expect(200);
    const took = await eventually(async () => (await viaAliasOnB()).body.meta?.servedBy === other.body.rerankerId, 1_000);
    expect(took).toBeLessThan(1_000);
    await as(a.server, member).delete('/v1/aliases/shared').expect(204);
    await as(a.server, member).delete(`/v1/rerankers/${other.body.rerankerId}`).expect(204);
  });

  it('applies limits set on the other instance within a second, its limits cached', async () => {
    const keys = await as(a.server, member).get('/v1/apikeys').expect(200);
    const keyId = (keys.body.apiKeys as Array<{ apiKeyId: string }>).find(({ apiKeyId }) => member.key.startsWith(`rrk_${apiKeyId.replaceAll('-', '')}_`))!.apiKeyId;
    await rerankOnB().expect(200);
    await as(a.server, root).put(`/v1/limits/apikeys/${keyId}`).send({ requestsPerMinute: 1 }).expect(200);
    await eventually(async () => (await rerankOnB()).status === 429, 1_000);
    await as(a.server, root).put(`/v1/limits/apikeys/${keyId}`).send({ requestsPerMinute: null }).expect(200);
    await eventually(async () => (await rerankOnB()).status === 200, 1_000);
  });

  it('sees a delete made on the other instance within a second', async () => {
    await rerankOnB().expect(200);
    await as(a.server, member).delete(`/v1/rerankers/${rerankerId}`).expect(204);
    await eventually(async () => (await rerankOnB()).status === 404, 1_000);
  });
});
