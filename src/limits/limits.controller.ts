import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/caller.js';
import { ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Requires } from '../auth/access.decorators.js';
import { AUTHENTICATED_ERRORS, ApiErrors, JSON_BODY_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { UuidParam } from '../common/validation/uuid-param.pipe.js';
import { LimitsResponse, toLimitsResponse } from './dto/limits.response.js';
import { UpdateLimitsDto } from './dto/update-limits.dto.js';
import { LimitsService } from './limits.service.js';

@ApiTags('limits')
@ApiSecurity('apiKey')
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('v1/limits')
export class LimitsController {
  constructor(private readonly limits: LimitsService) {}

  @Get('users/:id')
  @Requires('READ', 'LIMITS')
  @ApiOkResponse({ type: LimitsResponse })
  @ApiErrors('INVALID_ARGUMENT', 'PERMISSION_DENIED', 'NOT_FOUND')
  async getUser(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string): Promise<LimitsResponse> {
    return toLimitsResponse(await this.limits.get(caller.principal, 'USER', id));
  }

  @Put('users/:id')
  @Requires('UPDATE', 'LIMITS')
  @ApiOkResponse({ type: LimitsResponse })
  @ApiErrors(...JSON_BODY_ERRORS, 'PERMISSION_DENIED', 'NOT_FOUND')
  async putUser(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateLimitsDto,
  ): Promise<LimitsResponse> {
    return toLimitsResponse(await this.limits.update(caller, 'USER', id, dto));
  }

  @Get('apikeys/:id')
  @Requires('READ', 'LIMITS')
  @ApiOkResponse({ type: LimitsResponse })
  @ApiErrors('INVALID_ARGUMENT', 'PERMISSION_DENIED', 'NOT_FOUND')
  async getApiKey(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string): Promise<LimitsResponse> {
    return toLimitsResponse(await this.limits.get(caller.principal, 'APIKEY', id));
  }

  @Put('apikeys/:id')
  @Requires('UPDATE', 'LIMITS')
  @ApiOkResponse({ type: LimitsResponse })
  @ApiErrors(...JSON_BODY_ERRORS, 'PERMISSION_DENIED', 'NOT_FOUND')
  async putApiKey(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateLimitsDto,
  ): Promise<LimitsResponse> {
    return toLimitsResponse(await this.limits.update(caller, 'APIKEY', id, dto));
  }
}
