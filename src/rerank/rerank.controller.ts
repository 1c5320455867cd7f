import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AUTHENTICATED_ERRORS, ApiErrors, UPSTREAM_CALL_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { ApiJsonBody } from '../common/validation/api-json-body.decorator.js';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Requires } from '../auth/access.decorators.js';
import type { Principal } from '../auth/principal.js';
import { canonicalUuid } from '../common/validation/canonical-uuid.js';
import { UuidParam } from '../common/validation/uuid-param.pipe.js';
import { JsonSchemaPipe } from '../common/validation/json-schema.pipe.js';
import { rerankBodySchema, validateRerankBody, type RerankBody } from './dto/rerank-body.schema.js';
import { PingResponse } from './dto/ping.response.js';
import { RerankResponse, toRerankResponse } from './dto/rerank.response.js';
import { RerankService } from './rerank.service.js';
import { RerankRouter } from './routing/rerank-router.js';
import { setRerankTimingHeaders } from './timing-headers.js';

@ApiTags('rerank')
@ApiSecurity('apiKey')
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('v1/rerankers/:id')
export class RerankController {
  constructor(
    private readonly rerank: RerankService,
    private readonly router: RerankRouter,
  ) {}

  @Post('rerank')
  @HttpCode(200)
  @ApiJsonBody(rerankBodySchema)
  @Requires('EXECUTE', 'RERANKER')
  @ApiOkResponse({ type: RerankResponse })
  @ApiErrors(...UPSTREAM_CALL_ERRORS)
  async execute(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body(new JsonSchemaPipe(validateRerankBody)) dto: RerankBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RerankResponse> {
    const fallbacks = (dto.fallbackRerankerIds ?? []).map(canonicalUuid);
    const outcome = await this.router.rerankReranker(principal, id, dto, fallbacks);
    setRerankTimingHeaders(reply, outcome);
    return toRerankResponse(outcome, dto.documents, dto.returnDocuments ?? true);
  }

  @Post('ping')
  @HttpCode(200)
  @Requires('PING', 'RERANKER')
  @ApiOkResponse({ type: PingResponse, description: 'Upstream failures are reported in the body' })
  @ApiErrors('INVALID_ARGUMENT', 'PERMISSION_DENIED', 'NOT_FOUND', 'UNAVAILABLE')
  ping(@CurrentPrincipal() principal: Principal, @Param('id', UuidParam) id: string): Promise<PingResponse> {
    return this.rerank.ping(principal, id);
  }
}
