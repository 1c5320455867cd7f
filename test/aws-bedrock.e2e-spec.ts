import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeBedrock } from './support/fake-bedrock.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * AWS SigV4 credentials and the BEDROCK provider end to end: every request the fake gets
 * is verified by an independent SigV4 implementation. The server's own identity comes from
 * the AWS SDK's default chain, here its environment step (AWS_ACCESS_KEY_ID, ...).
 */
const ARN = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.rerank-v1:0';
const MEMBER_KEYS = { accessKeyId: 'AKIAMEMBER0000000001', secretAccessKey: 'member/secret/0123456789abcdefghijklmnopq' };
const TEMPORARY_KEYS = { accessKeyId: 'ASIATEMPORARY0000001', secretAccessKey: 'temporary/secret/0123456789abcdefghijk', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE-session-token-0123456789' };
const SERVER_KEYS = { accessKeyId: 'AKIASERVER0000000001', secretAccessKey: 'server/secret/0123456789abcdefghijklmnopq' };
const docs = (...scores: number[]) => scores.map((score, i) => `document ${i} score=${score}`);

describe('AWS SigV4 credentials and BEDROCK', () => {
  let t: TestApp;
  let root: Actor;
  let admin: Actor;
  let alice: Actor;
  let bedrock: FakeBedrock;
  const AWS_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;
  const savedEnv = Object.fromEntries(AWS_ENV.map((name) => [name, process.env[name]]));

  beforeAll(async () => {
    bedrock = await FakeBedrock.start([MEMBER_KEYS, TEMPORARY_KEYS, SERVER_KEYS]);
    for (const name of AWS_ENV) delete process.env[name];
    process.env.AWS_ACCESS_KEY_ID = SERVER_KEYS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = SERVER_KEYS.secretAccessKey;
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', RERANK_MAX_DOCUMENTS: '2000' });
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    alice = await createActor(t.server, root);
  });

  afterAll(async () => {
    await t.close();
    await bedrock.close();
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  beforeEach(() => bedrock.clear());

  async function register(by: Actor, awsSigV4: Record<string, unknown>, overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await as(t.server, by)
      .post('/v1/rerankers')
      .send(rerankerBody({ providerType: 'BEDROCK', endpointUrl: bedrock.url, modelIdentifier: ARN, credentials: { kind: 'CREDENTIAL_KIND_AWS_SIGV4', awsSigV4 }, ...overrides }))
      .expect(201);
    return res.body.rerankerId;
  }

  const rerank = (by: Actor, id: string, body: Record<string, unknown>) => as(t.server, by).post(`/v1/rerankers/${id}/rerank`).send(body);

  it("lets a member use their own keys: sealed, never returned, every request signed over its body", async () => {
    const id = await register(alice, { ...MEMBER_KEYS, region: 'us-east-1' });
    const shown = await as(t.server, alice).get(`/v1/rerankers/${id}`).expect(200);
    expect(shown.body.credentials).toEqual({
      kind: 'CREDENTIAL_KIND_AWS_SIGV4',
      awsSigV4: { region: 'us-east-1', service: 'bedrock', hasInlineKeys: true, accessKeyIdHint: '…0001', hasSessionToken: false },
    });
    expect(JSON.stringify(shown.body)).not.toContain(MEMBER_KEYS.secretAccessKey);

    const scores = Array.from({ length: 1500 }, (_, i) => ((i * 7919) % 1500) / 1500);
    const res = await rerank(alice, id, { query: 'q', documents: docs(...scores), topN: 2 }).expect(200);
    const best = scores.map((score, index) => ({ index, score })).sort((a, b) => b.score - a.score).slice(0, 2);
    expect(res.body.results.map((r: { index: number; relevanceScore: number }) => ({ index: r.index, score: r.relevanceScore }))).toEqual(best);
    expect(bedrock.requests.map((r) => r.body.sources!.length).sort((a, b) => a - b)).toEqual([500, 1000]);
    for (const request of bedrock.requests) {
      expect(request.path).toBe('/rerank');
      expect(request.headers.authorization).toContain(`Credential=${MEMBER_KEYS.accessKeyId}/`);
      expect(request.body.rerankingConfiguration).toEqual({
        type: 'BEDROCK_RERANKING_MODEL',
        bedrockRerankingConfiguration: { numberOfResults: 2, modelConfiguration: { modelArn: ARN } },
      });
    }
    expect(new Set(bedrock.requests.map((r) => r.headers.authorization)).size).toBe(2);
  });

  it('signs with temporary keys and their session token', async () => {
    const id = await register(alice, { ...TEMPORARY_KEYS, region: 'us-east-1' });
    await rerank(alice, id, { query: 'q', documents: docs(0.2, 0.8) }).expect(200);
    expect(bedrock.requests[0]!.headers['x-amz-security-token']).toBe(TEMPORARY_KEYS.sessionToken);
  });

  it('answers AWS errors with their message, and never the keys', async () => {
    const wrong = await register(alice, { accessKeyId: MEMBER_KEYS.accessKeyId, secretAccessKey: 'not-the-secret', region: 'us-east-1' });
    const denied = await rerank(alice, wrong, { query: 'q', documents: docs(0.5) }).expect(502);
    expect(denied.body).toMatchObject({ code: 'UPSTREAM_ERROR', details: { upstreamStatus: 403 } });
    expect(denied.body.message).toContain('The request signature we calculated does not match');

    const id = await register(alice, { ...MEMBER_KEYS, region: 'us-east-1' }, { modelIdentifier: `${ARN}-throttled` });
    for (let attempt = 0; attempt < 3; attempt++) bedrock.failNext(429, 'ThrottlingException', `Too many requests for ${MEMBER_KEYS.secretAccessKey}`);
    const limited = await rerank(alice, id, { query: 'q', documents: docs(0.5) }).expect(429);
    expect(limited.body.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(limited.body.message).toContain('Too many requests for [REDACTED]');
  });

  it("refuses half a key pair, a session token without keys, and the server's chain to members", async () => {
    const refused = async (awsSigV4: Record<string, unknown>, status: number, message: RegExp) => {
      const res = await as(t.server, alice)
        .post('/v1/rerankers')
        .send(rerankerBody({ providerType: 'BEDROCK', endpointUrl: bedrock.url, modelIdentifier: ARN, credentials: { kind: 'CREDENTIAL_KIND_AWS_SIGV4', awsSigV4 } }))
        .expect(status);
      expect(res.body.message).toMatch(message);
    };
    await refused({ accessKeyId: MEMBER_KEYS.accessKeyId, region: 'us-east-1' }, 400, /both accessKeyId and secretAccessKey/);
    await refused({ sessionToken: 'x', region: 'us-east-1' }, 400, /sessionToken goes with/);
    await refused({ region: 'moon-1' }, 400, /region must be an AWS region/);
    await refused({ region: 'us-east-1' }, 403, /USE_SERVER_IDENTITY/);
  });

  it("signs with the server's default chain for an admin's registration, which the member may use but not redirect", async () => {
    const id = await register(admin, { region: 'us-east-1' }, { ownerId: alice.userId });
    const shown = await as(t.server, alice).get(`/v1/rerankers/${id}`).expect(200);
    expect(shown.body.credentials.awsSigV4).toEqual({ region: 'us-east-1', service: 'bedrock', hasInlineKeys: false });
    await rerank(alice, id, { query: 'q', documents: docs(0.1, 0.9) }).expect(200);
    expect(bedrock.requests[0]!.headers.authorization).toContain(`Credential=${SERVER_KEYS.accessKeyId}/`);
    await as(t.server, alice).patch(`/v1/rerankers/${id}`).send({ endpointUrl: 'http://127.0.0.1:9/collect' }).expect(403);
  });

  it('refuses extraHeaders that a signature sets', async () => {
    const res = await as(t.server, alice)
      .post('/v1/rerankers')
      .send(
        rerankerBody({
          providerType: 'BEDROCK',
          endpointUrl: bedrock.url,
          modelIdentifier: ARN,
          credentials: { kind: 'CREDENTIAL_KIND_AWS_SIGV4', awsSigV4: { ...MEMBER_KEYS, region: 'us-east-1' } },
          extraHeaders: { 'X-Amz-Date': '20260101T000000Z' },
        }),
      )
      .expect(400);
    expect(res.body.message).toContain('X-Amz-Date');
  });
});
