import { applyDecorators, type Type } from '@nestjs/common';
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
  applyDecorators(
    ...responsesFor([...codes, 'INTERNAL']).map(({ status, codes: statusCodes }) => ApiResponse({ status, description: [...statusCodes].join(' or '), type: ErrorBodySchema })),
  );

/** What one route answers on error: its codes, statuses that differ from theirs, and its own body's schema when it has one. */
export interface ErrorVariant {
  readonly codes: readonly ErrorCode[];
  readonly statuses?: Readonly<Partial<Record<ErrorCode, number>>>;
  readonly schema?: Type;
}

/**
 * The same responses as OpenAPI objects, for routes documented without decorators
 * (src/rerank/http), one or several routes sharing a path. A route with a body of its own
 * may still answer the shared ErrorBody: for what is refused before the route is known
 * (malformed JSON, a body too large, the wrong media type).
 */
export function errorResponses(...variants: readonly ErrorVariant[]): Record<number, object> {
  const refs = [ErrorBodySchema, ...new Set(variants.flatMap((variant) => (variant.schema ? [variant.schema] : [])))].map((model) => ({ $ref: getSchemaPath(model) }));
  const schema = refs.length === 1 ? refs[0] : { oneOf: refs };
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const variant of variants) {
    for (const { status, codes } of responsesFor([...variant.codes, 'INTERNAL'], variant.statuses)) {
      byStatus.set(status, new Set([...(byStatus.get(status) ?? []), ...codes]));
    }
  }
  return Object.fromEntries(
    [...byStatus].sort(([a], [b]) => a - b).map(([status, codes]) => [status, { description: [...codes].join(' or '), content: { 'application/json': { schema } } }]),
  );
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

/** The codes grouped by the status each is answered with: its own (ERROR_STATUS) unless the route says otherwise. */
function responsesFor(codes: readonly ErrorCode[], statuses: Readonly<Partial<Record<ErrorCode, number>>> = {}): Array<{ status: number; codes: Set<ErrorCode> }> {
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const code of codes) {
    const status = statuses[code] ?? ERROR_STATUS[code];
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  }
  return [...byStatus].map(([status, statusCodes]) => ({ status, codes: statusCodes }));
}
