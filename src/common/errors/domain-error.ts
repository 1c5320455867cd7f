import { ERROR_STATUS, type ErrorCode } from './error-code.js';

export type ErrorDetails = Record<string, unknown>;

/** The one error type services throw; the global filter turns it into the error body. */
export class DomainError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
    /** Response headers the error reply carries (a 429's RateLimit-* headers). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = ERROR_STATUS[code];
  }

  static invalidArgument(message: string, details?: ErrorDetails): DomainError {
    return new DomainError('INVALID_ARGUMENT', message, details);
  }

  static notFound(what: string): DomainError {
    return new DomainError('NOT_FOUND', `${what} not found`);
  }

  static alreadyExists(message: string, details?: ErrorDetails): DomainError {
    return new DomainError('ALREADY_EXISTS', message, details);
  }

  static permissionDenied(message = 'Permission denied'): DomainError {
    return new DomainError('PERMISSION_DENIED', message);
  }

  static unauthenticated(message = 'A valid API key is required'): DomainError {
    return new DomainError('UNAUTHENTICATED', message);
  }
}
