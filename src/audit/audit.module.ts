import { Module } from '@nestjs/common';
import { AuditEventsController } from './audit-events.controller.js';
import { AuditEventsRepository } from './audit-events.repository.js';
import { AuditEventsService } from './audit-events.service.js';
import { AuditLog } from './audit-log.js';
import { AuditRetention } from './audit-retention.js';

/** The audit log: AuditLog.record for every module that changes state, GET /v1/audit-events, retention. */
@Module({
  controllers: [AuditEventsController],
  providers: [AuditLog, AuditEventsRepository, AuditEventsService, AuditRetention],
  exports: [AuditLog],
})
export class AuditModule {}
