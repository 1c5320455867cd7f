import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';
import { IsOptionalNonNull } from '../../common/validation/optional.js';
import { MAX_TIMESTAMP_MS } from '../../common/time.js';
import { IsLabels, type Labels } from '../../common/validation/labels.js';
import { ApiKeyScopesDto } from './api-key-scopes.dto.js';

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

  @ApiPropertyOptional({
    type: ApiKeyScopesDto,
    description: "Narrows the key (omitted: the user's whole role; a narrowed calling key passes on its own scope). Cannot be changed later",
  })
  @IsOptionalNonNull()
  @IsObject()
  @ValidateNested()
  @Type(() => ApiKeyScopesDto)
  scopes?: ApiKeyScopesDto;
}
