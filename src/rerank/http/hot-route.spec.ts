import Fastify from 'fastify';
import type { Logger } from 'pino';
import { Principal } from '../../auth/principal.js';
import type { RequestAuthenticator } from '../../auth/request-authenticator.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ajv } from '../../common/validation/validated-body.js';
import { clientGone, hotRouteOperations, registerHotRoutes, type HotRoute } from './hot-route.js';

class Answer {}
const anyBody = { schema: { type: 'object' }, validate: ajv.compile<object>({ type: 'object' }) };
const silent = { error: () => undefined } as unknown as Logger;

/** Accepts any key it finds in x-api-key or the route's key header, and remembers which header. */
class FakeAuthenticator {
  readonly headers: Array<string | undefined> = [];

  async authenticate(request: { headers: Record<string, unknown> }, keyHeader?: string): Promise<Principal> {
    this.headers.push(keyHeader);
    if (!request.headers['x-api-key'] && !(keyHeader && request.headers[keyHeader])) throw DomainError.unauthenticated();
    return new Principal('u', 'MEMBER', 'k');
  }

  authorize(): void {}
}

function route(name: string, overrides: Partial<HotRoute> = {}): HotRoute {
  return {
    operationId: name,
    tag: 't',
    summary: name,
    paths: ['/shared'],
    access: { action: 'EXECUTE', resource: 'RERANKER' },
    body: anyBody,
    ok: Answer,
    errors: ['UNAUTHENTICATED'],
    handle: async () => ({ servedBy: name }),
    ...overrides,
  } as HotRoute;
}

describe('hot routes on a shared path', () => {
  const routes = [
    route('pinecone', { claim: { test: (request) => request.headers['x-pinecone-api-version'] !== undefined, detection: 'its header' }, keyHeader: 'api-key' }),
    route('tei', {
      claim: { test: (request) => (request.body as { texts?: unknown }).texts !== undefined, detection: 'texts' },
      errorShape: { statuses: { UNAUTHENTICATED: 418 }, body: ({ message }) => ({ error: message }) },
    }),
    route('jina'),
  ];

  const fastify = Fastify();
  const authenticator = new FakeAuthenticator();
  let base: string;

  beforeAll(async () => {
    registerHotRoutes(fastify, routes, authenticator as unknown as RequestAuthenticator, silent);
    base = await fastify.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(() => fastify.close());

  async function post(headers: Record<string, string>, body: object): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${base}/shared`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('gives each request to the first route that claims it, the rest to the route without a claim', async () => {
    expect((await post({ 'x-api-key': 'k', 'x-pinecone-api-version': '2026-04' }, { texts: ['a'] })).body).toEqual({ servedBy: 'pinecone' });
    expect((await post({ 'x-api-key': 'k' }, { texts: ['a'] })).body).toEqual({ servedBy: 'tei' });
    expect((await post({ 'x-api-key': 'k' }, { documents: ['a'] })).body).toEqual({ servedBy: 'jina' });
  });

  it("authenticates with the chosen route's key header and answers its errors in its shape", async () => {
    authenticator.headers.length = 0;
    expect((await post({ 'api-key': 'k', 'x-pinecone-api-version': '1' }, {})).body).toEqual({ servedBy: 'pinecone' });
    expect(await post({}, { texts: [] })).toEqual({ status: 418, body: { error: 'A valid API key is required' } });
    const jina = await post({}, {});
    expect([jina.status, jina.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(authenticator.headers).toEqual(['api-key', undefined, undefined]);
  });

  it('refuses at registration a shared path without exactly one route to take the rest', () => {
    expect(() => registerHotRoutes(Fastify(), [route('a'), route('b')], new FakeAuthenticator() as unknown as RequestAuthenticator, silent)).toThrow(
      'POST /shared is served by 2 routes, 2 without a claim',
    );
  });

  it('documents a shared path as one operation: any of the bodies and answers, how each is told apart', () => {
    const operation = hotRouteOperations(routes)['/shared']!.post!;
    expect(operation.operationId).toBe('jina');
    expect(operation.description).toBe('Serves several client dialects: pinecone when its header; tei when texts; otherwise jina.');
    expect(operation.security).toEqual([{ apiKey: [] }, { bearer: [] }, { 'api-key': [] }]);
    expect(Object.keys(operation.responses)).toEqual(['200', '401', '418', '500']);
  });
});

describe('clientGone: the client leaving, as a signal made on first ask', () => {
  const fastify = Fastify();
  const seen: AbortSignal[] = [];
  let release: () => void = () => undefined;
  let base: string;

  beforeAll(async () => {
    fastify.post('/slow', async (_request, reply) => {
      const gone = clientGone(reply);
      await new Promise<void>((resolve) => (release = resolve));
      seen.push(gone());
      return { ok: true };
    });
    fastify.post('/early', async (_request, reply) => {
      seen.push(clientGone(reply)());
      await new Promise<void>((resolve) => (release = resolve));
      return { ok: true };
    });
    fastify.post('/fast', async (_request, reply) => {
      const gone = clientGone(reply);
      reply.raw.once('finish', () => setImmediate(() => seen.push(gone())));
      return { ok: true };
    });
    base = await fastify.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(() => fastify.close());

  it('is aborted when the client went away before its answer, asked for after that', async () => {
    const controller = new AbortController();
    const call = fetch(`${base}/slow`, { method: 'POST', signal: controller.signal }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await call;
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.pop()?.aborted).toBe(true);
  });

  it('is aborted when the client goes away after it was asked for (a call already queued)', async () => {
    const controller = new AbortController();
    const call = fetch(`${base}/early`, { method: 'POST', signal: controller.signal }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const signal = seen.pop()!;
    expect(signal.aborted).toBe(false);
    controller.abort();
    await call;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signal.aborted).toBe(true);
    release();
  });

  it('stays quiet for a client that read its answer', async () => {
    await (await fetch(`${base}/fast`, { method: 'POST' })).json();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.pop()?.aborted).toBe(false);
  });
});
