import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException } from '@nestjs/common';
import type { Logger } from 'pino';
import { AllExceptionsFilter } from './all-exceptions.filter.js';
import { DomainError } from './domain-error.js';

function fakeHost() {
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const reply = {
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

  it('renders a domain error with its code, status and details', () => {
    const { host, sent } = fakeHost();
    filter.catch(DomainError.alreadyExists('taken', { existingId: 'x' }), host);
    expect(sent).toMatchObject({
      status: 409,
      body: { code: 'ALREADY_EXISTS', message: 'taken', detail: 'taken', requestId: 'req-1', details: { existingId: 'x' } },
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

  it('hides an unexpected error behind a generic 500 and logs the original', () => {
    const { host, sent } = fakeHost();
    filter.catch(new Error('connection string postgres://secret@db leaked'), host);
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({
      code: 'INTERNAL',
      message: 'Internal server error',
      detail: 'Internal server error',
      requestId: 'req-1',
    });
    expect(logged).toHaveLength(1);
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
});
