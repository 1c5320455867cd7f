import { Module } from '@nestjs/common';
import { LimitsModule } from '../limits/limits.module.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [LimitsModule], controllers: [HealthController] })
export class HealthModule {}
