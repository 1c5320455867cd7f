import { ApiProperty } from '@nestjs/swagger';
import type { DatabaseKind } from '../../database/database-engine.js';

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
}
