import { HttpException } from '@nestjs/common';
import { isRecordNotFound, isUniqueViolation } from '../../database/prisma-errors.js';
import { DomainError } from './domain-error.js';
import type { ErrorCode } from './error-code.js';

/**
 * Turns anything thrown into a DomainError. Known failures keep their meaning; anything
 * else becomes INTERNAL with a generic message (the original goes to the log only).
 */
export function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const prisma = fromPrismaError(error);
  if (prisma) return prisma;
  if (error instanceof HttpException) return fromHttpException(error);
  const fastify = fromFastifyError(error);
  if (fastify) return fastify;
  return new DomainError('INTERNAL', 'Internal server error');
}

function fromPrismaError(error: unknown): DomainError | undefined {
  if (isUniqueViolation(error)) return DomainError.alreadyExists('A resource with the same identity already exists');
  if (isRecordNotFound(error)) return DomainError.notFound('Resource');
  return undefined;
}

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function fromHttpException(error: HttpException): DomainError {
  const code = HTTP_STATUS_CODES[error.getStatus()] ?? 'INTERNAL';
  if (code === 'NOT_FOUND') return new DomainError(code, 'Route not found');
  return new DomainError(code, code === 'INTERNAL' ? 'Internal server error' : error.message);
}

/** Errors raised by Fastify itself before a handler runs (body parsing, limits). */
function fromFastifyError(error: unknown): DomainError | undefined {
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new DomainError('PAYLOAD_TOO_LARGE', 'Request body is larger than the configured limit');
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  }
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return DomainError.invalidArgument('Request body is not valid JSON');
  }
  if (statusCode === 400) return DomainError.invalidArgument('Request body is not valid JSON');
  return undefined;
}
