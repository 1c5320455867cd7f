import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import type { DatabaseKind } from '../../database/database-engine.js';
import { DATABASE_KIND_SCHEMA } from '../../health/dto/health.response.js';

/** The first init: the root user and its key, shown this once. */
export class SystemInitialized {
  @ApiProperty({ enum: [false] })
  alreadyInitialized!: false;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ description: 'The root API key; it cannot be shown again' })
  rootApiKey!: string;
}

/** Any later init: nothing is created or revealed. */
export class SystemAlreadyInitialized {
  @ApiProperty({ enum: [true] })
  alreadyInitialized!: true;
}

export const INIT_RESPONSE_SCHEMA = {
  oneOf: [{ $ref: getSchemaPath(SystemInitialized) }, { $ref: getSchemaPath(SystemAlreadyInitialized) }],
};

export class SystemInfoResponse {
  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty(DATABASE_KIND_SCHEMA)
  databaseKind!: DatabaseKind;

  @ApiPropertyOptional({ description: 'Whether init has run; in production only for holders of the init token' })
  initialized?: boolean;
}
