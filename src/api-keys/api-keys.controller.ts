import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/caller.js';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../common/openapi/api-key-auth.js';
import { Requires } from '../auth/access.decorators.js';
import { AUTHENTICATED_ERRORS, ApiErrors, JSON_BODY_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { UuidParam } from '../common/validation/uuid-param.pipe.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyPage, ApiKeyResponse, CreatedApiKeyResponse, toApiKeyResponse } from './dto/api-key.response.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';
import { ListApiKeysQuery } from './dto/list-api-keys.query.js';

@ApiTags('api-keys')
@ApiKeyAuth()
@ApiErrors(...AUTHENTICATED_ERRORS, 'PERMISSION_DENIED')
@Controller('v1/apikeys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** The raw key is in this response only; it cannot be shown again. */
  @Post()
  @Requires('CREATE', 'APIKEY')
  @ApiOperation({
    summary: 'Create an API key',
    description: 'The raw key is in this response only: it cannot be shown again. Scopes narrow the key to some permissions, rerankers and aliases, and cannot change later.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  @ApiErrors(...JSON_BODY_ERRORS, 'NOT_FOUND', 'LIMIT_REACHED', 'RATE_LIMITED', 'TOO_MANY_FAILED_ATTEMPTS')
  async create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateApiKeyDto,
  ): Promise<CreatedApiKeyResponse> {
    const created = await this.apiKeys.create(caller, dto);
    return { apiKey: toApiKeyResponse(created.apiKey), rawApiKey: created.rawApiKey };
  }

  @Get()
  @Requires('LIST', 'APIKEY')
  @ApiOperation({
    summary: 'List API keys',
    description: "Yours, or another user's with userId (LIST_APIKEY_ANY); never the raw keys.",
  })
  @ApiOkResponse({ type: ApiKeyPage })
  @ApiErrors('INVALID_ARGUMENT')
  async list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListApiKeysQuery,
  ): Promise<ApiKeyPage> {
    const page = await this.apiKeys.list(caller.principal, query);
    return { ...page, apiKeys: page.apiKeys.map(toApiKeyResponse) };
  }

  @Get(':id')
  @Requires('READ', 'APIKEY')
  @ApiOperation({ summary: 'Get an API key' })
  @ApiOkResponse({ type: ApiKeyResponse })
  @ApiErrors('INVALID_ARGUMENT', 'NOT_FOUND')
  async get(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string): Promise<ApiKeyResponse> {
    return toApiKeyResponse(await this.apiKeys.get(caller.principal, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @Requires('DELETE', 'APIKEY')
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors('INVALID_ARGUMENT', 'NOT_FOUND')
  async revoke(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParam) id: string,
  ): Promise<void> {
    await this.apiKeys.revoke(caller, id);
  }
}
