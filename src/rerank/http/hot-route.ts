import type { Type } from '@nestjs/common';
import { getSchemaPath, type PathsObject, type ResponsesObject } from '@nestjs/swagger';
import type { ValidateFunction } from 'ajv';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { RequiredAccess } from '../../auth/access.decorators.js';
import type { Principal } from '../../auth/principal.js';
import type { RequestAuthenticator } from '../../auth/request-authenticator.js';
import { API_KEY_SECURITY } from '../../common/openapi/api-key-auth.js';
import { errorResponses } from '../../common/openapi/api-errors.decorator.js';
import { sendError } from '../../common/errors/error-response.js';
import type { ErrorCode } from '../../common/errors/error-code.js';
import { validatedBody } from '../../common/validation/validated-body.js';

/** What a hot route's handler gets: the authenticated caller, its validated body and path parameter. */
export interface HotCall<Body> {
  readonly principal: Principal;
  readonly body: Body;
  /** The route's path parameter, already checked (see HotRoute.param). */
  readonly param: string;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/**
 * A route served by Fastify directly, off the Nest pipeline: the rerank calls, where the
 * pipeline's per-request cost (execution context, guards, pipes, interceptors) was a
 * measurable share of the service's own CPU (bench/README.md, the hot-path budget). The
 * rules are the Nest routes' own: the same authenticator and access policy, the same
 * compiled body schemas, the same error model; the OpenAPI entry is generated from
 * this definition. Access log, metrics and request ids come from the global Fastify hooks.
 */
export interface HotRoute<Body = unknown> {
  readonly operationId: string;
  readonly tag: string;
  /** The OpenAPI operation's one-line summary, and what is not obvious from it. */
  readonly summary: string;
  readonly description?: string;
  readonly paths: readonly string[];
  readonly access: RequiredAccess;
  /** The path parameter (`:id` or `:name`) and its check, when the path has one. */
  readonly param?: { readonly name: string; readonly parse: (value: string) => string };
  readonly body: { readonly schema: object; readonly validate: ValidateFunction<Body>; readonly messages?: Record<string, string> };
  readonly okType: Type;
  readonly errors: readonly ErrorCode[];
  handle(call: HotCall<Body>): Promise<unknown>;
}

/** Registers every hot route on the Fastify instance (after the global hooks, before listening). */
export function registerHotRoutes(fastify: FastifyInstance, routes: readonly HotRoute[], authenticator: RequestAuthenticator, logger: Logger): void {
  for (const route of routes) {
    const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      try {
        const principal = await authenticator.authenticate(request);
        authenticator.authorize(principal, route.access);
        const param = route.param ? route.param.parse((request.params as Record<string, string>)[route.param.name]!) : '';
        const body = validatedBody(route.body.validate, request.body, route.body.messages);
        return await route.handle({ principal, body, param, request, reply });
      } catch (error) {
        sendError(reply, String(request.id), error, logger);
        return reply;
      }
    };
    for (const url of route.paths) fastify.post(url, handler);
  }
}

/** The OpenAPI operations of the hot routes, keyed by OpenAPI path, in the shape @nestjs/swagger gives Nest routes. */
export function hotRouteOperations(routes: readonly HotRoute[]): PathsObject {
  const paths: PathsObject = {};
  for (const route of routes) {
    route.paths.forEach((path, index) => {
      paths[path.replace(/:(\w+)/g, '{$1}')] = {
        post: {
          operationId: route.paths.length === 1 ? route.operationId : `${route.operationId}[${index}]`,
          summary: route.summary,
          ...(route.description ? { description: route.description } : {}),
          parameters: route.param ? [{ name: route.param.name, required: true, in: 'path' as const, schema: { type: 'string' } }] : [],
          requestBody: { required: true, content: { 'application/json': { schema: route.body.schema } } },
          responses: {
            200: { description: '', content: { 'application/json': { schema: { $ref: getSchemaPath(route.okType) } } } },
            ...errorResponses(route.errors),
          } as ResponsesObject,
          tags: [route.tag],
          security: API_KEY_SECURITY,
        },
      };
    });
  }
  return paths;
}
