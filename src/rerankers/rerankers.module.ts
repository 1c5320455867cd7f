import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { BuiltinRankersModule } from '../providers/builtin/builtin-rankers.module.js';
import { UsageModule } from '../usage/usage.module.js';
import { BuiltinRegistration } from './builtin-registration.js';
import { ProvidersController } from './providers.controller.js';
import { RerankersController } from './rerankers.controller.js';
import { RerankersRepository } from './rerankers.repository.js';
import { RerankersService } from './rerankers.service.js';

@Module({
  imports: [AuditModule, BuiltinRankersModule, CredentialsModule, UsageModule],
  controllers: [RerankersController, ProvidersController],
  providers: [RerankersService, RerankersRepository, BuiltinRegistration],
  exports: [RerankersService],
})
export class RerankersModule {}
