import { Controller, Get, Query } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/caller.js';
import { ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Requires } from '../auth/access.decorators.js';
import { AUTHENTICATED_ERRORS, ApiErrors } from '../common/openapi/api-errors.decorator.js';
import { AuditEventsService } from './audit-events.service.js';
import { AuditEventPage, toAuditEventResponse } from './dto/audit-event.response.js';
import { ListAuditEventsQuery } from './dto/list-audit-events.query.js';

/** Read-only: no route changes or deletes an event. */
@ApiTags('audit')
@ApiSecurity('apiKey')
@ApiErrors(...AUTHENTICATED_ERRORS, 'PERMISSION_DENIED')
@Controller('v1/audit-events')
export class AuditEventsController {
  constructor(private readonly events: AuditEventsService) {}

  /** Newest first. */
  @Get()
  @Requires('READ', 'AUDIT')
  @ApiOkResponse({ type: AuditEventPage })
  @ApiErrors('INVALID_ARGUMENT')
  async list(@CurrentCaller() caller: Caller, @Query() query: ListAuditEventsQuery): Promise<AuditEventPage> {
    const page = await this.events.list(caller.principal, query);
    return { auditEvents: page.events.map(toAuditEventResponse), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }
}
