import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { clientErrorHandler, frameworkErrorHandler } from './common/http/framework-errors.js';
import { installJsonBodyParser } from './common/http/json-body-parser.js';
import { refuseUnstorableQueryAndParams } from './common/http/query-guard.js';
import { REQUEST_ID_HEADER, requestIdFor } from './common/http/request-id.js';
import { ConnectionsPerAddress, requestTimeoutOptions, requireHost } from './common/http/transport-limits.js';
import { accessLogger, createLogger } from './common/logging/logger.js';
import { NestPinoLogger } from './common/logging/nest-logger.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import { MetricsService } from './metrics/metrics.service.js';
import { SECURITY_SCHEMES } from './common/openapi/api-key-auth.js';
import { ErrorBodySchema } from './common/openapi/error-body.schema.js';
import { hotRouteKeyHeaders, hotRouteModels, hotRouteOperations, type HotRoute } from './rerank/http/hot-route.js';
import { RerankRoutes } from './rerank/http/rerank-routes.js';
import { SERVICE_VERSION } from './system/build-info.js';

/** Builds and initializes the application; used by main.ts and by every e2e test. */
export async function createApp(
  config: AppConfig,
  logger: Logger = createLogger(config.logLevel),
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    ...requestTimeoutOptions(config.http.requestTimeoutMs),
    bodyLimit: config.http.bodyLimitBytes,
    genReqId: requestIdFor,
    requestIdHeader: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    frameworkErrors: frameworkErrorHandler(logger),
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, logger), adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
    bodyParser: false,
  });
  configureApp(app, config, logger);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** Before init: the body parser, pipes, filter and request hooks every route (the hot ones too, added by RerankModule at init) runs with. */
function configureApp(app: NestFastifyApplication, config: AppConfig, logger: Logger): void {
  installJsonBodyParser(app.getHttpAdapter().getInstance());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(logger));
  addRequestHooks(app, config, logger);
  setupOpenApi(app, app.get(RerankRoutes).routes);
}

/** Callback hooks (not async ones): no promise per request for the request id, metrics and the access line. */
function addRequestHooks(app: NestFastifyApplication, config: AppConfig, logger: Logger): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  if (config.http.maxConnectionsPerAddress > 0) {
    const connections = new ConnectionsPerAddress(config.http.maxConnectionsPerAddress, config.http.requestTimeoutMs);
    connections.attach(fastify.server);
    fastify.addHook('onRequest', connections.refuseOverCap);
  }
  fastify.addHook('onRequest', requireHost);
  fastify.addHook('preValidation', refuseUnstorableQueryAndParams);
  const metrics = app.get(MetricsService);
  const access = accessLogger(logger);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeHttp(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    access.info(
      {
        reqId: request.id,
        method: request.method,
        route,
        status: reply.statusCode,
        latencyMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request completed',
    );
    done();
  });
}

/** The document's tags, in the order a reader meets them: set up, register, rerank, route; who may and how much; what happened; running it; the console's own. */
const TAGS: ReadonlyArray<[name: string, description: string]> = [
  ['system', 'First start: create the root user and its key; what this service is'],
  ['rerankers', 'The registry: reranking backends with their endpoint, model and credentials (encrypted, never returned)'],
  ['rerank', 'Rerank documents: by reranker id, through an alias, or as a drop-in for Jina and Cohere clients'],
  ['aliases', 'Named routes over rerankers: fallback order, weights, a last resort'],
  ['api-keys', "Keys that act as their user, optionally narrowed to some permissions, rerankers and aliases"],
  ['users', 'Who may do what: ROOT, ADMIN and MEMBER users, each with their own rerankers and aliases'],
  ['limits', 'Per-minute rates, concurrent calls and monthly quotas, per user and per key'],
  ['usage', 'Calls, documents, upstream units and cost over time'],
  ['audit', 'Who changed what and when: an append-only log'],
  ['operations', 'Liveness, readiness and Prometheus metrics'],
  ['console', "The admin console's sign-in: an API key exchanged for a session cookie"],
];

function setupOpenApi(app: NestFastifyApplication, hotRoutes: readonly HotRoute[]): void {
  const builder = new DocumentBuilder()
    .setTitle('reranker-registry')
    .setDescription('Register reranking backends with their credentials, then rerank through them by id, alias or model name.')
    .setVersion(SERVICE_VERSION);
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) builder.addSecurity(name, { ...scheme });
  for (const header of hotRouteKeyHeaders(hotRoutes)) {
    builder.addSecurity(header, { type: 'apiKey', in: 'header', name: header, description: 'The same API key, in the header a client dialect sends its key in' });
  }
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = builder.build();
  const extraModels = [ErrorBodySchema, ...hotRouteModels(hotRoutes)];
  const create = () => {
    const created = SwaggerModule.createDocument(app, document, { extraModels });
    return { ...created, paths: { ...created.paths, ...hotRouteOperations(hotRoutes) } };
  };
  SwaggerModule.setup('docs', app, create, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
  });
}
