import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { AliasesModule } from '../aliases/aliases.module.js';
import { LimitsModule } from '../limits/limits.module.js';
import { RerankersModule } from '../rerankers/rerankers.module.js';
import { UsageModule } from '../usage/usage.module.js';
import { CompatFieldAudit } from './compat-fields.js';
import { RerankRoutes } from './http/rerank-routes.js';
import { RerankController } from './rerank.controller.js';
import { RerankMetering } from './rerank-metering.js';
import { RerankTargets } from './rerank-targets.js';
import { RerankService } from './rerank.service.js';
import { ModelResolver } from './routing/model-resolver.js';
import { RerankRouter } from './routing/rerank-router.js';
import { UpstreamClient } from './upstream/upstream-client.js';

@Module({
  imports: [CredentialsModule, RerankersModule, AliasesModule, UsageModule, LimitsModule],
  controllers: [RerankController],
  providers: [
    RerankService,
    RerankTargets,
    UpstreamClient,
    CompatFieldAudit,
    ModelResolver,
    RerankRouter,
    RerankMetering,
    RerankRoutes,
  ],
  exports: [RerankService, RerankTargets, RerankRoutes],
})
export class RerankModule {}
