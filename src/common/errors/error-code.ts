/** Stable, machine-readable error codes and the HTTP status each one maps to. */
export const ERROR_STATUS = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  EGRESS_BLOCKED: 403,
  /** A state-changing request authenticated by the console's session cookie, without the x-rr-csrf header. */
  CSRF_HEADER_MISSING: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  REQUEST_TIMEOUT: 408,
  ALREADY_EXISTS: 409,
  PRECONDITION_FAILED: 412,
  IN_USE: 409,
  /** A count the service caps is reached (active API keys per user): remove one first. */
  LIMIT_REACHED: 409,
  AMBIGUOUS_MODEL: 409,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  UPSTREAM_RATE_LIMITED: 429,
  TOO_MANY_FAILED_ATTEMPTS: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL: 500,
  NOT_IMPLEMENTED: 501,
  UPSTREAM_ERROR: 502,
  UPSTREAM_BAD_RESPONSE: 502,
  UNAVAILABLE: 503,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The code for an HTTP status raised outside our code (framework, router, HTTP parser). */
const CODE_FOR_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'ALREADY_EXISTS',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
};

/** Any other 4xx is a client error we have no finer word for; any other 5xx is ours. */
export function errorCodeForStatus(status: number): ErrorCode {
  return CODE_FOR_STATUS[status] ?? (status >= 400 && status < 500 ? 'INVALID_ARGUMENT' : 'INTERNAL');
}

/** OpenAI's error `type`, so clients built on the openai SDK show our message. */
export type OpenAiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'upstream_error';

export function openAiErrorType(code: ErrorCode): OpenAiErrorType {
  const status: number = ERROR_STATUS[code];
  if (status === 429) return 'rate_limit_error';
  if (code.startsWith('UPSTREAM_')) return 'upstream_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  return status < 500 ? 'invalid_request_error' : 'server_error';
}
