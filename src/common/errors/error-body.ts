import type { ErrorCode, OpenAiErrorType } from './error-code.js';
import type { ErrorDetails } from './domain-error.js';

/**
 * The body of every error response. `detail` mirrors `message` for Jina-style clients,
 * `error` carries the same in OpenAI's shape for clients built on the openai SDK (`param`
 * included: the AI SDK's Voyage and Mixedbread providers show the message only when it is there).
 */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  detail: string;
  requestId: string;
  details?: ErrorDetails;
  error: { message: string; type: OpenAiErrorType; code: ErrorCode; param: null };
}
