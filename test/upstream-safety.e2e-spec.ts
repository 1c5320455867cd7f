import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream, type Fault } from './support/fake-upstream.js';
import { SECRET_ENCODINGS } from './support/secret-encodings.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SECRET = `sk-echo_${randomBytes(12).toString('hex')}`;
const ENV_SECRET = `env-secret-${randomBytes(12).toString('hex')}`;
const ENV_SECRET_NAME = `RERANKER_SECRET_ECHO_${randomBytes(4).toString('hex').toUpperCase()}`;
const TENANT = 'tenant-7f3a9c21';
const BROKEN_SECRET_NAME = `RERANKER_SECRET_BROKEN_${randomBytes(4).toString('hex').toUpperCase()}`;

/** Issue 9 items 1 (secret scrubbing), 11 (header rules), 12 (breaker outcomes) and 15 (memory bounds). */
describe('upstream safety', () => {
  let t: TestApp;
  let admin: Actor;
  let alice: Actor;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    process.env[ENV_SECRET_NAME] = ENV_SECRET;
    process.env[BROKEN_SECRET_NAME] = 'sk-with-a-newline\n';
    t = await startTestApp({
      LOG_LEVEL: 'debug',
      EGRESS_ALLOW_PRIVATE: 'true',
      UPSTREAM_MAX_RETRIES: '0',
      CIRCUIT_FAILURE_THRESHOLD: '2',
      CIRCUIT_COOLDOWN_MS: '300',
      // One answer may take all but the eighth of the budget kept for small answers.
      UPSTREAM_MAX_RESPONSE_BYTES: String(3.5 * 1024 * 1024),
      UPSTREAM_MAX_BUFFERED_BYTES: String(4 * 1024 * 1024),
      UPSTREAM_MAX_IN_FLIGHT: '6',
      // One member's calls may take the whole budget here: the service's own shedding is what these tests see.
      UPSTREAM_MAX_IN_FLIGHT_PER_USER: '6',
      UPSTREAM_MAX_IN_FLIGHT_PER_KEY: '6',
    });
    const root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    alice = await createActor(t.server, root);
    upstream = await FakeUpstream.start('OPENAI');
  });

  afterAll(async () => {
    await t.close();
    await upstream.close();
    delete process.env[ENV_SECRET_NAME];
    delete process.env[BROKEN_SECRET_NAME];
  });

  beforeEach(() => upstream.clear());

  async function register(overrides: Record<string, unknown> = {}, owner = alice, target = upstream): Promise<string> {
    const res = await as(t.server, owner)
      .post('/v1/rerankers')
      .send(
        rerankerBody({
          providerType: target.format,
          endpointUrl: target.url,
          modelIdentifier: `model-${randomUUID().slice(0, 6)}`,
          credentials: inlineCredentials(SECRET),
          extraHeaders: { 'X-Tenant': TENANT },
          ...overrides,
        }),
      )
      .expect(201);
    return res.body.rerankerId;
  }

  const rerank = (id: string, actor = alice) => as(t.server, actor).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: ['a', 'b'] });

  describe('secrets in upstream text', () => {
    const expectScrubbed = (body: unknown, secret = SECRET) => {
      const text = JSON.stringify(body);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(TENANT);
      expect(text).toContain('[REDACTED]');
    };

    it.each<[number, 'json' | 'text', number, string]>([
      [401, 'json', 502, 'UPSTREAM_ERROR'],
      [400, 'text', 502, 'UPSTREAM_ERROR'],
      [500, 'json', 502, 'UPSTREAM_ERROR'],
      [429, 'json', 429, 'UPSTREAM_RATE_LIMITED'],
    ])('an upstream %i echoing our headers (%s) never hands the credential to the caller of rerank', async (status, as_, expected, code) => {
      const id = await register();
      upstream.fail({ kind: 'echo-headers', status, as: as_ });
      const res = await rerank(id).expect(expected);
      expect(res.body.code).toBe(code);
      expect(res.body.message).toMatch(/rejected request with headers/);
      expectScrubbed(res.body);
      expect(upstream.requests[0]!.headers.authorization).toBe(`Bearer ${SECRET}`);
    });

    it('ping reports the echoed error without the credential', async () => {
      const id = await register();
      upstream.fail({ kind: 'echo-headers', status: 403, as: 'json' });
      const res = await as(t.server, alice).post(`/v1/rerankers/${id}/ping`).expect(200);
      expect(res.body).toMatchObject({ ok: false, httpStatus: 403 });
      expectScrubbed(res.body);
    });

    it.each(['/v1/rerank', '/rerank', '/v2/rerank'])('the compat route %s reports the echoed error without the credential', async (path) => {
      const id = await register();
      upstream.fail({ kind: 'echo-headers', status: 401, as: 'json' });
      const res = await request(t.server)
        .post(path)
        .set('authorization', `Bearer ${alice.key}`)
        .send({ model: id, query: 'q', documents: ['a'] })
        .expect(502);
      expectScrubbed(res.body);
    });

    it('a server secret (env://) echoed to an admin is scrubbed too, with its custom header', async () => {
      const id = await register(
        { credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: `env://${ENV_SECRET_NAME}` }, headerName: 'X-Api-Key', prefix: '' } } },
        admin,
      );
      upstream.fail({ kind: 'echo-headers', status: 401, as: 'text' });
      const res = await rerank(id, admin).expect(502);
      expect(upstream.requests[0]!.headers['x-api-key']).toBe(ENV_SECRET);
      expectScrubbed(res.body, ENV_SECRET);
    });

    it('a usage block that carries the credential comes back scrubbed', async () => {
      const id = await register();
      const encoded = Buffer.from(`user:${SECRET}`).toString('base64');
      upstream.fail({ kind: 'status', status: 200, body: { results: [{ index: 0, relevance_score: 0.5 }], usage: { total_tokens: 3, note: `Bearer ${SECRET} / Basic ${encoded}` } } });
      const res = await rerank(id).expect(200);
      expect(res.body.usage.total_tokens).toBe(3);
      expect(res.body.usage.note).not.toContain(SECRET);
      expect(res.body.usage.note).not.toContain(encoded.slice(8, 30));
    });

    describe('an upstream that echoes the credential in any encoding (issue 19 item 13)', () => {
      const expectNoTrace = (body: unknown, secret: string) => {
        const text = JSON.stringify(body);
        for (const [, encode] of SECRET_ENCODINGS) expect(text).not.toContain(encode(secret).slice(-12));
        expect(text.toLowerCase()).not.toContain(secret.slice(4, 14).toLowerCase());
      };

      it.each(SECRET_ENCODINGS)("a member never reads an admin's server secret from the 502, %s: status only", async (_encoding, encode) => {
        const id = await register(
          { ownerId: alice.userId, credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: `env://${ENV_SECRET_NAME}` } } } },
          admin,
        );
        upstream.fail({ kind: 'echo-credential', status: 401, encode });
        const res = await rerank(id, alice).expect(502);
        expect(res.body).toMatchObject({ code: 'UPSTREAM_ERROR', details: { upstreamStatus: 401 } });
        expect(res.body.message).toMatch(/answered 401: its message is shown only to whoever could supply the reranker's credential/);
        expectNoTrace(res.body, ENV_SECRET);
      });

      it.each(SECRET_ENCODINGS)('whoever could supply it reads the scrubbed text, never the encoded secret, %s', async (_encoding, encode) => {
        const id = await register({ credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: `env://${ENV_SECRET_NAME}` } } } }, admin);
        upstream.fail({ kind: 'echo-credential', status: 401, encode });
        const res = await rerank(id, admin).expect(502);
        // Cut out where it came back as sent (a lower-case secret lower-cased), else withheld whole.
        expect(res.body.message).toMatch(/answered 401: (\[withheld: the text held what looks like a secret we sent\]|unknown key \[REDACTED\])$/);
        expectNoTrace(res.body, ENV_SECRET);
      });

      it("an inline key an admin set on a member's reranker: the member reads the status, ping and rerank alike", async () => {
        const id = await register({ ownerId: alice.userId }, admin);
        upstream.fail({ kind: 'echo-credential', status: 403, encode: (secret) => secret.toUpperCase() });
        const rerankRes = await rerank(id, alice).expect(502);
        expect(rerankRes.body.details).toMatchObject({ upstreamStatus: 403 });
        const ping = await as(t.server, alice).post(`/v1/rerankers/${id}/ping`).expect(200);
        expect(ping.body).toMatchObject({ ok: false, httpStatus: 403, errorMessage: expect.stringMatching(/shown only to whoever could supply/) });
        for (const body of [rerankRes.body, ping.body]) expectNoTrace(body, SECRET);
      });
    });

    it('no log line ever held a credential (run after the echo tests)', () => {
      expect(t.logs.lines.length).toBeGreaterThan(0);
      expect(t.logs.text).not.toContain(SECRET);
      expect(t.logs.text).not.toContain(ENV_SECRET);
    });
  });

  describe('header rules at registration', () => {
    const withApiKey = (apiKey: Record<string, unknown>) => ({ credentials: inlineCredentials('sk-valid-secret', apiKey) });

    const refused: Array<[string, Record<string, unknown>, RegExp]> = [
      ...['Host', 'Cookie', 'Content-Type', 'Content-Length', 'Transfer-Encoding', 'Connection', 'Upgrade', 'Expect', 'TE', 'Trailer', 'Keep-Alive', 'Proxy-Authorization', 'constructor', 'prototype', 'hasOwnProperty'].map(
        (name): [string, Record<string, unknown>, RegExp] => [`headerName ${name}`, withApiKey({ headerName: name }), /credentials\.apiKey\.headerName/],
      ),
      ['a prefix with NUL', withApiKey({ prefix: 'Bearer\u0000' }), /credentials\.apiKey\.prefix/],
      ['a prefix beyond Latin-1', withApiKey({ prefix: 'Bearer \u0100' }), /credentials\.apiKey\.prefix/],
      ['a secret with a control character', withApiKey({ inlineSecret: 'sk-\u0007bell' }), /credentials\.apiKey\.inlineSecret/],
      ['a secret with DEL', withApiKey({ inlineSecret: 'sk-\u007fdel' }), /credentials\.apiKey\.inlineSecret/],
      ['a secret with a C1 control', withApiKey({ inlineSecret: 'sk-\u0085nel' }), /credentials\.apiKey\.inlineSecret/],
      ['a secret beyond Latin-1', withApiKey({ inlineSecret: 'sk-\u2028line' }), /credentials\.apiKey\.inlineSecret/],
      ['a secret with a lone surrogate', withApiKey({ inlineSecret: 'sk-\ud800' }), /credentials\.apiKey\.inlineSecret/],
      // (`constructor` and `prototype` keys never reach validation: Nest's ValidationPipe strips them from bodies)
      ...['Host', 'Cookie', 'Content-Type', 'Content-Length', 'Transfer-Encoding', 'Connection', 'Upgrade', 'Expect', 'TE', 'Trailer', 'Keep-Alive', 'Proxy-Connection', 'toString', 'hasOwnProperty', 'valueOf'].map(
        (name): [string, Record<string, unknown>, RegExp] => [`extraHeaders ${name}`, { extraHeaders: { [name]: 'x' } }, /extraHeaders/],
      ),
      ['an extra header value with a line break', { extraHeaders: { 'X-Team': 'a\r\nInjected: 1' } }, /extraHeaders/],
      ['an extra header value beyond Latin-1', { extraHeaders: { 'X-Team': 'caf\u00e9 \u20ac' } }, /extraHeaders/],
    ];

    it.each(refused)('refuses %s on create with 400 naming the field', async (_what, fields, field) => {
      const res = await as(t.server, alice)
        .post('/v1/rerankers')
        .send(rerankerBody({ providerType: 'OPENAI', endpointUrl: upstream.url, ...fields }))
        .expect(400);
      expect(res.body.code).toBe('INVALID_ARGUMENT');
      expect(res.body.message).toMatch(field);
    });

    it.each(refused)('refuses %s on update with 400 naming the field', async (_what, fields, field) => {
      const id = await register();
      const res = await as(t.server, alice).patch(`/v1/rerankers/${id}`).send(fields).expect(400);
      expect(res.body.code).toBe('INVALID_ARGUMENT');
      expect(res.body.message).toMatch(field);
    });

    it('a server secret (env://) that is no valid header value fails each call with 503, naming no secret, and opens no circuit', async () => {
      const id = await register({ credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: `env://${BROKEN_SECRET_NAME}` } } } }, admin);
      for (let i = 0; i < 3; i++) {
        const res = await rerank(id, admin).expect(503);
        expect(res.body.code).toBe('UNAVAILABLE');
        expect(res.body.message).toMatch(/cannot be sent as configured/);
        expect(JSON.stringify(res.body)).not.toContain('sk-with-a-newline');
      }
      expect(upstream.requests).toHaveLength(0);
    });

    it('accepts Latin-1 values and custom credential headers, and sends them as registered', async () => {
      const id = await register({ credentials: inlineCredentials('sk-valid-secret', { headerName: 'X-Api-Key', prefix: 'Tok\u00e9n ' }), extraHeaders: { 'X-Team': 'caf\u00e9' } });
      await rerank(id).expect(200);
      const sent = upstream.requests[0]!.headers;
      expect(Buffer.from(sent['x-api-key'] as string, 'latin1').toString('latin1')).toBe('Tok\u00e9n sk-valid-secret');
      expect(sent['x-team']).toBe('caf\u00e9');
    });
  });

  describe('breaker outcomes', () => {
    async function openCircuit(id: string): Promise<void> {
      upstream.fail({ kind: 'status', status: 503 }, 2);
      await rerank(id).expect(502);
      await rerank(id).expect(502);
      const open = await rerank(id).expect(503);
      expect(open.body.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(Number(open.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      await sleep(350);
    }

    it.each<[string, Fault, number]>([
      ['a 400', { kind: 'status', status: 400 }, 502],
      ['a 401', { kind: 'status', status: 401 }, 502],
      ['a 429', { kind: 'status', status: 429 }, 429],
    ])('a half-open probe answered with %s closes the circuit instead of leaving it open forever', async (_what, fault, status) => {
      const id = await register();
      await openCircuit(id);
      upstream.fail(fault, 1);
      await rerank(id).expect(status);
      await rerank(id).expect(200);
    });

    it('a probe that fails re-opens the circuit', async () => {
      const id = await register();
      await openCircuit(id);
      upstream.fail({ kind: 'status', status: 500 }, 1);
      await rerank(id).expect(502);
      expect((await rerank(id).expect(503)).body.code).toBe('UPSTREAM_UNAVAILABLE');
    });
  });

  describe('memory bounds and load shedding', () => {
    let endless: FakeUpstream;
    let trickle: FakeUpstream;

    beforeAll(async () => {
      endless = await FakeUpstream.start('OPENAI');
      endless.fail({ kind: 'endless', chunkBytes: 64 * 1024, intervalMs: 5 });
      trickle = await FakeUpstream.start('OPENAI');
      trickle.fail({ kind: 'endless', chunkBytes: 1, intervalMs: 50 });
    });

    afterAll(async () => {
      await endless.close();
      await trickle.close();
    });

    it('sheds answers that grow without end (503 + Retry-After) while ordinary calls keep working', async () => {
      // A reranker per loop, so no circuit opens and all four keep streaming at once.
      const floods = await Promise.all(Array.from({ length: 4 }, () => register({}, alice, endless)));
      const normal = await register();
      const until = Date.now() + 1_500;
      const floodStatuses: Array<{ status: number; code: string; retryAfter?: string }> = [];
      const floodLoop = async (flood: string) => {
        while (Date.now() < until) {
          const res = await rerank(flood);
          floodStatuses.push({ status: res.status, code: res.body.code, retryAfter: res.headers['retry-after'] });
        }
      };
      const normalStatuses: number[] = [];
      const normalLoop = async () => {
        while (Date.now() < until) normalStatuses.push((await rerank(normal)).status);
      };
      await Promise.all([...floods.map(floodLoop), normalLoop()]);

      expect(normalStatuses.length).toBeGreaterThan(0);
      expect(normalStatuses.every((status) => status === 200)).toBe(true);
      const shed = floodStatuses.filter((entry) => entry.status === 503 && entry.code === 'UNAVAILABLE');
      expect(shed.length).toBeGreaterThan(0);
      expect(shed.every((entry) => entry.retryAfter === '1')).toBe(true);
      expect(floodStatuses.every((entry) => entry.status >= 502)).toBe(true);
    });

    it('sheds calls beyond UPSTREAM_MAX_IN_FLIGHT with 503 + Retry-After, then serves again', async () => {
      const slow = await register({ requestTimeoutMs: 1_500 }, alice, trickle);
      const normal = await register();
      const hogs = Array.from({ length: 6 }, () => rerank(slow).then((res) => res.status));
      await sleep(300);
      const refused = await rerank(normal).expect(503);
      expect(refused.body.code).toBe('UNAVAILABLE');
      expect(refused.headers['retry-after']).toBe('1');
      expect(await Promise.all(hogs)).toEqual(Array(6).fill(504));
      await rerank(normal).expect(200);
    });
  });
});
