import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AliasNameParam } from '../aliases/alias-name.pipe.js';
import { CurrentPrincipal, Requires } from '../auth/access.decorators.js';
import type { Principal } from '../auth/principal.js';
import { AUTHENTICATED_ERRORS, ApiErrors, UPSTREAM_CALL_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { ApiJsonBody } from '../common/validation/api-json-body.decorator.js';
import { JsonSchemaPipe } from '../common/validation/json-schema.pipe.js';
import { aliasRerankBodySchema, validateAliasRerankBody, type AliasRerankBody } from './dto/rerank-body.schema.js';
import { RerankResponse, toRerankResponse } from './dto/rerank.response.js';
import { RerankRouter } from './routing/rerank-router.js';
import { setRerankTimingHeaders } from './timing-headers.js';

@ApiTags('rerank')
@ApiSecurity('apiKey')
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('v1/aliases/:name')
export class AliasRerankController {
  constructor(private readonly router: RerankRouter) {}

  /** Reranks through the caller's alias: its targets in order or by weight, with failover and its last resort. */
  @Post('rerank')
  @HttpCode(200)
  @ApiJsonBody(aliasRerankBodySchema)
  @Requires('EXECUTE', 'ALIAS')
  @ApiOkResponse({ type: RerankResponse })
  @ApiErrors(...UPSTREAM_CALL_ERRORS)
  async execute(
    @CurrentPrincipal() principal: Principal,
    @Param('name', AliasNameParam) name: string,
    @Body(new JsonSchemaPipe(validateAliasRerankBody)) dto: AliasRerankBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RerankResponse> {
    const outcome = await this.router.rerankAlias(principal, name, dto);
    setRerankTimingHeaders(reply, outcome);
    return toRerankResponse(outcome, dto.documents, dto.returnDocuments ?? true);
  }
}
