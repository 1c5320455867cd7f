import type { ErrorCode } from './error-code.js';
import type { ErrorDetails } from './domain-error.js';

/** The body of every error response. `detail` mirrors `message` for Jina-style clients. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  detail: string;
  requestId: string;
  details?: ErrorDetails;
}
