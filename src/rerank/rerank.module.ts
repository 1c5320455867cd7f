import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logger.token.js';
import { AWS_CREDENTIAL_SOURCE, DefaultChainCredentialSource } from '../rerankers/credentials/aws-sigv4.js';
import { GCP_TOKEN_SOURCE, GoogleAdcTokenSource } from '../rerankers/credentials/gcp-token-source.js';
import { AliasesModule } from '../aliases/aliases.module.js';
import { LimitsModule } from '../limits/limits.module.js';
import { RerankersModule } from '../rerankers/rerankers.module.js';
import { UsageModule } from '../usage/usage.module.js';
import { CompatFieldAudit } from './compat-fields.js';
import { RerankRoutes } from './http/rerank-routes.js';
import { RerankController } from './rerank.controller.js';
import { RerankTargets } from './rerank-targets.js';
import { RerankService } from './rerank.service.js';
import { ModelResolver } from './routing/model-resolver.js';
import { RerankRouter } from './routing/rerank-router.js';
import { UpstreamClient } from './upstream/upstream-client.js';

@Module({
  imports: [RerankersModule, AliasesModule, UsageModule, LimitsModule],
  controllers: [RerankController],
  providers: [
    RerankService,
    RerankTargets,
    UpstreamClient,
    CompatFieldAudit,
    ModelResolver,
    RerankRouter,
    RerankRoutes,
    { provide: GCP_TOKEN_SOURCE, inject: [LOGGER], useFactory: (logger: Logger) => new GoogleAdcTokenSource(logger) },
    { provide: AWS_CREDENTIAL_SOURCE, inject: [LOGGER], useFactory: (logger: Logger) => new DefaultChainCredentialSource(logger) },
  ],
  exports: [RerankService, RerankTargets, RerankRoutes],
})
export class RerankModule {}
