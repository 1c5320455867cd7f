import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/caller.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../common/openapi/api-key-auth.js';
import { Requires } from '../auth/access.decorators.js';
import { AUTHENTICATED_ERRORS, ApiErrors, JSON_BODY_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { UuidParam } from '../common/validation/uuid-param.pipe.js';
import { LimitsResponse, toLimitsResponse } from './dto/limits.response.js';
import { UpdateLimitsDto } from './dto/update-limits.dto.js';
import { LimitsService } from './limits.service.js';

/** What a limits body means, field by field. */
const PER_FIELD = 'Per field: a number sets the limit (0: unlimited), null returns to the configured default, omitted leaves it as it is.';

@ApiTags('limits')
@ApiKeyAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('v1/limits')
export class LimitsController {
  constructor(private readonly limits: LimitsService) {}

  @Get('users/:id')
  @Requires('READ', 'LIMITS')
  @ApiOperation({ summary: "A user's limits and what they use of them" })
  @ApiOkResponse({ type: LimitsResponse })
  @ApiErrors('INVALID_ARGUMENT', 'PERMISSION_DENIED', 'NOT_FOUND')
  async getUser(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string): Promise<LimitsResponse> {
    return toLimitsResponse(await this.limits.get(caller.principal, 'USER', id));
  }

  @Put('users/:id')
  @Requires('UPDATE', 'LIMITS')
  @ApiOperation({ summary: "Set a user's limits", description: `${PER_FIELD} The limits hold across all of the user's keys.` })
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
  @ApiOperation({ summary: "An API key's limits and what it uses of them" })
  @ApiOkResponse({ type: LimitsResponse })
  @ApiErrors('INVALID_ARGUMENT', 'PERMISSION_DENIED', 'NOT_FOUND')
  async getApiKey(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string): Promise<LimitsResponse> {
    return toLimitsResponse(await this.limits.get(caller.principal, 'APIKEY', id));
  }

  @Put('apikeys/:id')
  @Requires('UPDATE', 'LIMITS')
  @ApiOperation({ summary: "Set an API key's limits", description: `${PER_FIELD} A key's calls are held to its own limits and to its user's.` })
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
