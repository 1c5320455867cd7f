import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { UsersModule } from '../users/users.module.js';
import { CounterStore } from './counter-store.js';
import { LimitsController } from './limits.controller.js';
import { LimitsDirectory } from './limits-directory.js';
import { LimitsRepository } from './limits.repository.js';
import { LimitsService } from './limits.service.js';
import { RateLimits } from './rate-limits.js';

@Module({
  imports: [UsersModule, ApiKeysModule, AuditModule],
  controllers: [LimitsController],
  providers: [LimitsService, LimitsRepository, LimitsDirectory, CounterStore, RateLimits],
  exports: [RateLimits],
})
export class LimitsModule {}
