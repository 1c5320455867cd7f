import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { ApiErrors } from '../common/openapi/api-errors.decorator.js';
import { DomainError } from '../common/errors/domain-error.js';
import { DatabaseService } from '../database/database.service.js';
import { RateLimits } from '../limits/rate-limits.js';
import { LivenessResponse, ReadinessResponse } from './dto/health.response.js';

const READINESS_TIMEOUT_MS = 2_000;

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly database: DatabaseService,
    private readonly limits: RateLimits,
  ) {}

  /** Liveness: the process is up and serving. */
  @Public()
  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up and serving' })
  @ApiOkResponse({ type: LivenessResponse })
  @ApiErrors()
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers; 503 otherwise. Also says how the rate-limit store (Redis) is. */
  @Public()
  @Get('readyz')
  @ApiOperation({
    summary: 'Readiness: the database answers',
    description: '503 UNAVAILABLE when the database does not answer within 2 seconds.',
  })
  @ApiOkResponse({ type: ReadinessResponse })
  @ApiErrors('UNAVAILABLE')
  async readyz(): Promise<ReadinessResponse> {
    if (!(await this.database.isReachable(READINESS_TIMEOUT_MS))) {
      throw new DomainError('UNAVAILABLE', 'Database is not reachable');
    }
    return { status: 'ready', database: this.database.kind, rateLimitStore: this.limits.storeStatus };
  }
}
