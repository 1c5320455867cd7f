import { createServer } from 'node:net';
import request from 'supertest';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('metrics and timing headers', () => {
  let t: TestApp;
  let admin: Actor;
  let member: Actor;
  let upstream: FakeUpstream;
  let metricsPort: number;

  beforeAll(async () => {
    metricsPort = await freePort();
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', METRICS_PORT: String(metricsPort) });
    const root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    member = await createActor(t.server, root);
    upstream = await FakeUpstream.start('COHERE');
  });

  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  it('reports time spent in the service apart from the upstream', async () => {
    const created = await as(t.server, member).post('/v1/rerankers').send(rerankerBody({ endpointUrl: upstream.url })).expect(201);
    // Long enough that the service's own time stays below it even on a loaded CI machine.
    upstream.fail({ kind: 'slow', delayMs: 400 }, 1);
    const res = await as(t.server, member)
      .post(`/v1/rerankers/${created.body.rerankerId}/rerank`)
      .send({ query: 'q', documents: ['a score=0.1', 'b score=0.2'] })
      .expect(200);
    const overhead = Number(res.headers['x-rerank-overhead-ms']);
    expect(overhead).toBeGreaterThanOrEqual(0);
    expect(overhead).toBeLessThan(res.body.meta.upstreamLatencyMs);
    expect(res.headers['server-timing']).toMatch(/^upstream;dur=\d+\.\d{3}, overhead;dur=\d+\.\d{3}$/);

    const v2 = await as(t.server, member)
      .post('/v2/rerank')
      .send({ model: created.body.rerankerId, query: 'q', documents: ['a'] })
      .expect(200);
    expect(v2.headers['x-rerank-overhead-ms']).toBeDefined();
  });

  it('serves Prometheus metrics to admins only', async () => {
    await as(t.server, member).get('/metrics').expect(403);
    await request(t.server).get('/metrics').expect(401);
    const res = await as(t.server, admin).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(/http_requests_total\{route="\/v1\/rerankers\/:id\/rerank",method="POST",status="200"\} 1/);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{/);
    expect(res.text).toMatch(/upstream_request_duration_seconds_count\{provider="COHERE",outcome="ok"\} 2/);
    expect(res.text).toMatch(/cache_api_key_hit_ratio \d/);
    expect(res.text).toMatch(/cache_reranker_lookups\{result="hit"\} 1/);
    expect(res.text).toMatch(/circuit_breakers\{state="open"\} 0/);
    expect(res.text).toMatch(/process_resident_memory_bytes/);
  });

  it('counts retries by provider', async () => {
    const created = await as(t.server, member).post('/v1/rerankers').send(rerankerBody({ endpointUrl: `${upstream.url}/retry` })).expect(201);
    upstream.fail({ kind: 'status', status: 503 }, 1);
    await as(t.server, member).post(`/v1/rerankers/${created.body.rerankerId}/rerank`).send({ query: 'q', documents: ['a'] }).expect(200);
    const res = await as(t.server, admin).get('/metrics').expect(200);
    expect(res.text).toMatch(/upstream_retries_total\{provider="COHERE"\} 1/);
  });

  it('also serves them without a key on METRICS_PORT', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('http_requests_total');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
  });
});
