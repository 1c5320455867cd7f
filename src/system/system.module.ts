import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { UsersModule } from '../users/users.module.js';
import { SystemController } from './system.controller.js';
import { SystemRepository } from './system.repository.js';
import { SystemService } from './system.service.js';

@Module({ imports: [AuditModule, UsersModule, ApiKeysModule], controllers: [SystemController], providers: [SystemService, SystemRepository] })
export class SystemModule {}
