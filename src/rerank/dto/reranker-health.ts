import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';
import { canonicalUuid } from '../../common/validation/canonical-uuid.js';
import { ApiEpochMs } from '../../common/openapi/schema-properties.js';
import type { CircuitStatus } from '../upstream/circuit-breaker.js';
import { PingResponse } from './ping.response.js';

/** Health of at most this many rerankers per request (a page of the console's list). */
export const MAX_HEALTH_IDS = 100;

export class RerankerHealthQuery {
  @ApiProperty({ type: [String], format: 'uuid', description: `The rerankers (1-${MAX_HEALTH_IDS}); repeat the parameter for several`, minItems: 1, maxItems: MAX_HEALTH_IDS })
  @Transform(({ value }) => (Array.isArray(value) ? value : [value]).map((id) => (typeof id === 'string' ? canonicalUuid(id) : id)))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_HEALTH_IDS)
  @IsUUID(undefined, { each: true })
  rerankerId!: string[];
}

export class LastProbeResponse extends PingResponse {
  @ApiEpochMs({ description: 'When the ping was made' })
  at!: number;
}

export class RerankerHealthResponse {
  @ApiProperty({ format: 'uuid' })
  rerankerId!: string;

  @ApiProperty({ enum: ['closed', 'open', 'half-open'], description: 'The circuit breaker on this instance: open fails calls fast, half-open lets one probe through' })
  circuit!: CircuitStatus;

  @ApiProperty({ type: LastProbeResponse, nullable: true, description: 'The last ping this instance made (kept in memory): null when none since it started or since the reranker changed' })
  lastProbe!: LastProbeResponse | null;
}

export class RerankerHealthList {
  @ApiProperty({ type: [RerankerHealthResponse], description: 'The rerankers asked for that the caller may read, in the order asked' })
  rerankers!: RerankerHealthResponse[];
}
