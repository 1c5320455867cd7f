import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../common/openapi/api-key-auth.js';
import { Requires } from '../auth/access.decorators.js';
import { Caller, CurrentCaller } from '../auth/caller.js';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { AUTHENTICATED_ERRORS, ApiErrors, JSON_BODY_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { UuidParam } from '../common/validation/uuid-param.pipe.js';
import { CreateRerankerDto } from '../rerankers/dto/create-reranker.dto.js';
import { UpdateRerankerDto } from '../rerankers/dto/update-reranker.dto.js';
import { RerankersService } from '../rerankers/rerankers.service.js';
import { PingResponse } from './dto/ping.response.js';
import { RerankerHealthList, RerankerHealthQuery } from './dto/reranker-health.js';
import { RerankService } from './rerank.service.js';
import { RerankRouter } from './routing/rerank-router.js';

/**
 * What the console shows before and after a save: a dry probe of an unsaved configuration
 * (checked as create or update checks it, pinged once, stored nowhere) and each reranker's
 * health (circuit and last ping).
 */
@ApiTags('rerank')
@ApiKeyAuth()
@ApiErrors(...AUTHENTICATED_ERRORS, 'PERMISSION_DENIED')
@Controller('v1/rerankers')
export class RerankerChecksController {
  constructor(
    private readonly rerankers: RerankersService,
    private readonly rerank: RerankService,
    private readonly router: RerankRouter,
  ) {}

  /** Takes a create body, validates it exactly as create does and pings it once; nothing is written. Needs the create and ping permissions. */
  @Post('probe')
  @HttpCode(200)
  @Requires('CREATE', 'RERANKER')
  @ApiOperation({
    summary: 'Try a reranker before registering it',
    description:
      'Takes a create body, checks it exactly as create does and pings it once; nothing is written. Needs the create and ping permissions. Admitted by the rate limits and quotas and booked as usage like a ping.',
  })
  @ApiOkResponse({ type: PingResponse, description: 'Upstream failures are reported in the body; nothing is stored' })
  @ApiErrors(...JSON_BODY_ERRORS, 'EGRESS_BLOCKED', 'NOT_FOUND', 'RATE_LIMITED', 'QUOTA_EXCEEDED', 'TOO_MANY_FAILED_ATTEMPTS')
  async probeNew(@CurrentCaller() { principal }: Caller, @Body() dto: CreateRerankerDto): Promise<PingResponse> {
    requirePing(principal);
    return this.router.probe(principal, await this.rerankers.plannedCreate(principal, dto));
  }

  /** Takes an update body, validates it exactly as PATCH does and pings the result once; nothing is written. Needs the update and ping permissions. */
  @Post(':id/probe')
  @HttpCode(200)
  @Requires('UPDATE', 'RERANKER')
  @ApiOperation({
    summary: 'Try a change to a reranker before saving it',
    description:
      'Takes an update body, checks it exactly as PATCH does and pings the result once; nothing is written. Needs the update and ping permissions. Admitted by the rate limits and quotas and booked as usage like a ping.',
  })
  @ApiOkResponse({ type: PingResponse, description: 'Upstream failures are reported in the body; nothing is stored' })
  @ApiErrors(...JSON_BODY_ERRORS, 'EGRESS_BLOCKED', 'NOT_FOUND', 'RATE_LIMITED', 'QUOTA_EXCEEDED', 'TOO_MANY_FAILED_ATTEMPTS')
  async probeChange(@CurrentCaller() { principal }: Caller, @Param('id', UuidParam) id: string, @Body() dto: UpdateRerankerDto): Promise<PingResponse> {
    requirePing(principal);
    return this.router.probe(principal, await this.rerankers.plannedChange(principal, id, dto), id);
  }

  /** Circuit state and last ping of each reranker asked for that the caller may read (others are left out, as if missing). */
  @Get('health')
  @Requires('READ', 'RERANKER')
  @ApiOperation({
    summary: "Rerankers' health: circuit state and last ping",
    description: 'Of each reranker asked for that the caller may read; the others are left out, as if missing.',
  })
  @ApiOkResponse({ type: RerankerHealthList })
  @ApiErrors('INVALID_ARGUMENT')
  async health(@CurrentCaller() { principal }: Caller, @Query() query: RerankerHealthQuery): Promise<RerankerHealthList> {
    const owners = new Map((await this.rerankers.ownersOf(query.rerankerId)).map((row) => [row.id, row.ownerId]));
    const visible = [...new Set(query.rerankerId)].filter((id) => owners.has(id) && principal.canActOnReranker('READ', id, owners.get(id)!));
    return { rerankers: visible.map((rerankerId) => ({ rerankerId, ...this.rerank.health(rerankerId) })) };
  }
}

function requirePing(principal: Principal): void {
  if (!principal.scopeFor('PING', 'RERANKER')) throw DomainError.permissionDenied('PING_RERANKER permission is required');
}
