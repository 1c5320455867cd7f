import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/caller.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../common/openapi/api-key-auth.js';
import { AUTHENTICATED_ERRORS, ApiErrors } from '../common/openapi/api-errors.decorator.js';
import { Requires } from '../auth/access.decorators.js';
import { UuidParam } from '../common/validation/uuid-param.pipe.js';
import { PingResponse } from './dto/ping.response.js';
import { RerankService } from './rerank.service.js';

/** Ping stays on the Nest pipeline; the rerank calls themselves are hot routes (src/rerank/http). */
@ApiTags('rerank')
@ApiKeyAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('v1/rerankers/:id')
export class RerankController {
  constructor(private readonly rerank: RerankService) {}

  @Post('ping')
  @HttpCode(200)
  @Requires('PING', 'RERANKER')
  @ApiOperation({
    summary: "Check a reranker's upstream",
    description: "Sends a one-document call with the reranker's endpoint and credentials. An upstream failure is reported in the body (ok: false), not as an error status.",
  })
  @ApiOkResponse({ type: PingResponse, description: 'Upstream failures are reported in the body' })
  @ApiErrors('INVALID_ARGUMENT', 'PERMISSION_DENIED', 'NOT_FOUND', 'UNAVAILABLE')
  ping(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string): Promise<PingResponse> {
    return this.rerank.ping(caller.principal, id);
  }
}
