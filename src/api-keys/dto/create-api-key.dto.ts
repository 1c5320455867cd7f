import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { STRING_MAP } from '../../common/openapi/schema-properties.js';
import { IsInt, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';
import { IsOptionalNonNull } from '../../common/validation/optional.js';
import { MAX_TIMESTAMP_MS } from '../../common/time.js';
import { IsLabels, type Labels } from '../../common/validation/labels.js';
import { ApiKeyScopesDto } from './api-key-scopes.dto.js';

export class CreateApiKeyDto {
  @ApiPropertyOptional(STRING_MAP)
  @IsOptionalNonNull()
  @IsLabels()
  labels?: Labels;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', description: 'Expiry, epoch milliseconds; must be in the future' })
  @IsOptionalNonNull()
  @IsInt()
  @Min(0)
  @Max(MAX_TIMESTAMP_MS)
  expiresAt?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Issue the key for another user (needs CREATE_APIKEY_ANY)' })
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
