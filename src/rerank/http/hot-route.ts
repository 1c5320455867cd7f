import type { Type } from '@nestjs/common';
import { getSchemaPath, type OperationObject, type PathsObject, type ResponsesObject } from '@nestjs/swagger';
import type { ValidateFunction } from 'ajv';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { RequiredAccess } from '../../auth/access.decorators.js';
import type { Principal } from '../../auth/principal.js';
import type { RequestAuthenticator } from '../../auth/request-authenticator.js';
import { API_KEY_SECURITY } from '../../common/openapi/api-key-auth.js';
import { errorResponses } from '../../common/openapi/api-errors.decorator.js';
import type { ClientGone } from '../rerank-types.js';
import { sendError, type ErrorShape } from '../../common/errors/error-response.js';
import type { ErrorCode } from '../../common/errors/error-code.js';
import { validatedBody } from '../../common/validation/validated-body.js';

/** What a hot route's handler gets: the authenticated caller, its validated body and path parameter. */
export interface HotCall<Body> {
  readonly principal: Principal;
  readonly body: Body;
  /** The route's path parameter, already checked (see HotRoute.param); '' on a path without it. */
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
 *
 * Several routes may serve one path (the clients of different vendors post to the same
 * `/rerank`): each but one says which requests are its own (`claim`), the one without a
 * claim takes the rest.
 */
export interface HotRoute<Body = unknown> {
  readonly operationId: string;
  readonly tag: string;
  /** The OpenAPI operation's one-line summary, and what is not obvious from it. */
  readonly summary: string;
  readonly description?: string;
  readonly paths: readonly string[];
  readonly access: RequiredAccess;
  /** The path parameter (`:id`, `:name`, `:model`) and its check, on the paths that have it. */
  readonly param?: { readonly name: string; readonly parse: (value: string) => string };
  readonly body: { readonly schema: object; readonly validate: ValidateFunction<Body>; readonly messages?: Record<string, string> };
  /** The 200 body: a response class, or `[Class]` for a bare list of them. */
  readonly ok: Type | readonly [Type];
  readonly errors: readonly ErrorCode[];
  /** One more header (lower case) the API key may come in, for clients that send it nowhere else. */
  readonly keyHeader?: string;
  /**
   * On a path another route serves too: whether a request is this route's, from its headers
   * or the shape of its body (read before validation, so it must not trust it). `detection`
   * says how, in the OpenAPI document.
   */
  readonly claim?: { readonly test: (request: FastifyRequest) => boolean; readonly detection: string };
  /** How this route's clients read an error, when the shared error body does not serve them; `schema` documents its body. */
  readonly errorShape?: ErrorShape & { readonly schema?: Type };
  handle(call: HotCall<Body>): Promise<unknown>;
}

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Whether the client went away before its answer was written, as a signal made on first ask (see ClientGone). */
export function clientGone(reply: FastifyReply): ClientGone {
  let signal: AbortSignal | undefined;
  return () => (signal ??= departureOf(reply.raw));
}

function departureOf(response: FastifyReply['raw']): AbortSignal {
  const controller = new AbortController();
  if (response.destroyed && !response.writableFinished) controller.abort();
  else response.once('close', () => !response.writableFinished && controller.abort());
  return controller.signal;
}

/** Registers every hot route on the Fastify instance (after the global hooks, before listening), one handler per path. */
export function registerHotRoutes(fastify: FastifyInstance, routes: readonly HotRoute[], authenticator: RequestAuthenticator, logger: Logger): void {
  for (const [url, served] of routesByPath(routes)) {
    const handlers = served.map((route) => ({ route, handler: handlerFor(route, authenticator, logger) }));
    if (handlers.length === 1) {
      fastify.post(url, handlers[0]!.handler);
      continue;
    }
    const fallback = handlers.find(({ route }) => !route.claim)!.handler;
    const claimants = handlers.filter(({ route }) => route.claim).map(({ route, handler }) => ({ test: route.claim!.test, handler }));
    fastify.post(url, (request, reply) => {
      for (const claimant of claimants) if (claimant.test(request)) return claimant.handler(request, reply);
      return fallback(request, reply);
    });
  }
}

function handlerFor(route: HotRoute, authenticator: RequestAuthenticator, logger: Logger): Handler {
  return async (request, reply) => {
    try {
      const principal = await authenticator.authenticate(request, route.keyHeader);
      authenticator.authorize(principal, route.access);
      const raw = route.param ? (request.params as Record<string, string | undefined>)[route.param.name] : undefined;
      const param = raw === undefined ? '' : route.param!.parse(raw);
      const body = validatedBody(route.body.validate, request.body, route.body.messages);
      return await route.handle({ principal, body, param, request, reply });
    } catch (error) {
      sendError(reply, String(request.id), error, logger, route.errorShape);
      return reply;
    }
  };
}

/** The routes serving each path, claimants in the order given; a path shared by several has exactly one route without a claim. */
function routesByPath(routes: readonly HotRoute[]): Map<string, HotRoute[]> {
  const byPath = new Map<string, HotRoute[]>();
  for (const route of routes) for (const path of route.paths) byPath.set(path, [...(byPath.get(path) ?? []), route]);
  for (const [path, served] of byPath) {
    const unclaimed = served.filter((route) => !route.claim).length;
    if (served.length > 1 && unclaimed !== 1) throw new Error(`POST ${path} is served by ${served.length} routes, ${unclaimed} without a claim: exactly one must take the rest`);
  }
  return byPath;
}

/** The response classes and error bodies the hot routes' OpenAPI entries refer to. */
export function hotRouteModels(routes: readonly HotRoute[]): Type[] {
  const models = routes.flatMap((route) => [isList(route.ok) ? route.ok[0] : route.ok, ...(route.errorShape?.schema ? [route.errorShape.schema] : [])]);
  return [...new Set(models)];
}

/** The headers (other than x-api-key and Authorization) the hot routes read API keys from, for the document's security schemes. */
export function hotRouteKeyHeaders(routes: readonly HotRoute[]): string[] {
  return [...new Set(routes.flatMap((route) => (route.keyHeader ? [route.keyHeader] : [])))];
}

/**
 * The OpenAPI operations of the hot routes, keyed by OpenAPI path, in the shape @nestjs/swagger
 * gives Nest routes. A shared path is one operation whose body and answer are those of any of
 * its routes (named after the route that takes the rest), with how each is told apart.
 */
export function hotRouteOperations(routes: readonly HotRoute[]): PathsObject {
  const paths: PathsObject = {};
  for (const [url, served] of routesByPath(routes)) {
    const main = served.find((route) => !route.claim) ?? served[0]!;
    const text = description(main, served);
    const operation: OperationObject = {
      operationId: main.paths.length === 1 ? main.operationId : `${main.operationId}[${main.paths.indexOf(url)}]`,
      summary: main.summary,
      ...(text ? { description: text } : {}),
      parameters: main.param && url.includes(`:${main.param.name}`) ? [{ name: main.param.name, required: true, in: 'path', schema: { type: 'string' } }] : [],
      requestBody: { required: true, content: { 'application/json': { schema: anyOf(served.map((route) => route.body.schema)) } } },
      responses: {
        200: { description: '', content: { 'application/json': { schema: anyOf(served.map(okSchema)) } } },
        ...errorResponses(...served.map((route) => ({ codes: route.errors, statuses: route.errorShape?.statuses, schema: route.errorShape?.schema }))),
      } as ResponsesObject,
      tags: [main.tag],
      security: [...API_KEY_SECURITY, ...hotRouteKeyHeaders(served).map((header) => ({ [header]: [] }))],
    };
    paths[url.replace(/:(\w+)/g, '{$1}')] = { post: operation };
  }
  return paths;
}

/** The route's own description; on a shared path, also which other routes serve it and how each is told apart. */
function description(main: HotRoute, served: readonly HotRoute[]): string | undefined {
  if (served.length === 1) return main.description;
  const claimed = served.filter((route) => route.claim).map((route) => `${route.summary} when ${route.claim!.detection}`);
  const shared = `Serves several client dialects: ${claimed.join('; ')}; otherwise ${main.summary}.`;
  return main.description ? `${shared} ${main.description}` : shared;
}

function okSchema(route: HotRoute): object {
  return isList(route.ok) ? { type: 'array', items: { $ref: getSchemaPath(route.ok[0]) } } : { $ref: getSchemaPath(route.ok) };
}

/** One schema, or any of several (the dialects' bodies overlap: a Jina body is also a valid Pinecone one). */
function anyOf(schemas: readonly object[]): object {
  const distinct = [...new Map(schemas.map((schema) => [JSON.stringify(schema), schema])).values()];
  return distinct.length === 1 ? distinct[0]! : { anyOf: distinct };
}

function isList(ok: HotRoute['ok']): ok is readonly [Type] {
  return Array.isArray(ok);
}
