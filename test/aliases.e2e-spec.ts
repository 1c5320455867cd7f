import request from 'supertest';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('aliases', () => {
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    alice = await createActor(t.server, root);
    bob = await createActor(t.server, root);
  });

  afterAll(async () => {
    await t.close();
  });

  async function reranker(owner: Actor): Promise<string> {
    const res = await as(t.server, owner).post('/v1/rerankers').send(rerankerBody()).expect(201);
    return res.body.rerankerId;
  }

  const aliasPath = (name: string) => `/v1/aliases/${encodeURIComponent(name)}`;

  it('creates, reads, updates and deletes an alias by name, names with slashes and dots included', async () => {
    const [a, b] = [await reranker(alice), await reranker(alice)];
    const name = 'BAAI/bge-reranker-v2-m3';
    const created = await as(t.server, alice)
      .post('/v1/aliases')
      .send({ name, strategy: 'WEIGHTED', targets: [{ rerankerId: a, weight: 3 }, { rerankerId: b, priority: 1 }], labels: { env: 'prod' } })
      .expect(201);
    expect(created.headers.location).toBe(aliasPath(name));
    expect(created.body).toMatchObject({
      name,
      ownerId: alice.userId,
      strategy: 'WEIGHTED',
      lastResort: null,
      description: null,
      targets: [
        { rerankerId: a, weight: 3, priority: 0 },
        { rerankerId: b, weight: 1, priority: 1 },
      ],
      labels: { env: 'prod' },
    });

    expect((await as(t.server, alice).get(aliasPath(name)).expect(200)).body.aliasId).toBe(created.body.aliasId);

    const updated = await as(t.server, alice)
      .patch(aliasPath(name))
      .send({ targets: [{ rerankerId: b }], lastResort: 'LEXICAL', description: 'fallback to b', mergeLabels: { tier: 'gold' } })
      .expect(200);
    expect(updated.body).toMatchObject({
      strategy: 'WEIGHTED',
      lastResort: 'LEXICAL',
      description: 'fallback to b',
      targets: [{ rerankerId: b, weight: 1, priority: 0 }],
      labels: { env: 'prod', tier: 'gold' },
    });

    await as(t.server, alice).delete(aliasPath(name)).expect(204);
    await as(t.server, alice).get(aliasPath(name)).expect(404);
  });

  it('keeps names unique per owner, not across owners', async () => {
    const body = (rerankerId: string) => ({ name: 'rerank-v3.5', targets: [{ rerankerId }] });
    await as(t.server, alice).post('/v1/aliases').send(body(await reranker(alice))).expect(201);
    const again = await as(t.server, alice).post('/v1/aliases').send(body(await reranker(alice))).expect(409);
    expect(again.body.code).toBe('ALREADY_EXISTS');
    await as(t.server, bob).post('/v1/aliases').send(body(await reranker(bob))).expect(201);
  });

  it("never reaches another owner's alias, and never targets another owner's reranker", async () => {
    const name = `private-${Date.now()}`;
    await as(t.server, alice).post('/v1/aliases').send({ name, targets: [{ rerankerId: await reranker(alice) }] }).expect(201);
    await as(t.server, bob).get(aliasPath(name)).expect(404);
    await as(t.server, bob).get(`${aliasPath(name)}?ownerId=${alice.userId}`).expect(404);
    await as(t.server, bob).patch(`${aliasPath(name)}?ownerId=${alice.userId}`).send({ description: 'x' }).expect(404);
    await as(t.server, bob).delete(`${aliasPath(name)}?ownerId=${alice.userId}`).expect(404);
    await as(t.server, admin).get(`${aliasPath(name)}?ownerId=${alice.userId}`).expect(200);

    const foreign = await as(t.server, bob)
      .post('/v1/aliases')
      .send({ name: 'steal', targets: [{ rerankerId: await reranker(alice) }] })
      .expect(400);
    expect(foreign.body.message).toMatch(/targets\[0\]\.rerankerId does not name a reranker the alias owner may execute/);
    const missing = await as(t.server, bob)
      .post('/v1/aliases')
      .send({ name: 'ghost', targets: [{ rerankerId: '00000000-0000-4000-8000-000000000000' }] })
      .expect(400);
    expect(missing.body.message).toBe(foreign.body.message);
    await as(t.server, bob).post('/v1/aliases').send({ name: 'other', ownerId: alice.userId, targets: [] }).expect(400);
  });

  it("lets an admin create an alias for a member, over that member's rerankers only", async () => {
    const mine = await reranker(alice);
    const created = await as(t.server, admin)
      .post('/v1/aliases')
      .send({ name: 'made-for-alice', ownerId: alice.userId, targets: [{ rerankerId: mine }] })
      .expect(201);
    expect(created.body.ownerId).toBe(alice.userId);
    expect(created.headers.location).toBe(`/v1/aliases/made-for-alice?ownerId=${alice.userId}`);
    await as(t.server, admin)
      .post('/v1/aliases')
      .send({ name: 'mixed', ownerId: alice.userId, targets: [{ rerankerId: await reranker(bob) }] })
      .expect(400);
  });

  it('keeps an admin from planting or changing rerankers and aliases in ROOT\'s name (no role acts above itself)', async () => {
    const forRoot = await as(t.server, admin).post('/v1/rerankers').send(rerankerBody({ ownerId: root.userId })).expect(403);
    expect(forRoot.body.code).toBe('PERMISSION_DENIED');
    const rootsOwn = await reranker(root);
    await as(t.server, admin)
      .post('/v1/aliases')
      .send({ name: 'rerank-v3.5', ownerId: root.userId, targets: [{ rerankerId: rootsOwn }] })
      .expect(403);
    await as(t.server, admin).patch(`/v1/rerankers/${rootsOwn}`).send({ displayName: 'mine now' }).expect(403);
    await as(t.server, admin).delete(`/v1/rerankers/${rootsOwn}`).expect(403);
    await as(t.server, root).post('/v1/aliases').send({ name: 'roots', targets: [{ rerankerId: rootsOwn }] }).expect(201);
    await as(t.server, admin).patch(`/v1/aliases/roots?ownerId=${root.userId}`).send({ description: 'x' }).expect(403);
    await as(t.server, admin).delete(`/v1/aliases/roots?ownerId=${root.userId}`).expect(403);
    await as(t.server, admin).get(`/v1/rerankers/${rootsOwn}`).expect(200);
  });

  const ANY_ID = '00000000-0000-4000-8000-000000000000';
  it.each([
    ['a name with a space', { name: 'has space', targets: [{ rerankerId: ANY_ID }] }],
    ['a 129-character name', { name: 'x'.repeat(129), targets: [{ rerankerId: ANY_ID }] }],
    ['no targets', { name: 'ok', targets: [] }],
    ['17 targets', { name: 'ok', targets: Array.from({ length: 17 }, () => ({ rerankerId: ANY_ID })) }],
    ['a target that is not a UUID', { name: 'ok', targets: [{ rerankerId: 'nope' }] }],
    ['a weight of 0', { name: 'ok', targets: [{ rerankerId: ANY_ID, weight: 0 }] }],
    ['an unknown strategy', { name: 'ok', strategy: 'RANDOM', targets: [{ rerankerId: ANY_ID }] }],
    ['an unknown last resort', { name: 'ok', lastResort: 'SEMANTIC', targets: [{ rerankerId: ANY_ID }] }],
    ['a UUID-shaped name (it would be read as a reranker id)', { name: ANY_ID, targets: [{ rerankerId: ANY_ID }] }],
    ['the name "."', { name: '.', targets: [{ rerankerId: ANY_ID }] }],
    ['the name ".."', { name: '..', targets: [{ rerankerId: ANY_ID }] }],
  ])('refuses %s with 400', async (_case, body) => {
    const res = await as(t.server, alice).post('/v1/aliases').send(body).expect(400);
    expect(res.body.code).toBe('INVALID_ARGUMENT');
  });

  it.each([
    ['a nested list of targets', [[{ rerankerId: ANY_ID }]]],
    ['an empty nested list', [[]]],
    ['a target that is null', [null]],
    ['a target that is a string', [ANY_ID]],
    ['targets that are an object', { rerankerId: ANY_ID }],
    ['targets that are a string', ANY_ID],
    ['a weight with no number in it ({"toString": null})', [{ rerankerId: ANY_ID, weight: { toString: null } }]],
    ['a priority that is an object', [{ rerankerId: ANY_ID, priority: {} }]],
    ['a weight as a string', [{ rerankerId: ANY_ID, weight: '2' }]],
  ])('refuses %s with 400 on create and on PATCH, never 500', async (_case, targets) => {
    const created = await as(t.server, alice).post('/v1/aliases').send({ name: 'nested', targets }).expect(400);
    expect(created.body).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^targets/) });
    const name = `patched-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await as(t.server, alice).post('/v1/aliases').send({ name, targets: [{ rerankerId: await reranker(alice) }] }).expect(201);
    const patched = await as(t.server, alice).patch(aliasPath(name)).send({ targets }).expect(400);
    expect(patched.body).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^targets/) });
  });

  it('refuses the same reranker twice in one alias', async () => {
    const id = await reranker(alice);
    const res = await as(t.server, alice)
      .post('/v1/aliases')
      .send({ name: 'twice', targets: [{ rerankerId: id }, { rerankerId: id, priority: 2 }] })
      .expect(400);
    expect(res.body.message).toMatch(/twice/);
  });

  it('lists own aliases, filtered by label, a page at a time', async () => {
    const owner = await createActor(t.server, root);
    const target = await reranker(owner);
    for (const [name, team] of [['a1', 'x'], ['a2', 'y'], ['a3', 'x']] as const) {
      await as(t.server, owner).post('/v1/aliases').send({ name, targets: [{ rerankerId: target }], labels: { team } }).expect(201);
    }
    const first = await as(t.server, owner).get('/v1/aliases?pageSize=2').expect(200);
    expect(first.body.aliases.map((a: { name: string }) => a.name)).toEqual(['a3', 'a2']);
    const second = await as(t.server, owner).get(`/v1/aliases?pageSize=2&nextToken=${first.body.nextToken}`).expect(200);
    expect(second.body.aliases.map((a: { name: string }) => a.name)).toEqual(['a1']);
    expect(second.body.nextToken).toBeUndefined();
    const team = await as(t.server, owner).get('/v1/aliases?label.team=x').expect(200);
    expect(team.body.aliases.map((a: { name: string }) => a.name)).toEqual(['a3', 'a1']);
    await as(t.server, owner).get(`/v1/aliases?ownerId=${alice.userId}`).expect(403);
  });

  it('keeps every label of concurrent merges', async () => {
    const owner = await createActor(t.server, root);
    await as(t.server, owner).post('/v1/aliases').send({ name: 'busy', targets: [{ rerankerId: await reranker(owner) }] }).expect(201);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => as(t.server, owner).patch('/v1/aliases/busy').send({ mergeLabels: { [`k${i}`]: 'v' } }).expect(200)),
    );
    const res = await as(t.server, owner).get('/v1/aliases/busy').expect(200);
    expect(Object.keys(res.body.labels).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`).sort());
  });

  it('refuses to delete a reranker an alias routes to, naming the alias, unless forced', async () => {
    const owner = await createActor(t.server, root);
    const [kept, other] = [await reranker(owner), await reranker(owner)];
    await as(t.server, owner)
      .post('/v1/aliases')
      .send({ name: 'uses-it', targets: [{ rerankerId: kept }, { rerankerId: other }] })
      .expect(201);

    const refused = await as(t.server, owner).delete(`/v1/rerankers/${kept}`).expect(409);
    expect(refused.body).toMatchObject({ code: 'IN_USE', details: { aliases: [{ name: 'uses-it', ownerId: owner.userId }] } });
    expect(refused.body.message).toMatch(/uses-it/);
    await as(t.server, owner).get(`/v1/rerankers/${kept}`).expect(200);

    await as(t.server, owner).delete(`/v1/rerankers/${kept}?force=true`).expect(204);
    await as(t.server, owner).get(`/v1/rerankers/${kept}`).expect(404);
    const alias = await as(t.server, owner).get('/v1/aliases/uses-it').expect(200);
    expect(alias.body.targets).toEqual([{ rerankerId: other, weight: 1, priority: 0 }]);
  });

  describe('ETags', () => {
    const events = async (aliasId: string) =>
      (await as(t.server, root).get(`/v1/audit-events?targetType=alias&targetId=${aliasId}`).expect(200)).body.auditEvents.length;

    it('answers an ETag on create, read and update; a stale If-Match gets 412 and writes nothing', async () => {
      const owner = await createActor(t.server, root);
      const [first, second] = [await reranker(owner), await reranker(owner)];
      const created = await as(t.server, owner).post('/v1/aliases').send({ name: 'etagged', targets: [{ rerankerId: first }] }).expect(201);
      const read = await as(t.server, owner).get('/v1/aliases/etagged').expect(200);
      expect(read.headers.etag).toMatch(/^"[^"]+"$/);
      expect(read.headers.etag).toBe(created.headers.etag);

      const updated = await as(t.server, owner).patch('/v1/aliases/etagged').set('if-match', read.headers.etag).send({ targets: [{ rerankerId: second }] }).expect(200);
      expect(updated.headers.etag).not.toBe(read.headers.etag);
      const before = await events(created.body.aliasId);
      const stale = await as(t.server, owner).patch('/v1/aliases/etagged').set('if-match', read.headers.etag).send({ description: 'lost update' }).expect(412);
      expect(stale.body.code).toBe('PRECONDITION_FAILED');
      const after = await as(t.server, owner).get('/v1/aliases/etagged').expect(200);
      expect(after.body).toMatchObject({ description: null, targets: [{ rerankerId: second, weight: 1, priority: 0 }] });
      expect(await events(created.body.aliasId)).toBe(before);
      await as(t.server, owner).patch('/v1/aliases/etagged').set('if-match', `W/${after.headers.etag}`).send({ description: 'weak' }).expect(412);
      await as(t.server, owner).patch('/v1/aliases/etagged').set('if-match', '*').send({ description: 'any' }).expect(200);
    });

    it('gives an alias a new ETag when a forced reranker delete removes one of its targets', async () => {
      const owner = await createActor(t.server, root);
      const [gone, kept] = [await reranker(owner), await reranker(owner)];
      await as(t.server, owner).post('/v1/aliases').send({ name: 'detached', targets: [{ rerankerId: gone }, { rerankerId: kept }] }).expect(201);
      const { etag } = (await as(t.server, owner).get('/v1/aliases/detached').expect(200)).headers;
      await as(t.server, owner).delete(`/v1/rerankers/${gone}?force=true`).expect(204);
      await as(t.server, owner).patch('/v1/aliases/detached').set('if-match', etag as string).send({ description: 'x' }).expect(412);
    });

    it('documents ETag and If-Match in the OpenAPI document', async () => {
      const document = (await request(t.server).get('/openapi.json').expect(200)).body;
      const item = document.paths['/v1/aliases/{name}'];
      expect(item.get.responses['200'].headers).toHaveProperty('ETag');
      expect(item.patch.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'If-Match', in: 'header' })]));
      expect(item.patch.responses).toHaveProperty('412');
    });
  });
});
