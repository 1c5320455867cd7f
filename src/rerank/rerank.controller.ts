import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/caller.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../common/openapi/api-key-auth.js';
import { AUTHENTICATED_ERRORS, ApiErrors } from '../common/openapi/api-errors.decorator.js';
import { Requires } from '../auth/access.decorators.js';
import { UuidParam } from '../common/validation/uuid-param.pipe.js';
import { PingResponse } from './dto/ping.response.js';
import { RerankRouter } from './routing/rerank-router.js';

/** Ping stays on the Nest pipeline; the rerank calls themselves are hot routes (src/rerank/http). */
@ApiTags('rerank')
@ApiKeyAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('v1/rerankers/:id')
export class RerankController {
  constructor(private readonly router: RerankRouter) {}

  @Post('ping')
  @HttpCode(200)
  @Requires('PING', 'RERANKER')
  @ApiOperation({
    summary: "Check a reranker's upstream",
    description:
      "Sends a one-document call with the reranker's endpoint and credentials. An upstream failure is reported in the body (ok: false), not as an error status. Admitted by the same rate limits and quotas as a rerank call (one request, one document) and booked as usage with outcome `ping`.",
  })
  @ApiOkResponse({ type: PingResponse, description: 'Upstream failures are reported in the body' })
  @ApiErrors('INVALID_ARGUMENT', 'PERMISSION_DENIED', 'NOT_FOUND', 'RATE_LIMITED', 'QUOTA_EXCEEDED', 'TOO_MANY_FAILED_ATTEMPTS', 'UNAVAILABLE')
  ping(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string): Promise<PingResponse> {
    return this.router.ping(caller.principal, id);
  }
}
