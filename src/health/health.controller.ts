import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { DomainError } from '../common/errors/domain-error.js';
import { DatabaseService } from '../database/database.service.js';

const READINESS_TIMEOUT_MS = 2_000;

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly database: DatabaseService) {}

  /** Liveness: the process is up and serving. */
  @Public()
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers; 503 otherwise. */
  @Public()
  @Get('readyz')
  async readyz(): Promise<{ status: 'ready'; database: string }> {
    if (!(await this.database.isReachable(READINESS_TIMEOUT_MS))) {
      throw new DomainError('UNAVAILABLE', 'Database is not reachable');
    }
    return { status: 'ready', database: this.database.kind };
  }
}
