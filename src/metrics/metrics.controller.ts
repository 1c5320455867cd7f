import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../common/openapi/api-key-auth.js';
import type { FastifyReply } from 'fastify';
import { Requires } from '../auth/access.decorators.js';
import { AUTHENTICATED_ERRORS, ApiErrors } from '../common/openapi/api-errors.decorator.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('operations')
@ApiKeyAuth()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Prometheus exposition; admins only (or unauthenticated on METRICS_PORT). */
  @Get()
  @Requires('READ', 'METRICS')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description: 'Admins only here; unauthenticated on METRICS_PORT when that is set.',
  })
  @ApiOkResponse({
    description: 'Prometheus text exposition format',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiErrors(...AUTHENTICATED_ERRORS, 'PERMISSION_DENIED')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    await reply.header('content-type', contentType).send(body);
  }
}
