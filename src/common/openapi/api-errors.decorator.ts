import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ERROR_STATUS, type ErrorCode } from '../errors/error-code.js';
import { ErrorBodySchema } from './error-body.schema.js';

/**
 * Documents the errors a route (or every route of a controller) can give: one response per
 * status, with the shared ErrorBody schema and the codes it carries there. INTERNAL is always
 * added: any route can fail unexpectedly. A status is described once per route, so list all
 * of its codes at one level (class or method).
 */
export const ApiErrors = (...codes: ErrorCode[]): MethodDecorator & ClassDecorator =>
  applyDecorators(...responsesFor([...codes, 'INTERNAL']).map((response) => ApiResponse(response)));

/** The same responses as OpenAPI objects, for routes documented without decorators (src/rerank/http). */
export function errorResponses(codes: readonly ErrorCode[]): Record<number, object> {
  const schema = { $ref: getSchemaPath(ErrorBodySchema) };
  return Object.fromEntries(
    responsesFor([...codes, 'INTERNAL']).map(({ status, description }) => [status, { description, content: { 'application/json': { schema } } }]),
  );
}

function responsesFor(codes: readonly ErrorCode[]) {
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], (byStatus.get(ERROR_STATUS[code]) ?? new Set()).add(code));
  return [...byStatus].map(([status, statusCodes]) => ({ status, description: [...statusCodes].join(' or '), type: ErrorBodySchema }));
}

/** A route behind the API key guard: no valid key, too many failed verifications, verification queue full. */
export const AUTHENTICATED_ERRORS: ErrorCode[] = ['UNAUTHENTICATED', 'TOO_MANY_FAILED_ATTEMPTS', 'UNAVAILABLE'];

/** A route that reads a JSON body: malformed, too large, or not JSON. */
export const JSON_BODY_ERRORS: ErrorCode[] = ['INVALID_ARGUMENT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

/** A call through a reranker: bad input, unknown or ambiguous model, rate limit or quota, egress refusal, every upstream failure. */
export const UPSTREAM_CALL_ERRORS: ErrorCode[] = [
  ...JSON_BODY_ERRORS,
  'RATE_LIMITED',
  'QUOTA_EXCEEDED',
  'PERMISSION_DENIED',
  'EGRESS_BLOCKED',
  'NOT_FOUND',
  'AMBIGUOUS_MODEL',
  'UPSTREAM_RATE_LIMITED',
  'UPSTREAM_ERROR',
  'UPSTREAM_BAD_RESPONSE',
  'UNAVAILABLE',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
];
