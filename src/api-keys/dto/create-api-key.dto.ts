import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsUUID, Min } from 'class-validator';
import { IsLabels, type Labels } from '../../common/validation/labels.js';

export class CreateApiKeyDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsLabels()
  labels?: Labels;

  @ApiPropertyOptional({ description: 'Expiry, epoch milliseconds; must be in the future' })
  @IsOptional()
  @IsInt()
  @Min(0)
  expiresAt?: number;

  @ApiPropertyOptional({ description: 'Issue the key for another user (needs CREATE_APIKEY_ANY)' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}
