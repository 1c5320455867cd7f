import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { SystemController } from './system.controller.js';
import { SystemRepository } from './system.repository.js';
import { SystemService } from './system.service.js';

@Module({ imports: [AuditModule], controllers: [SystemController], providers: [SystemService, SystemRepository] })
export class SystemModule {}
