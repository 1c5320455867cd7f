import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';
import { IsOptionalNonNull } from '../../common/validation/optional.js';
import { MAX_TIMESTAMP_MS } from '../../common/time.js';
import { IsLabels, type Labels } from '../../common/validation/labels.js';

export class CreateApiKeyDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptionalNonNull()
  @IsLabels()
  labels?: Labels;

  @ApiPropertyOptional({ description: 'Expiry, epoch milliseconds; must be in the future' })
  @IsOptionalNonNull()
  @IsInt()
  @Min(0)
  @Max(MAX_TIMESTAMP_MS)
  expiresAt?: number;

  @ApiPropertyOptional({ description: 'Issue the key for another user (needs CREATE_APIKEY_ANY)' })
  @IsOptionalNonNull()
  @IsCanonicalUuid()
  userId?: string;
}
