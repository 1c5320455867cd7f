import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AliasesModule } from '../aliases/aliases.module.js';
import { RequestAuthenticator } from '../auth/request-authenticator.js';
import { LOGGER } from '../common/logging/logger.token.js';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { LimitsModule } from '../limits/limits.module.js';
import { BuiltinRankersModule } from '../providers/builtin/builtin-rankers.module.js';
import { RerankersModule } from '../rerankers/rerankers.module.js';
import { UsageModule } from '../usage/usage.module.js';
import { BuiltinRanking } from './builtin-ranking.js';
import { CompatFieldAudit } from './compat-fields.js';
import { registerHotRoutes } from './http/hot-route.js';
import { RerankRoutes } from './http/rerank-routes.js';
import { RerankController } from './rerank.controller.js';
import { RerankerChecksController } from './reranker-checks.controller.js';
import { RerankMetering } from './rerank-metering.js';
import { RerankTargets } from './rerank-targets.js';
import { RerankService } from './rerank.service.js';
import { ModelResolver } from './routing/model-resolver.js';
import { RerankRouter } from './routing/rerank-router.js';
import { UpstreamClient } from './upstream/upstream-client.js';

/** Execution: the rerank calls (hot Fastify routes, registered here at init) and ping. */
@Module({
  imports: [CredentialsModule, BuiltinRankersModule, RerankersModule, AliasesModule, UsageModule, LimitsModule],
  controllers: [RerankerChecksController, RerankController],
  providers: [RerankService, BuiltinRanking, RerankTargets, UpstreamClient, CompatFieldAudit, ModelResolver, RerankRouter, RerankMetering, RerankRoutes],
  exports: [RerankRoutes],
})
export class RerankModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly routes: RerankRoutes,
    private readonly authenticator: RequestAuthenticator,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    registerHotRoutes(fastify, this.routes.routes, this.authenticator, this.logger);
  }
}
