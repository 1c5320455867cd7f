import { ApiProperty } from '@nestjs/swagger';
import type { DatabaseKind } from '../../database/database-engine.js';
import type { StoreStatus } from '../../limits/counter-store.js';

export const DATABASE_KIND_SCHEMA = { enum: ['postgres', 'embedded'] satisfies DatabaseKind[] };

export class LivenessResponse {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

export class ReadinessResponse {
  @ApiProperty({ enum: ['ready'] })
  status!: 'ready';

  @ApiProperty(DATABASE_KIND_SCHEMA)
  database!: DatabaseKind;

  @ApiProperty({ enum: ['in-process', 'up', 'down'] satisfies StoreStatus[], description: "The rate-limit store: Redis up or down (REDIS_URL; down does not make the service unready, RATE_LIMIT_REDIS_FAILURE decides), or in process" })
  rateLimitStore!: StoreStatus;
}
