import { Controller, Get, Query } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/caller.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../common/openapi/api-key-auth.js';
import { Requires } from '../auth/access.decorators.js';
import { AUTHENTICATED_ERRORS, ApiErrors } from '../common/openapi/api-errors.decorator.js';
import { parseTime, UsageQuery } from './dto/usage.query.js';
import { toUsageBucket, UsageReport } from './dto/usage.response.js';
import { UsageService } from './usage.service.js';

const DEFAULT_RANGE_MS = 86_400_000;

@ApiTags('usage')
@ApiKeyAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('v1/usage')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  /** Written usage (up to USAGE_FLUSH_INTERVAL_MS behind), summed per bucket and group. */
  @Get()
  @Requires('READ', 'USAGE')
  @ApiOperation({
    summary: 'Usage and cost report',
    description: 'Calls, documents, upstream units, cost, errors and latency per time bucket, optionally one series per reranker, alias, API key or owner. Usage is written in batches, up to USAGE_FLUSH_INTERVAL_MS behind.',
  })
  @ApiOkResponse({ type: UsageReport })
  @ApiErrors('INVALID_ARGUMENT', 'PERMISSION_DENIED')
  async report(@CurrentCaller() caller: Caller, @Query() query: UsageQuery): Promise<UsageReport> {
    const to = query.to ? parseTime(query.to)! : new Date();
    const from = query.from ? parseTime(query.from)! : new Date(to.getTime() - DEFAULT_RANGE_MS);
    const granularity = query.granularity ?? 'hour';
    const buckets = await this.usage.report(caller.principal, { from, to, granularity, groupBy: query.groupBy, ownerId: query.ownerId, alias: query.alias });
    return {
      from: from.getTime(),
      to: to.getTime(),
      granularity,
      ...(query.groupBy ? { groupBy: query.groupBy } : {}),
      buckets: buckets.map((bucket) => toUsageBucket(bucket, query.groupBy)),
    };
  }
}
