import { HttpException } from '@nestjs/common';
import { isForeignKeyViolation, isRecordNotFound, isUniqueViolation } from './prisma-errors.js';
import { DomainError } from './domain-error.js';
import { errorCodeForStatus } from './error-code.js';

/**
 * Turns anything thrown into a DomainError. Known failures keep their meaning; anything
 * else becomes INTERNAL with a generic message (the original goes to the log only).
 */
export function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const prisma = fromPrismaError(error);
  if (prisma) return prisma;
  if (error instanceof HttpException) return fromHttpStatus(error.getStatus(), error.message);
  const fastify = fromFastifyError(error);
  if (fastify) return fastify;
  return new DomainError('INTERNAL', 'Internal server error');
}

function fromPrismaError(error: unknown): DomainError | undefined {
  if (isUniqueViolation(error)) return DomainError.alreadyExists('A resource with the same identity already exists');
  if (isRecordNotFound(error)) return DomainError.notFound('Resource');
  // A row referenced a moment ago is gone (e.g. an alias target deleted meanwhile): try again.
  if (isForeignKeyViolation(error)) return new DomainError('IN_USE', 'A referenced resource changed meanwhile; try again');
  return undefined;
}

/** Keeps a client error's status and message; a server error says nothing of itself. */
function fromHttpStatus(status: number, message: string): DomainError {
  const code = errorCodeForStatus(status);
  if (code === 'NOT_FOUND') return new DomainError(code, 'Route not found');
  return new DomainError(code, code === 'INTERNAL' ? 'Internal server error' : message);
}

const FASTIFY_MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is larger than the configured limit',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Content-Type must be application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the length of the body',
  FST_ERR_BAD_URL: 'The URL is not valid (bad percent-encoding)',
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is longer than allowed',
};

/** Errors raised by Fastify itself before a handler runs (routing, body reading, limits). */
function fromFastifyError(error: unknown): DomainError | undefined {
  const { code, statusCode, message } = (error ?? {}) as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_') || typeof statusCode !== 'number') return undefined;
  return fromHttpStatus(statusCode, FASTIFY_MESSAGES[code] ?? String(message));
}
