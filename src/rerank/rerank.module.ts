import { Module } from '@nestjs/common';
import { RerankersModule } from '../rerankers/rerankers.module.js';
import { CompatRerankController } from './compat.controller.js';
import { CompatFieldAudit } from './compat-fields.js';
import { RerankController } from './rerank.controller.js';
import { RerankTargets } from './rerank-targets.js';
import { RerankService } from './rerank.service.js';
import { UpstreamClient } from './upstream/upstream-client.js';

@Module({
  imports: [RerankersModule],
  controllers: [RerankController, CompatRerankController],
  providers: [RerankService, RerankTargets, UpstreamClient, CompatFieldAudit],
  exports: [RerankService, RerankTargets],
})
export class RerankModule {}
