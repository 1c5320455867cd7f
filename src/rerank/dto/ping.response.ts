import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { PingOutcome } from '../rerank-types.js';

/** The result of one tiny rerank call; an upstream failure is reported here, not as an error. */
export class PingResponse implements PingOutcome {
  @ApiProperty({ description: 'The upstream answered 2xx with a valid rerank body' })
  ok!: boolean;

  @ApiProperty({ type: 'integer', nullable: true, description: 'null when no HTTP answer came back' })
  httpStatus!: number | null;

  @ApiProperty({ description: 'Round-trip time in milliseconds' })
  rttMs!: number;

  @ApiPropertyOptional({ description: 'Why the ping failed, with secrets scrubbed' })
  errorMessage?: string;
}
