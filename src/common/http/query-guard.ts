import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { DomainError } from '../errors/domain-error.js';
import { jsonInputProblem } from '../validation/json-input.js';

/**
 * The body parser's rule for the rest of the input: query and path values reach filters
 * and lookups, where a NUL (`?label.env=%00`) would make PostgreSQL fail the query.
 * A callback hook: no promise per request on the hot path.
 */
export function refuseUnstorableQueryAndParams(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const problem =
    jsonInputProblem(request.query, 'query', { checkStrings: true }) ??
    jsonInputProblem(request.params, 'path', { checkStrings: true });
  done(problem ? DomainError.invalidArgument(problem) : undefined);
}
