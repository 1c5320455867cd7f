import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { REQUEST_ID_HEADER } from '../http/request-id.js';
import { lingerIfBodyUnread } from '../http/transport-limits.js';
import type { DomainError, ErrorDetails } from './domain-error.js';
import type { ErrorBody } from './error-body.js';
import { openAiErrorType, type ErrorCode } from './error-code.js';
import { loggableError } from './loggable-error.js';
import { toDomainError } from './exception-mapper.js';

/** Bounds on what an error body repeats of the input, so a huge input cannot make a huge error. */
export const MAX_ERROR_MESSAGE_LENGTH = 1000;
const MAX_DETAIL_ITEMS = 20;
const MAX_DETAIL_DEPTH = 4;

export function errorBody(error: DomainError, requestId: string): ErrorBody {
  const message = truncate(error.message);
  const details = error.details ? boundedDetails(error.details) : undefined;
  return {
    code: error.code,
    message,
    detail: message,
    requestId,
    ...(details ? { details } : {}),
    error: { message, type: openAiErrorType(error.code), code: error.code, param: null },
  };
}

/**
 * How a route's clients read an error when the shared body does not serve them (the rerank
 * dialects, src/rerank/http/dialects): the status they need, the body they parse. Both start
 * from the shared error, so code, message and request id stay the same everywhere.
 */
export interface ErrorShape {
  /** Statuses that differ from the code's own (ERROR_STATUS), e.g. where a client shows a fixed text for a 404. */
  readonly statuses?: Readonly<Partial<Record<ErrorCode, number>>>;
  body?(shared: ErrorBody): unknown;
}

/**
 * Renders anything thrown as the error body (with Retry-After when the error says when to
 * retry, and the error's own headers), in the route's own shape if it has one; an INTERNAL
 * error is logged (without its data) and answered with a generic message.
 */
export function sendError(reply: FastifyReply, requestId: string, exception: unknown, logger: Logger, shape?: ErrorShape): void {
  if (clientIsGone(reply)) {
    // Nobody to answer, and nothing of ours failed (issue 19 item 19: thousands of error lines from dropped connections).
    logger.debug({ reqId: requestId }, 'client closed the connection before its request was read');
    return;
  }
  const error = toDomainError(exception);
  if (error.code === 'INTERNAL') logger.error({ err: loggableError(exception), reqId: requestId }, 'unhandled error');
  lingerIfBodyUnread(reply, error.headers?.connection === 'close');
  const retryAfterMs = error.details?.retryAfterMs;
  if (typeof retryAfterMs === 'number') void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  if (error.headers) void reply.headers(error.headers);
  const body = errorBody(error, requestId);
  void reply
    .status(shape?.statuses?.[error.code] ?? error.status)
    .header(REQUEST_ID_HEADER, requestId)
    .header('content-type', 'application/json; charset=utf-8')
    .send(shape?.body ? shape.body(body) : body);
}

/** The request's connection closed before its body arrived: reading it failed for that reason alone. */
function clientIsGone(reply: FastifyReply): boolean {
  const request = reply.request.raw;
  return !request.complete && (request.destroyed || request.socket.destroyed);
}

/** Cuts by code points, so a surrogate pair is never split. */
export function truncate(text: string, max = MAX_ERROR_MESSAGE_LENGTH): string {
  if (text.length <= max) return text;
  let kept = '';
  for (const codePoint of text) {
    if (kept.length + codePoint.length >= max) break;
    kept += codePoint;
  }
  return `${kept}…`;
}

function boundedDetails(details: ErrorDetails): ErrorDetails {
  let truncated = false;
  const bound = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') {
      if (value.length > MAX_ERROR_MESSAGE_LENGTH) truncated = true;
      return truncate(value);
    }
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_DETAIL_DEPTH) {
      truncated = true;
      return undefined;
    }
    const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
    if (entries.length > MAX_DETAIL_ITEMS) truncated = true;
    const kept = entries.slice(0, MAX_DETAIL_ITEMS).map(([key, item]) => [key, bound(item, depth + 1)] as const);
    return Array.isArray(value) ? kept.map(([, item]) => item) : Object.fromEntries(kept);
  };
  const bounded = bound(details, 0) as ErrorDetails;
  return truncated ? { ...bounded, truncated: true } : bounded;
}
