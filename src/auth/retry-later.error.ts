import { DomainError } from '../common/errors/domain-error.js';
import type { ErrorCode } from '../common/errors/error-code.js';

/** A refusal the caller may retry after `retryAfterSeconds` (sent as Retry-After by the guard). */
export class RetryLaterError extends DomainError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message, { retryAfterSeconds });
  }
}
