import { Controller, Get, Query } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/caller.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../common/openapi/api-key-auth.js';
import { Requires } from '../auth/access.decorators.js';
import { AUTHENTICATED_ERRORS, ApiErrors } from '../common/openapi/api-errors.decorator.js';
import { AuditEventsService } from './audit-events.service.js';
import { AuditEventPage, toAuditEventResponse } from './dto/audit-event.response.js';
import { ListAuditEventsQuery } from './dto/list-audit-events.query.js';

/** Read-only: no route changes or deletes an event. */
@ApiTags('audit')
@ApiKeyAuth()
@ApiErrors(...AUTHENTICATED_ERRORS, 'PERMISSION_DENIED')
@Controller('v1/audit-events')
export class AuditEventsController {
  constructor(private readonly events: AuditEventsService) {}

  /** Newest first. */
  @Get()
  @Requires('READ', 'AUDIT')
  @ApiOperation({
    summary: 'List audit events',
    description: 'Newest first. Every change to users, keys, rerankers, aliases, limits and secrets, written in the same transaction as the change; no route changes or deletes an event. A reader with the OWN permission sees the events on what they own or did.',
  })
  @ApiOkResponse({ type: AuditEventPage })
  @ApiErrors('INVALID_ARGUMENT')
  async list(@CurrentCaller() caller: Caller, @Query() query: ListAuditEventsQuery): Promise<AuditEventPage> {
    const page = await this.events.list(caller.principal, query);
    return { auditEvents: page.events.map(toAuditEventResponse), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }
}
