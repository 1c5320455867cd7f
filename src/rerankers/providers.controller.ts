import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../common/openapi/api-key-auth.js';
import { AuthenticatedOnly } from '../auth/access.decorators.js';
import { AUTHENTICATED_ERRORS, ApiErrors } from '../common/openapi/api-errors.decorator.js';
import { ProviderList } from './dto/provider.response.js';
import { providerInfos } from './provider-listing.js';

/** What can be registered: every provider type with its defaults (the console's form per type reads it). */
@ApiTags('rerankers')
@ApiKeyAuth()
@Controller('v1/providers')
export class ProvidersController {
  @Get()
  @AuthenticatedOnly()
  @ApiOperation({ summary: 'What can be registered: every provider type with its defaults' })
  @ApiOkResponse({ type: ProviderList })
  @ApiErrors(...AUTHENTICATED_ERRORS)
  list(): ProviderList {
    return { providers: providerInfos().map((info) => ({ ...info, credentialKinds: [...info.credentialKinds] })) };
  }
}
