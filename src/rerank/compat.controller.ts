import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiErrors, UPSTREAM_CALL_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { ApiJsonBody } from '../common/validation/api-json-body.decorator.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Requires } from '../auth/access.decorators.js';
import type { Principal } from '../auth/principal.js';
import { JsonSchemaPipe } from '../common/validation/json-schema.pipe.js';
import {
  COMPAT_MESSAGES,
  compatV1BodySchema,
  compatV2BodySchema,
  validateCompatV1Body,
  validateCompatV2Body,
  type CompatV1Body,
  type CompatV2Body,
} from './dto/rerank-body.schema.js';
import { CohereV2RerankResponse, CompatV1RerankResponse, toCohereV2Response, toCompatV1Response } from './dto/rerank.response.js';
import { RerankService } from './rerank.service.js';
import { setRerankTimingHeaders } from './timing-headers.js';

/**
 * Drop-in endpoints for Jina / Cohere clients: `model` is the reranker id. The response
 * `id` is the request id, so a client's log line leads to ours.
 */
@ApiTags('rerank (compatible)')
@ApiSecurity('apiKey')
@ApiErrors('UNAUTHENTICATED', ...UPSTREAM_CALL_ERRORS)
@Controller()
export class CompatRerankController {
  constructor(private readonly rerank: RerankService) {}

  @Post(['v1/rerank', 'rerank'])
  @HttpCode(200)
  @ApiJsonBody(compatV1BodySchema)
  @ApiOkResponse({ type: CompatV1RerankResponse })
  @Requires('EXECUTE', 'RERANKER')
  async v1(
    @CurrentPrincipal() principal: Principal,
    @Body(new JsonSchemaPipe(validateCompatV1Body, COMPAT_MESSAGES)) dto: CompatV1Body,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.rerank.rerank(principal, dto.model, {
      query: dto.query,
      documents: dto.documents,
      topN: dto.top_n,
      rankFields: dto.rank_fields,
    });
    setRerankTimingHeaders(reply, outcome);
    return toCompatV1Response(outcome, String(request.id), dto.documents, dto.return_documents ?? false);
  }

  @Post('v2/rerank')
  @HttpCode(200)
  @ApiJsonBody(compatV2BodySchema)
  @ApiOkResponse({ type: CohereV2RerankResponse })
  @Requires('EXECUTE', 'RERANKER')
  async v2(
    @CurrentPrincipal() principal: Principal,
    @Body(new JsonSchemaPipe(validateCompatV2Body, COMPAT_MESSAGES)) dto: CompatV2Body,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.rerank.rerank(principal, dto.model, {
      query: dto.query,
      documents: dto.documents,
      topN: dto.top_n,
      maxTokensPerDoc: dto.max_tokens_per_doc,
    });
    setRerankTimingHeaders(reply, outcome);
    return toCohereV2Response(outcome, String(request.id));
  }
}
