import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AUTHENTICATED_ERRORS, ApiErrors, UPSTREAM_CALL_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { ApiJsonBody } from '../common/validation/api-json-body.decorator.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Requires } from '../auth/access.decorators.js';
import type { Principal } from '../auth/principal.js';
import { JsonSchemaPipe } from '../common/validation/json-schema.pipe.js';
import { compatRerankInput, CompatFieldAudit } from './compat-fields.js';
import { COMPAT_MESSAGES, compatBodySchema, validateCompatBody, type CompatBody } from './dto/rerank-body.schema.js';
import { CohereV2RerankResponse, CompatV1RerankResponse, toCohereV2Response, toCompatV1Response } from './dto/rerank.response.js';
import { RerankRouter, type RoutedOutcome } from './routing/rerank-router.js';
import { setRerankTimingHeaders } from './timing-headers.js';

/**
 * Drop-in endpoints for Jina / Cohere clients: `model` is a reranker id, an alias name or
 * the modelIdentifier of one of the caller's rerankers. The response
 * `id` is the request id, so a client's log line leads to ours.
 */
@ApiTags('rerank (compatible)')
@ApiSecurity('apiKey')
@ApiErrors(...AUTHENTICATED_ERRORS, ...UPSTREAM_CALL_ERRORS)
@Controller()
export class CompatRerankController {
  constructor(
    private readonly router: RerankRouter,
    private readonly audit: CompatFieldAudit,
  ) {}

  /** Jina / Cohere v1: documents come back unless `return_documents: false` (Jina's default). */
  @Post(['v1/rerank', 'rerank'])
  @HttpCode(200)
  @ApiJsonBody(compatBodySchema)
  @ApiOkResponse({ type: CompatV1RerankResponse })
  @Requires('EXECUTE', 'RERANKER')
  async v1(
    @CurrentPrincipal() principal: Principal,
    @Body(new JsonSchemaPipe(validateCompatBody, COMPAT_MESSAGES)) dto: CompatBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.execute(principal, dto, request, reply);
    return toCompatV1Response(outcome, String(request.id), dto.documents, dto.return_documents ?? true);
  }

  /** Cohere v2: no documents unless asked (cohere-ai 7.x still sends `return_documents`). */
  @Post('v2/rerank')
  @HttpCode(200)
  @ApiJsonBody(compatBodySchema)
  @ApiOkResponse({ type: CohereV2RerankResponse })
  @Requires('EXECUTE', 'RERANKER')
  async v2(
    @CurrentPrincipal() principal: Principal,
    @Body(new JsonSchemaPipe(validateCompatBody, COMPAT_MESSAGES)) dto: CompatBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.execute(principal, dto, request, reply);
    return toCohereV2Response(outcome, String(request.id), dto.documents, dto.return_documents ?? false);
  }

  private async execute(principal: Principal, dto: CompatBody, request: FastifyRequest, reply: FastifyReply): Promise<RoutedOutcome> {
    this.audit.recordIgnored(request.routeOptions.url ?? request.url, dto);
    const outcome = await this.router.rerankModel(principal, dto.model, compatRerankInput(dto));
    setRerankTimingHeaders(reply, outcome);
    return outcome;
  }
}
