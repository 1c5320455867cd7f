import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { RerankersModule } from '../rerankers/rerankers.module.js';
import { UsersModule } from '../users/users.module.js';
import { AliasesController } from './aliases.controller.js';
import { AliasesRepository } from './aliases.repository.js';
import { AliasesService } from './aliases.service.js';

@Module({
  imports: [UsersModule, RerankersModule, AuditModule],
  controllers: [AliasesController],
  providers: [AliasesService, AliasesRepository],
  exports: [AliasesService],
})
export class AliasesModule {}
