import { Module } from '@nestjs/common';
import { SystemController } from './system.controller.js';
import { SystemRepository } from './system.repository.js';
import { SystemService } from './system.service.js';

@Module({ controllers: [SystemController], providers: [SystemService, SystemRepository] })
export class SystemModule {}
