import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Requires } from '../auth/access.decorators.js';
import type { Principal } from '../auth/principal.js';
import { UuidParam } from '../common/validation/uuid-param.pipe.js';
import { RerankRequestDto } from './dto/rerank-request.dto.js';
import { toRerankResponse, type RerankResponse } from './dto/rerank.response.js';
import { RerankService, type PingOutcome } from './rerank.service.js';

@ApiTags('rerank')
@ApiSecurity('apiKey')
@Controller('v1/rerankers/:id')
export class RerankController {
  constructor(private readonly rerank: RerankService) {}

  @Post('rerank')
  @HttpCode(200)
  @Requires('EXECUTE', 'RERANKER')
  async execute(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() dto: RerankRequestDto,
  ): Promise<RerankResponse> {
    const outcome = await this.rerank.rerank(principal, id, dto);
    return toRerankResponse(outcome, dto.documents, dto.returnDocuments ?? true);
  }

  @Post('ping')
  @HttpCode(200)
  @Requires('PING', 'RERANKER')
  ping(@CurrentPrincipal() principal: Principal, @Param('id', UuidParam) id: string): Promise<PingOutcome> {
    return this.rerank.ping(principal, id);
  }
}
