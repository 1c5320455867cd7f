import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import type { Logger } from 'pino';
import request from 'supertest';
import { parseApiKey } from '../src/api-keys/api-key-material.js';
import { commandLineActor } from '../src/audit/audit-actor.js';
import { AuditEventsRepository } from '../src/audit/audit-events.repository.js';
import { AuditLog } from '../src/audit/audit-log.js';
import { AuditRetention } from '../src/audit/audit-retention.js';
import { LOGGER } from '../src/common/logging/logger.token.js';
import { AppConfig } from '../src/config/app-config.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { Transactions } from '../src/database/transactions.js';
import type { AuditEvent, Prisma } from '../src/generated/prisma/client.js';
import { CredentialCipher } from '../src/credentials/credential-cipher.js';
import { rotateCredentials } from '../src/rerankers/credential-rotation.js';
import { RerankersRepository } from '../src/rerankers/rerankers.repository.js';
import { as, createActor, type Actor } from './support/actors.js';
import { expectErrorModel } from './support/error-model.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const KEY_OLD = Buffer.alloc(32, 41).toString('base64');
const KEY_NEW = Buffer.alloc(32, 42).toString('base64');
const FINGERPRINT_KEY = Buffer.alloc(32, 43).toString('base64');
const DAY = 86_400_000;
const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$|^::1$/;

/** An event as GET /v1/audit-events answers it. */
interface EventBody {
  auditEventId: string;
  occurredAt: number;
  action: string;
  targetType: string;
  targetId: string | null;
  targetOwnerId: string | null;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  requestId: string | null;
  clientAddress: string | null;
  diff: { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
}

describe('audit log', () => {
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let alice: Actor;
  let bob: Actor;
  let initRequestId: string;

  beforeAll(async () => {
    t = await startTestApp({ SECRETS_ENCRYPTION_KEY: `old:${KEY_OLD}`, SECRETS_FINGERPRINT_KEY: FINGERPRINT_KEY });
    initRequestId = `init-${randomUUID()}`;
    const init = await request(t.server).post('/v1/system/init').set('x-request-id', initRequestId).send({}).expect(200);
    root = { userId: init.body.userId, key: init.body.rootApiKey, role: 'ROOT' };
    admin = await createActor(t.server, root, 'ADMIN');
    alice = await createActor(t.server, root);
    bob = await createActor(t.server, root);
  });

  afterAll(async () => {
    await t.close();
  });

  const prisma = () => t.app.get(PrismaService);
  const keyIdOf = (actor: Actor) => parseApiKey(actor.key)!.id;

  async function eventsAs(actor: Actor, query: Record<string, string> = {}): Promise<EventBody[]> {
    const res = await as(t.server, actor).get('/v1/audit-events').query({ pageSize: '1000', ...query }).expect(200);
    return res.body.auditEvents as EventBody[];
  }

  async function onlyEvent(query: Record<string, string>): Promise<EventBody> {
    const events = await eventsAs(root, query);
    expect(events).toHaveLength(1);
    return events[0]!;
  }

  /** Stored events (every column), oldest first. */
  function stored(where: Prisma.AuditEventWhereInput = {}): Promise<AuditEvent[]> {
    return prisma().auditEvent.findMany({ where, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });
  }

  /** A request as `actor` with a request id of its own; returns both. */
  function tracked(actor: Actor) {
    const requestId = `req-${randomUUID()}`;
    const api = as(t.server, actor);
    const withId = <T extends request.Test>(test: T) => test.set('x-request-id', requestId) as T;
    return {
      requestId,
      post: (path: string) => withId(api.post(path)),
      put: (path: string) => withId(api.put(path)),
      patch: (path: string) => withId(api.patch(path)),
      delete: (path: string) => withId(api.delete(path)),
    };
  }

  async function reranker(owner: Actor, body: Record<string, unknown> = {}): Promise<string> {
    return (await as(t.server, owner).post('/v1/rerankers').send(rerankerBody(body)).expect(201)).body.rerankerId;
  }

  describe('one event per committed change, in its transaction', () => {
    it('records system init without a user or key, with the request id and address, and never the root key', async () => {
      const event = await onlyEvent({ action: 'system.init' });
      expect(event).toMatchObject({
        targetType: 'system',
        targetId: null,
        targetOwnerId: root.userId,
        actorUserId: null,
        actorApiKeyId: null,
        requestId: initRequestId,
        diff: { before: null, after: { rootUser: { userId: root.userId, role: 'ROOT' }, rootKey: { apiKeyId: keyIdOf(root) } } },
      });
      expect(event.clientAddress).toMatch(LOOPBACK);
      expect((await request(t.server).post('/v1/system/init').send({}).expect(200)).body.alreadyInitialized).toBe(true);
      expect(await stored({ action: 'system.init' })).toHaveLength(1);
    });

    it('records a user create and update with actor, key, request id and address, and only the changed fields', async () => {
      const create = tracked(admin);
      const email = `audit-${randomUUID()}@example.com`;
      const user = await create.post('/v1/users').send({ email, displayName: 'Ada', role: 'MEMBER' }).expect(201);
      const created = await onlyEvent({ action: 'user.create', targetId: user.body.userId });
      expect(created).toMatchObject({
        targetType: 'user',
        targetOwnerId: user.body.userId,
        actorUserId: admin.userId,
        actorApiKeyId: keyIdOf(admin),
        requestId: create.requestId,
        diff: { before: null, after: { email, displayName: 'Ada', role: 'MEMBER', disabled: false } },
      });
      expect(created.clientAddress).toMatch(LOOPBACK);

      const update = tracked(root);
      await update.patch(`/v1/users/${user.body.userId}`).send({ displayName: 'Ada L.', disabled: true }).expect(200);
      const updated = await onlyEvent({ action: 'user.update', targetId: user.body.userId });
      expect(updated).toMatchObject({ actorUserId: root.userId, actorApiKeyId: keyIdOf(root), requestId: update.requestId });
      expect(updated.diff).toEqual({
        before: { displayName: 'Ada', disabled: false, disabledAt: null },
        after: { displayName: 'Ada L.', disabled: true, disabledAt: expect.any(Number) },
      });
    });

    it('records a key issued and revoked (once, however often it is revoked) without the raw key or its hash', async () => {
      const create = tracked(alice);
      const issued = await create.post('/v1/apikeys').send({ labels: { app: 'search' } }).expect(201);
      const keyId = issued.body.apiKey.apiKeyId as string;
      const revoke = tracked(alice);
      await revoke.delete(`/v1/apikeys/${keyId}`).expect(204);
      await as(t.server, alice).delete(`/v1/apikeys/${keyId}`).expect(204);

      const events = await eventsAs(root, { targetId: keyId });
      expect(events.map((event) => [event.action, event.requestId, event.targetOwnerId, event.actorUserId])).toEqual([
        ['apikey.revoke', revoke.requestId, alice.userId, alice.userId],
        ['apikey.create', create.requestId, alice.userId, alice.userId],
      ]);
      expect(events[0]!.diff).toEqual({ before: { revokedAt: null }, after: { revokedAt: expect.any(Number) } });
      expect(events[1]!.diff.after).toMatchObject({ apiKeyId: keyId, userId: alice.userId, labels: { app: 'search' } });

      const { secretHash } = await prisma().apiKey.findUniqueOrThrow({ where: { id: keyId } });
      const everything = JSON.stringify([events, await stored({ targetId: keyId })]);
      for (const secret of [issued.body.rawApiKey as string, parseApiKey(issued.body.rawApiKey)!.secret, secretHash]) {
        expect(everything).not.toContain(secret);
      }
    });

    it('records reranker create, PUT, PATCH and delete; a replaced secret shows as changed, never as itself', async () => {
      const first = 'sk-audit-first-secret-value-QZXW';
      const second = 'sk-audit-other-secret-value-QZXW';
      const create = tracked(alice);
      const id = (await create.post('/v1/rerankers').send(rerankerBody({ displayName: 'Audited', credentials: inlineCredentials(first) })).expect(201)).body
        .rerankerId as string;
      await tracked(alice).put(`/v1/rerankers/${id}`).send({ displayName: 'Audited (PUT)' }).expect(200);
      await tracked(alice).patch(`/v1/rerankers/${id}`).send({ credentials: inlineCredentials(second), mergeLabels: { tier: 'gold' } }).expect(200);
      await tracked(admin).delete(`/v1/rerankers/${id}`).expect(204);

      const events = (await eventsAs(root, { targetId: id })).reverse();
      expect(events.map((event) => [event.action, event.actorUserId, event.targetOwnerId])).toEqual([
        ['reranker.create', alice.userId, alice.userId],
        ['reranker.update', alice.userId, alice.userId],
        ['reranker.update', alice.userId, alice.userId],
        ['reranker.delete', admin.userId, alice.userId],
      ]);
      const [created, put, patched, deleted] = events.map((event) => event.diff);
      expect(created!.after).toMatchObject({
        rerankerId: id,
        displayName: 'Audited',
        credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { hasInlineSecret: true, secretHint: '[secret]' } },
      });
      expect(put).toEqual({ before: { displayName: 'Audited' }, after: { displayName: 'Audited (PUT)' } });
      expect(Object.keys(patched!.after!).sort()).toEqual(['credentials', 'labels']);
      expect(patched!.after).toMatchObject({ labels: { tier: 'gold' }, credentials: { apiKey: { secretHint: '[secret]' } } });
      expect(deleted).toMatchObject({ before: { rerankerId: id, displayName: 'Audited (PUT)' }, after: null });

      const everything = JSON.stringify([events, await stored({ targetId: id })]);
      for (const secret of [first, second, 'QZXW']) expect(everything).not.toContain(secret);
    });

    it('never stores inline AWS keys, not even the hint of the access key id', async () => {
      const keys = { accessKeyId: 'AKIAAUDITEXAMPLE7KEY', secretAccessKey: 'audit/secret/access/key/EXAMPLE', sessionToken: 'audit-session-token' };
      const id = await reranker(alice, {
        providerType: 'BEDROCK',
        modelIdentifier: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.rerank-v1:0',
        endpointUrl: 'https://bedrock-agent-runtime.us-east-1.amazonaws.com',
        credentials: { kind: 'CREDENTIAL_KIND_AWS_SIGV4', awsSigV4: { region: 'us-east-1', ...keys } },
      });
      const event = await onlyEvent({ targetId: id });
      expect(event.diff.after).toMatchObject({ credentials: { awsSigV4: { hasInlineKeys: true, accessKeyIdHint: '[secret]', hasSessionToken: true } } });
      const everything = JSON.stringify([event, await stored({ targetId: id })]);
      for (const secret of [...Object.values(keys), '7KEY']) expect(everything).not.toContain(secret);
    });

    it('records alias create, update and delete', async () => {
      const [a, b] = [await reranker(bob), await reranker(bob)];
      const name = `audited-${randomUUID().slice(0, 8)}`;
      const alias = (await as(t.server, bob).post('/v1/aliases').send({ name, targets: [{ rerankerId: a }] }).expect(201)).body.aliasId as string;
      await as(t.server, bob).patch(`/v1/aliases/${name}`).send({ targets: [{ rerankerId: b, weight: 2 }], description: 'to b' }).expect(200);
      await as(t.server, bob).delete(`/v1/aliases/${name}`).expect(204);

      const [deleted, updated, created] = await eventsAs(bob, { targetId: alias });
      expect(created).toMatchObject({ action: 'alias.create', targetType: 'alias', diff: { before: null, after: { name, targets: [{ rerankerId: a, weight: 1, priority: 0 }] } } });
      expect(updated!.action).toBe('alias.update');
      expect(updated!.diff).toEqual({
        before: { description: null, targets: [{ rerankerId: a, weight: 1, priority: 0 }] },
        after: { description: 'to b', targets: [{ rerankerId: b, weight: 2, priority: 0 }] },
      });
      expect(deleted).toMatchObject({ action: 'alias.delete', targetOwnerId: bob.userId, diff: { before: { name, description: 'to b' }, after: null } });
    });

    it('records limit and quota overrides of a user and of a key, with only the changed limits', async () => {
      const call = tracked(admin);
      await call.put(`/v1/limits/users/${bob.userId}`).send({ requestsPerMinute: 100, monthlyCost: 5 }).expect(200);
      await call.put(`/v1/limits/users/${bob.userId}`).send({ requestsPerMinute: null }).expect(200);
      await call.put(`/v1/limits/apikeys/${keyIdOf(bob)}`).send({ monthlyDocuments: 1000 }).expect(200);

      const [cleared, set] = await eventsAs(bob, { targetId: bob.userId, action: 'limits.update' });
      expect(set).toMatchObject({
        targetType: 'user',
        targetOwnerId: bob.userId,
        actorUserId: admin.userId,
        requestId: call.requestId,
        diff: { before: { requestsPerMinute: null, monthlyCost: null }, after: { requestsPerMinute: 100, monthlyCost: 5 } },
      });
      expect(cleared!.diff).toEqual({ before: { requestsPerMinute: 100 }, after: { requestsPerMinute: null } });
      const keyEvent = await onlyEvent({ targetId: keyIdOf(bob), action: 'limits.update' });
      expect(keyEvent).toMatchObject({ targetType: 'apikey', diff: { before: { monthlyDocuments: null }, after: { monthlyDocuments: 1000 } } });
    });

    it("records a forced delete and the change to each alias it was removed from, which the alias's owner sees", async () => {
      const shared = await reranker(bob);
      const other = await reranker(bob);
      const name = `forced-${randomUUID().slice(0, 8)}`;
      const alias = (await as(t.server, bob).post('/v1/aliases').send({ name, targets: [{ rerankerId: shared }, { rerankerId: other, priority: 1 }] }).expect(201))
        .body.aliasId as string;
      const force = tracked(admin);
      await force.delete(`/v1/rerankers/${shared}?force=true`).expect(204);

      const events = (await eventsAs(bob, { actorUserId: admin.userId })).filter((event) => [shared, alias].includes(event.targetId!));
      expect(events.map((event) => [event.action, event.targetId, event.requestId])).toEqual(
        expect.arrayContaining([
          ['reranker.delete', shared, force.requestId],
          ['alias.update', alias, force.requestId],
        ]),
      );
      expect(events.find((event) => event.action === 'alias.update')!.diff).toEqual({
        before: { targets: [{ rerankerId: shared, weight: 1, priority: 0 }, { rerankerId: other, weight: 1, priority: 1 }] },
        after: { targets: [{ rerankerId: other, weight: 1, priority: 1 }] },
      });
    });

    it('records each re-encryption of a secrets rotation, with no user or key and one request id for the run', async () => {
      const ids = [
        await reranker(bob, { credentials: inlineCredentials('sk-rotate-one-0000000001') }),
        await reranker(bob, { credentials: inlineCredentials('sk-rotate-two-0000000002') }),
      ];
      const rotated = AppConfig.fromEnv({ ...t.database.env, NODE_ENV: 'test', SECRETS_ENCRYPTION_KEY: `new:${KEY_NEW},old:${KEY_OLD}`, SECRETS_FINGERPRINT_KEY: FINGERPRINT_KEY });
      const tools = {
        rerankers: t.app.get(RerankersRepository),
        cipher: new CredentialCipher(rotated),
        transactions: t.app.get(Transactions),
        audit: t.app.get(AuditLog),
      };
      const result = await rotateCredentials(tools, commandLineActor());
      expect(result.rotated).toBeGreaterThanOrEqual(2);

      const events = await eventsAs(bob, { action: 'secrets.rotate' });
      expect(events.map((event) => event.targetId)).toEqual(expect.arrayContaining(ids));
      expect(new Set(events.map((event) => event.requestId)).size).toBe(1);
      for (const event of events) {
        expect(event).toMatchObject({ targetType: 'reranker', targetOwnerId: bob.userId, actorUserId: null, actorApiKeyId: null, clientAddress: null });
        expect(event.diff).toEqual({ before: { encryptionKeyId: 'old' }, after: { encryptionKeyId: 'new' } });
      }
      expect(await stored({ action: 'secrets.rotate' })).toHaveLength(result.rotated);
    });
  });

  describe('no event without its change', () => {
    async function expectNoNewEvent(change: () => Promise<unknown>): Promise<void> {
      const before = await prisma().auditEvent.count();
      await change();
      expect(await prisma().auditEvent.count()).toBe(before);
    }

    it('leaves none for a refused change: 409 duplicate, 400, 412, 409 in use, 404', async () => {
      const body = rerankerBody();
      await as(t.server, alice).post('/v1/rerankers').send(body).expect(201);
      const id = await reranker(alice);
      await as(t.server, alice).post('/v1/aliases').send({ name: `uses-${id}`, targets: [{ rerankerId: id }] }).expect(201);
      const { email } = (await as(t.server, root).get(`/v1/users/${bob.userId}`).expect(200)).body;
      await expectNoNewEvent(async () => {
        expectErrorModel(await as(t.server, alice).post('/v1/rerankers').send(body), 409, 'ALREADY_EXISTS');
        expectErrorModel(await as(t.server, alice).post('/v1/rerankers').send({ ...body, displayName: '' }), 400, 'INVALID_ARGUMENT');
        expectErrorModel(await as(t.server, alice).patch(`/v1/rerankers/${id}`).set('if-match', '"999.1"').send({ displayName: 'x' }), 412, 'PRECONDITION_FAILED');
        expectErrorModel(await as(t.server, alice).delete(`/v1/rerankers/${id}`), 409, 'IN_USE');
        expectErrorModel(await as(t.server, alice).delete(`/v1/rerankers/${randomUUID()}`), 404, 'NOT_FOUND');
        expectErrorModel(await as(t.server, root).post('/v1/users').send({ email, displayName: 'Again' }), 409, 'ALREADY_EXISTS');
        expectErrorModel(await as(t.server, alice).delete(`/v1/apikeys/${keyIdOf(bob)}`), 404, 'NOT_FOUND');
        expectErrorModel(await as(t.server, admin).put(`/v1/limits/users/${randomUUID()}`).send({ requestsPerMinute: 1 }), 404, 'NOT_FOUND');
        expectErrorModel(await as(t.server, admin).put(`/v1/limits/users/${bob.userId}`).send({ requestsPerMinute: -1 }), 400, 'INVALID_ARGUMENT');
      });
    });

    it('leaves none for an update that changes nothing: reranker PATCH and PUT, alias, user, limits', async () => {
      const id = await reranker(alice, { labels: { team: 'a' } });
      const name = `same-${randomUUID().slice(0, 8)}`;
      await as(t.server, alice).post('/v1/aliases').send({ name, description: 'kept', targets: [{ rerankerId: id }] }).expect(201);
      await as(t.server, admin).put(`/v1/limits/users/${alice.userId}`).send({ requestsPerMinute: 500 }).expect(200);
      const { displayName } = (await as(t.server, root).get(`/v1/users/${alice.userId}`).expect(200)).body;
      await expectNoNewEvent(async () => {
        await as(t.server, alice).patch(`/v1/rerankers/${id}`).send({ displayName: 'Test reranker' }).expect(200);
        await as(t.server, alice).patch(`/v1/rerankers/${id}`).send({}).expect(200);
        await as(t.server, alice).patch(`/v1/rerankers/${id}`).send({ mergeLabels: { team: 'a' } }).expect(200);
        await as(t.server, alice).put(`/v1/rerankers/${id}`).send({ displayName: 'Test reranker' }).expect(200);
        await as(t.server, alice).patch(`/v1/aliases/${name}`).send({ description: 'kept', targets: [{ rerankerId: id }] }).expect(200);
        await as(t.server, root).patch(`/v1/users/${alice.userId}`).send({ displayName }).expect(200);
        await as(t.server, admin).put(`/v1/limits/users/${alice.userId}`).send({ requestsPerMinute: 500 }).expect(200);
        await as(t.server, admin).put(`/v1/limits/users/${alice.userId}`).send({}).expect(200);
      });
      await as(t.server, alice).patch(`/v1/rerankers/${id}`).send({ displayName: 'changed' }).expect(200);
      expect((await eventsAs(alice, { targetId: id, action: 'reranker.update' })).map((event) => event.diff)).toEqual([
        { before: { displayName: 'Test reranker' }, after: { displayName: 'changed' } },
      ]);
    });

    it('leaves none when the transaction fails after the change was written (a label merge past the limit)', async () => {
      const labels = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v']));
      const id = await reranker(alice, { labels });
      await expectNoNewEvent(async () => {
        const res = await as(t.server, alice).patch(`/v1/rerankers/${id}`).send({ displayName: 'renamed', mergeLabels: { extra: 'v' } });
        expectErrorModel(res, 400, 'INVALID_ARGUMENT');
      });
      expect((await as(t.server, alice).get(`/v1/rerankers/${id}`).expect(200)).body.displayName).toBe('Test reranker');
    });

    it('commits no change whose event cannot be written', async () => {
      const audit = t.app.get(AuditLog);
      const failing = jest.spyOn(audit, 'record').mockRejectedValue(new Error('audit store unavailable'));
      const rerankerId = randomUUID();
      try {
        expect((await as(t.server, alice).post('/v1/rerankers').send(rerankerBody({ rerankerId }))).status).toBe(500);
        expect((await as(t.server, root).patch(`/v1/users/${bob.userId}`).send({ displayName: 'Never' })).status).toBe(500);
      } finally {
        failing.mockRestore();
      }
      await as(t.server, alice).get(`/v1/rerankers/${rerankerId}`).expect(404);
      expect((await as(t.server, root).get(`/v1/users/${bob.userId}`).expect(200)).body.displayName).not.toBe('Never');
    });
  });

  describe('GET /v1/audit-events', () => {
    it('shows admins every event and members only those on what they own or did', async () => {
      await reranker(alice);
      const all = await eventsAs(admin);
      expect(all).toHaveLength(await prisma().auditEvent.count());

      const mine = await eventsAs(alice);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((event) => event.targetOwnerId === alice.userId || event.actorUserId === alice.userId)).toBe(true);
      expect(mine.map((event) => event.action)).not.toContain('system.init');
      expect(mine.some((event) => event.targetOwnerId === bob.userId)).toBe(false);
      // Alice's user and first key were made by root: she sees that they were, not root's key or address.
      const madeForHer = mine.find((event) => event.action === 'user.create')!;
      expect(madeForHer).toMatchObject({ actorUserId: root.userId, actorApiKeyId: null, clientAddress: null });
      expect(all.find((event) => event.auditEventId === madeForHer.auditEventId)).toMatchObject({ actorApiKeyId: keyIdOf(root), clientAddress: expect.stringMatching(LOOPBACK) });
      expect(mine.filter((event) => event.actorUserId === alice.userId).every((event) => event.actorApiKeyId !== null)).toBe(true);
    });

    it('pages newest first with keyset tokens, every event once', async () => {
      const everything = await eventsAs(root);
      const seen: EventBody[] = [];
      let nextToken: string | undefined;
      do {
        const res = await as(t.server, root).get('/v1/audit-events').query({ pageSize: '3', ...(nextToken ? { nextToken } : {}) }).expect(200);
        expect(res.body.auditEvents.length).toBeLessThanOrEqual(3);
        seen.push(...res.body.auditEvents);
        nextToken = res.body.nextToken;
      } while (nextToken);
      expect(seen.map((event) => event.auditEventId)).toEqual(everything.map((event) => event.auditEventId));
      const times = seen.map((event) => event.occurredAt);
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it('filters by actor, key, target type, target id, action and time, all together', async () => {
      const key = (await as(t.server, bob).post('/v1/apikeys').send({}).expect(201)).body;
      const withNewKey: Actor = { ...bob, key: key.rawApiKey };
      const start = Date.now();
      const id = await reranker(withNewKey);
      await new Promise((resolve) => setTimeout(resolve, 5)); // the two events a few milliseconds apart, for the time window
      await as(t.server, withNewKey).patch(`/v1/rerankers/${id}`).send({ description: 'filtered' }).expect(200);

      const byKey = await eventsAs(root, { actorApiKeyId: key.apiKey.apiKeyId });
      expect(byKey.map((event) => event.action)).toEqual(['reranker.update', 'reranker.create']);
      expect(await eventsAs(root, { actorUserId: bob.userId, targetType: 'reranker', targetId: id, action: 'reranker.update' })).toHaveLength(1);
      expect(await eventsAs(root, { actorUserId: alice.userId, targetId: id })).toHaveLength(0);
      expect(await eventsAs(root, { targetType: 'alias', targetId: id })).toHaveLength(0);

      const inWindow = await eventsAs(root, { actorApiKeyId: key.apiKey.apiKeyId, from: String(byKey[1]!.occurredAt), to: String(byKey[0]!.occurredAt) });
      expect(inWindow.map((event) => event.action)).toEqual(['reranker.create']);
      expect(byKey.every((event) => event.occurredAt >= start - 1000)).toBe(true);
      expect(await eventsAs(root, { actorApiKeyId: key.apiKey.apiKeyId, to: String(start - 60_000) })).toHaveLength(0);
    });

    it('answers 400 for a bad filter or token, and 401 without a key', async () => {
      for (const query of [
        { action: 'reranker.explode' },
        { targetType: 'planet' },
        { targetId: 'not-a-uuid' },
        { actorUserId: 'x' },
        { from: '-1' },
        { from: '2000', to: '1000' },
        { nextToken: 'bm9wZQ' },
        { pageSize: '0' },
        { requestId: 'not-a-filter' },
      ]) {
        expectErrorModel(await as(t.server, root).get('/v1/audit-events').query(query), 400, 'INVALID_ARGUMENT');
      }
      expectErrorModel(await request(t.server).get('/v1/audit-events'), 401, 'UNAUTHENTICATED');
    });

    it('has no route that changes or deletes an event, and the table refuses any update', async () => {
      const [event] = await stored();
      for (const method of ['post', 'put', 'patch', 'delete'] as const) {
        const res = await as(t.server, root)[method](`/v1/audit-events/${event!.id}`).send({});
        expect(res.status).toBe(404);
        expect((await as(t.server, root)[method]('/v1/audit-events').send({})).status).toBe(404);
      }
      await expect(prisma().auditEvent.update({ where: { id: event!.id }, data: { action: 'user.create' } })).rejects.toThrow();
      expect(await prisma().auditEvent.findUniqueOrThrow({ where: { id: event!.id } })).toEqual(event);
    });
  });

  describe('retention', () => {
    const at = (daysAgo: number, now: number) => new Date(now - daysAgo * DAY);

    async function seed(now: number, daysAgo: number[]): Promise<string[]> {
      const ids = daysAgo.map(() => randomUUID());
      await prisma().auditEvent.createMany({
        data: ids.map((id, i) => ({ id, occurredAt: at(daysAgo[i]!, now), action: 'user.update', targetType: 'user', diff: { before: {}, after: {} } })),
      });
      return ids;
    }

    function retentionOf(days: number, now: number): AuditRetention {
      const config = { audit: { retentionDays: days } } as AppConfig;
      return new AuditRetention(t.app.get(AuditEventsRepository), config, t.app.get<Logger>(LOGGER), () => now);
    }

    it('deletes the events older than the retention period by its clock, and keeps the rest', async () => {
      // A clock 1000 days ahead: every event recorded so far is past a 30-day retention too.
      const now = Date.now() + 1000 * DAY;
      const [, , recent] = await seed(now, [31, 400, 29]);
      const count = await prisma().auditEvent.count();
      expect(await retentionOf(30, now).prune()).toBe(count - 1);
      expect((await stored()).map((event) => event.id)).toEqual([recent]);
    });

    it('keeps everything when AUDIT_RETENTION_DAYS is 0', async () => {
      const now = Date.now();
      await seed(now, [10_000]);
      const count = await prisma().auditEvent.count();
      expect(await retentionOf(0, now).prune()).toBe(0);
      expect(await prisma().auditEvent.count()).toBe(count);
    });
  });
});
