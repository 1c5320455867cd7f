import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException, HttpException, MethodNotAllowedException, UnprocessableEntityException } from '@nestjs/common';
import type { Logger } from 'pino';
import { AllExceptionsFilter } from './all-exceptions.filter.js';
import { DomainError } from './domain-error.js';

function fakeHost() {
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const reply = {
    // A request read whole on a connection still open.
    request: { raw: { complete: true, destroyed: false, socket: { destroyed: false } } },
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ id: 'req-1' }), getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('AllExceptionsFilter', () => {
  const logged: unknown[] = [];
  const logger = { error: (obj: unknown) => logged.push(obj) } as unknown as Logger;
  const filter = new AllExceptionsFilter(logger);

  beforeEach(() => logged.splice(0));

  it('renders a domain error with its code, status, details and the OpenAI-style error object', () => {
    const { host, sent } = fakeHost();
    filter.catch(DomainError.alreadyExists('taken', { existingId: 'x' }), host);
    expect(sent.status).toBe(409);
    expect(sent.headers['x-request-id']).toBe('req-1');
    expect(sent.body).toEqual({
      code: 'ALREADY_EXISTS',
      message: 'taken',
      detail: 'taken',
      requestId: 'req-1',
      details: { existingId: 'x' },
      error: { message: 'taken', type: 'invalid_request_error', code: 'ALREADY_EXISTS', param: null },
    });
    expect(logged).toHaveLength(0);
  });

  it('sends Retry-After, in whole seconds, for an error that says when to retry', () => {
    const { host, sent } = fakeHost();
    filter.catch(new DomainError('UNAVAILABLE', 'busy', { retryAfterMs: 1_200 }), host);
    expect(sent.status).toBe(503);
    expect(sent.headers['retry-after']).toBe('2');
    const other = fakeHost();
    filter.catch(DomainError.invalidArgument('bad'), other.host);
    expect(other.sent.headers['retry-after']).toBeUndefined();
  });

  it.each([
    ['UNAUTHENTICATED', 'authentication_error'],
    ['PERMISSION_DENIED', 'permission_error'],
    ['EGRESS_BLOCKED', 'permission_error'],
    ['NOT_FOUND', 'not_found_error'],
    ['RATE_LIMITED', 'rate_limit_error'],
    ['UPSTREAM_RATE_LIMITED', 'rate_limit_error'],
    ['UPSTREAM_TIMEOUT', 'upstream_error'],
    ['UNAVAILABLE', 'server_error'],
  ] as const)('gives %s the OpenAI error type %s', (code, type) => {
    const { host, sent } = fakeHost();
    filter.catch(new DomainError(code, 'why'), host);
    expect(sent.body).toMatchObject({ code, message: 'why', error: { type, code, message: 'why' } });
  });

  it('hides an unexpected error behind a generic 500 and logs the original', () => {
    const { host, sent } = fakeHost();
    filter.catch(new Error('connection string postgres://secret@db leaked'), host);
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({
      code: 'INTERNAL',
      message: 'Internal server error',
      detail: 'Internal server error',
      requestId: 'req-1',
      error: { message: 'Internal server error', type: 'server_error', code: 'INTERNAL', param: null },
    });
    expect(logged).toHaveLength(1);
  });

  it('logs a Prisma-like error without its printed arguments, meta or cause', () => {
    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0c2FsdA$SECRETHASHVALUE';
    const error = Object.assign(
      new Error(`\nInvalid \`prisma.apiKey.create()\` invocation:\n\n{\n  data: {\n    secretHash: "${hash}"\n  }\n}\n\nValue too long`),
      {
        name: 'PrismaClientUnknownRequestError',
        code: 'P2000',
        meta: { driverAdapterError: { cause: { originalMessage: `row ${hash}` } } },
        cause: new Error(hash),
      },
    );
    const { host, sent } = fakeHost();
    filter.catch(error, host);
    expect(sent.status).toBe(500);
    const line = JSON.stringify(logged);
    expect(line).not.toContain('SECRETHASHVALUE');
    expect(logged[0]).toMatchObject({
      reqId: 'req-1',
      err: { type: 'PrismaClientUnknownRequestError', code: 'P2000', message: 'Invalid `prisma.apiKey.create()` invocation:' },
    });
    expect((logged[0] as { err: { stack: string } }).err.stack).toMatch(/^\s+at /);
  });

  it('maps Prisma unique violations to 409 and missing records to 404', () => {
    const prismaError = (code: string) => Object.assign(new Error('x'), { name: 'PrismaClientKnownRequestError', code });
    const conflict = fakeHost();
    filter.catch(prismaError('P2002'), conflict.host);
    expect(conflict.sent.status).toBe(409);
    const missing = fakeHost();
    filter.catch(prismaError('P2025'), missing.host);
    expect(missing.sent.status).toBe(404);
  });

  it('keeps the meaning of framework HTTP exceptions', () => {
    const { host, sent } = fakeHost();
    filter.catch(new BadRequestException('bad thing'), host);
    expect(sent).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', message: 'bad thing' } });
  });

  it.each([
    [405, 'METHOD_NOT_ALLOWED', new MethodNotAllowedException('no'), 405],
    [422, 'UNPROCESSABLE', new UnprocessableEntityException('no'), 422],
    [429, 'RATE_LIMITED', new HttpException('slow down', 429), 429],
    [418, 'INVALID_ARGUMENT', new HttpException('teapot', 418), 400],
  ])('maps an HttpException %i to %s instead of a 500', (_thrown, code, exception, status) => {
    const { host, sent } = fakeHost();
    filter.catch(exception, host);
    expect(sent).toMatchObject({ status, body: { code } });
    expect(logged).toHaveLength(0);
  });

  it('bounds a huge message and huge details, without splitting a surrogate pair', () => {
    const fields = Array.from({ length: 10_000 }, (_, i) => ({ field: `f${i}`, problems: ['😀'.repeat(5_000)] }));
    const { host, sent } = fakeHost();
    filter.catch(DomainError.invalidArgument('😀'.repeat(1_000_000), { fields }), host);
    const body = sent.body as { message: string; details: { fields: unknown[]; truncated: boolean } };
    expect(JSON.stringify(body).length).toBeLessThan(64 * 1024);
    expect(body.message).not.toMatch(/[\uD800-\uDFFF]/u);
    expect(body.message.endsWith('…')).toBe(true);
    expect(body.details.fields).toHaveLength(20);
    expect(body.details.truncated).toBe(true);
  });
});
