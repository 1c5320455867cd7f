import request from 'supertest';
import { DATABASE_ENGINE, type DatabaseEngine } from '../src/database/database-engine.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('health, docs, errors, request ids', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: '2048' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers liveness and readiness publicly', async () => {
    await request(t.server).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(t.server).get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ready', database: t.database.kind, rateLimitStore: 'in-process' });
  });

  it('serves the OpenAPI document and Swagger UI without fetching anything', async () => {
    const doc = await request(t.server).get('/openapi.json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
    const ui = await request(t.server).get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('answers an unknown route with 404 NOT_FOUND in the error model', async () => {
    const res = await request(t.server).get('/v1/nothing-here').expect(404);
    expect(res.body).toEqual({
      code: 'NOT_FOUND',
      message: 'Route not found',
      detail: 'Route not found',
      requestId: res.headers['x-request-id'],
      error: { message: 'Route not found', type: 'not_found_error', code: 'NOT_FOUND', param: null },
    });
  });

  it('rejects malformed JSON with 400 INVALID_ARGUMENT', async () => {
    const res = await request(t.server)
      .post('/v1/system/init')
      .set('content-type', 'application/json')
      .send('{"not": json')
      .expect(400);
    expect(res.body.code).toBe('INVALID_ARGUMENT');
    expect(res.body.message).toMatch(/JSON/);
  });

  it('rejects a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await request(t.server)
      .post('/v1/system/init')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ padding: 'x'.repeat(4096) }))
      .expect(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('honours a sane incoming x-request-id and replaces an unsafe one', async () => {
    const kept = await request(t.server).get('/healthz').set('x-request-id', 'trace-abc.123').expect(200);
    expect(kept.headers['x-request-id']).toBe('trace-abc.123');
    const replaced = await request(t.server).get('/healthz').set('x-request-id', 'bad id\twith"quotes').expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one structured line per request with id, method, route, status and latency', async () => {
    await request(t.server).get('/healthz').set('x-request-id', 'log-probe-1').expect(200);
    const line = t.logs.lines.map((l) => JSON.parse(l)).find((entry) => entry.reqId === 'log-probe-1');
    expect(line).toMatchObject({ method: 'GET', route: '/healthz', status: 200 });
    expect(typeof line.latencyMs).toBe('number');
  });
});

describe('readiness when the database is gone', () => {
  it('answers /readyz with 503 UNAVAILABLE while /healthz stays up', async () => {
    const t = await startTestApp();
    try {
      await takeDatabaseAway(t);
      const res = await request(t.server).get('/readyz').expect(503);
      expect(res.body.code).toBe('UNAVAILABLE');
      await request(t.server).get('/healthz').expect(200);
    } finally {
      await t.stop().catch(() => undefined);
    }
  });
});

/** PostgreSQL: the database is dropped under the app. Embedded: its PGlite is shut. */
async function takeDatabaseAway(t: TestApp): Promise<void> {
  if (t.database.kind === 'postgres') {
    await t.database.drop();
  } else {
    await t.app.get<DatabaseEngine>(DATABASE_ENGINE).close();
  }
}
