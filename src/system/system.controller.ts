import { Body, Controller, Get, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { presentedCredential } from '../auth/request-authenticator.js';
import { anonymousActor } from '../audit/audit-actor.js';
import { ApiErrors, JSON_BODY_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { Public } from '../auth/public.decorator.js';
import { InitSystemDto } from './dto/init-system.dto.js';
import { INIT_RESPONSE_SCHEMA, SystemAlreadyInitialized, SystemInfoResponse, SystemInitialized } from './dto/system.response.js';
import { INIT_TOKEN_HEADER, SystemService, type InitResult, type SystemInfo } from './system.service.js';

@ApiTags('system')
@ApiExtraModels(SystemInitialized, SystemAlreadyInitialized)
@Controller('v1/system')
export class SystemController {
  constructor(private readonly system: SystemService) {}

  /**
   * First call creates the root user and returns its API key, once. Needs the bootstrap
   * token (`x-init-token` or `Authorization: Bearer`) in production, or wherever it is set.
   */
  @Public()
  @Post('init')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Initialize: create the root user and its API key',
    description: 'The first call creates the root user and answers its API key, once; later calls answer alreadyInitialized. In production (or wherever SYSTEM_INIT_TOKEN is set) it needs that token, as x-init-token or Authorization: Bearer.',
  })
  @ApiOkResponse({ schema: INIT_RESPONSE_SCHEMA, description: 'The root key on the first call only' })
  @ApiHeader({ name: INIT_TOKEN_HEADER, required: false, description: 'SYSTEM_INIT_TOKEN (or Authorization: Bearer)' })
  @ApiErrors(...JSON_BODY_ERRORS, 'UNAUTHENTICATED', 'PERMISSION_DENIED')
  initialize(
    @Req() request: FastifyRequest,
    @Body() dto: InitSystemDto,
    @Headers() headers: IncomingHttpHeaders,
  ): Promise<InitResult> {
    return this.system.initialize(anonymousActor(request), dto, presentedCredential(headers, INIT_TOKEN_HEADER));
  }

  /** `initialized` is shown in production only to a caller presenting the init token. */
  @Public()
  @Get('info')
  @ApiOperation({
    summary: 'What this service is: version, database, whether it is initialized',
    description: 'In production, `initialized` is shown only to a caller presenting the init token.',
  })
  @ApiOkResponse({ type: SystemInfoResponse })
  @ApiHeader({ name: INIT_TOKEN_HEADER, required: false, description: 'Shows `initialized` in production' })
  @ApiErrors()
  info(@Headers() headers: IncomingHttpHeaders): Promise<SystemInfo> {
    return this.system.info(presentedCredential(headers, INIT_TOKEN_HEADER));
  }
}
