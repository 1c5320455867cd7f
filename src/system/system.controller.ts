import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, JSON_BODY_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { Public } from '../auth/public.decorator.js';
import { InitSystemDto } from './dto/init-system.dto.js';
import { INIT_RESPONSE_SCHEMA, SystemAlreadyInitialized, SystemInfoResponse, SystemInitialized } from './dto/system.response.js';
import { SystemService, type InitResult } from './system.service.js';

@ApiTags('system')
@ApiExtraModels(SystemInitialized, SystemAlreadyInitialized)
@Controller('v1/system')
export class SystemController {
  constructor(private readonly system: SystemService) {}

  /** First call creates the root user and returns its API key, once. */
  @Public()
  @Post('init')
  @HttpCode(200)
  @ApiOkResponse({ schema: INIT_RESPONSE_SCHEMA, description: 'The root key on the first call only' })
  @ApiErrors(...JSON_BODY_ERRORS)
  initialize(@Body() dto: InitSystemDto): Promise<InitResult> {
    return this.system.initialize(dto);
  }

  @Public()
  @Get('info')
  @ApiOkResponse({ type: SystemInfoResponse })
  @ApiErrors()
  info(): Promise<{ version: string; databaseKind: string; initialized: boolean }> {
    return this.system.info();
  }
}
