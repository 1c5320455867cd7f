import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('egress guard', () => {
  let upstream: FakeUpstream;
  let port: string;

  beforeAll(async () => {
    upstream = await FakeUpstream.start('TEI');
    port = new URL(upstream.url).port;
  });

  afterAll(async () => {
    await upstream.close();
  });

  beforeEach(() => upstream.clear());

  describe('with private ranges blocked (the default)', () => {
    let t: TestApp;
    let admin: Actor;

    beforeAll(async () => {
      t = await startTestApp();
      admin = await createActor(t.server, await initRoot(t.server), 'ADMIN');
    });

    afterAll(async () => {
      await t.close();
    });

    const register = (endpointUrl: string) =>
      as(t.server, admin).post('/v1/rerankers').send(rerankerBody({ providerType: 'TEI', endpointUrl }));

    it.each([
      'http://127.0.0.1:8080',
      'http://2130706433:8080',
      'http://0x7f.0.0.1:8080',
      'http://127.1:8080',
      'http://[::1]:8080',
      'http://[::ffff:127.0.0.1]:8080',
      'http://10.0.0.5',
      'http://192.168.1.10',
      'http://169.254.169.254/latest/meta-data',
      'http://[fe80::1]',
      'http://0.0.0.0:8080',
      'http://metadata.google.internal',
      // issue 9 item 10: IPv6 forms that embed a blocked or private IPv4, and the rest of IANA's registries
      'http://[64:ff9b::a9fe:a9fe]',
      'http://[64:ff9b::127.0.0.1]:8080',
      'http://[64:ff9b:1:a9fe:a9:fe00::]',
      'http://[2002:a9fe:a9fe::1]',
      'http://[2002:7f00:1::]:8080',
      'http://[::127.0.0.1]:8080',
      'http://[::169.254.169.254]',
      'http://[::ffff:0:127.0.0.1]:8080',
      'http://[2001:0:a9fe:a9fe::]',
      'http://[2001:0:808:808::80ff:fffe]',
      'http://[fec0::1]',
      'http://198.18.0.1',
      'http://192.0.2.10',
      'http://[2001:db8::1]',
    ])('refuses to register %s with 400', async (endpointUrl) => {
      const res = await register(endpointUrl).expect(400);
      expect(res.body.message).toMatch(/not reachable from this service/);
    });

    it('refuses to register a literal blocked address on update too', async () => {
      const created = await register('https://public.example.com').expect(201);
      await as(t.server, admin).patch(`/v1/rerankers/${created.body.rerankerId}`).send({ endpointUrl: 'http://127.0.0.1' }).expect(400);
    });

    it('blocks, at connect time, a name that resolves to loopback: 403 EGRESS_BLOCKED, nothing sent', async () => {
      const created = await register(`http://localhost:${port}`).expect(201);
      const res = await as(t.server, admin)
        .post(`/v1/rerankers/${created.body.rerankerId}/rerank`)
        .send({ query: 'q', documents: ['a'] })
        .expect(403);
      expect(res.body.code).toBe('EGRESS_BLOCKED');
      expect(res.body.message).toMatch(/localhost resolves to/);
      expect(upstream.requests).toHaveLength(0);
    });

    it('reports a blocked target in ping without reaching it', async () => {
      const created = await register(`http://localhost:${port}/other`).expect(201);
      const res = await as(t.server, admin).post(`/v1/rerankers/${created.body.rerankerId}/ping`).expect(200);
      expect(res.body).toMatchObject({ ok: false, httpStatus: null, errorMessage: expect.stringMatching(/resolves to/) });
      expect(upstream.requests).toHaveLength(0);
    });
  });

  describe('with EGRESS_ALLOW_CIDRS', () => {
    let t: TestApp;
    let member: Actor;

    beforeAll(async () => {
      t = await startTestApp({ EGRESS_ALLOW_CIDRS: '127.0.0.0/8' });
      member = await createActor(t.server, await initRoot(t.server));
    });

    afterAll(async () => {
      await t.close();
    });

    it('reaches an allowed private range and still refuses the others', async () => {
      const created = await as(t.server, member)
        .post('/v1/rerankers')
        .send(rerankerBody({ providerType: 'TEI', endpointUrl: upstream.url }))
        .expect(201);
      await as(t.server, member)
        .post(`/v1/rerankers/${created.body.rerankerId}/rerank`)
        .send({ query: 'q', documents: ['a score=0.3'] })
        .expect(200);
      expect(upstream.requests).toHaveLength(1);
      await as(t.server, member).post('/v1/rerankers').send(rerankerBody({ endpointUrl: 'http://10.1.2.3' })).expect(400);
    });
  });
});
