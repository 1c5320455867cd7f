import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ERROR_STATUS, type ErrorCode } from '../errors/error-code.js';

const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** The OpenAI-style copy of the error, so SDKs built for OpenAI show the message. */
@ApiSchema({ name: 'OpenAiError' })
export class OpenAiErrorSchema {
  @ApiProperty()
  message!: string;

  @ApiProperty({ description: 'The error family, e.g. invalid_request_error' })
  type!: string;

  @ApiProperty({ description: 'The stable error code' })
  code!: string;

  @ApiProperty({ type: 'string', nullable: true, description: 'Always null: OpenAI-style clients expect the field' })
  param!: null;
}

/** OpenAPI description of the one error model (src/common/errors/error-body.ts). */
@ApiSchema({ name: 'ErrorBody' })
export class ErrorBodySchema {
  @ApiProperty({ enum: ERROR_CODES, enumName: 'ErrorCode', description: 'Stable, machine-readable' })
  code!: ErrorCode;

  @ApiProperty()
  message!: string;

  @ApiProperty({ description: 'The same text as message, for Jina-style clients' })
  detail!: string;

  @ApiProperty({ description: 'Also in the x-request-id response header' })
  requestId!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Structured context, e.g. per-field problems' })
  details?: Record<string, unknown>;

  @ApiProperty({ type: OpenAiErrorSchema })
  error!: OpenAiErrorSchema;
}
