import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { STRING_MAP } from '../../common/openapi/schema-properties.js';
import { IsInt, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { RESOURCE_NAME, RESOURCE_NAME_RULE } from '../../common/validation/resource-name.js';
import { canonicalUuid, IsCanonicalUuid, isUuid } from '../../common/validation/canonical-uuid.js';
import { ValidateProblem } from '../../common/validation/problem-validator.js';
import { IsOptionalNonNull } from '../../common/validation/optional.js';
import { MAX_TIMESTAMP_MS } from '../../common/time.js';
import { IsLabels, type Labels } from '../../common/validation/labels.js';
import { ApiKeyScopesDto } from './api-key-scopes.dto.js';

/** A reranker id (lowercased) or an alias name; whether it exists is known only when a call runs it. */
function defaultModelProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a reranker id or an alias name';
  return isUuid(value) || RESOURCE_NAME.test(value) ? undefined : `must be a reranker id or an alias name (${RESOURCE_NAME_RULE})`;
}

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

  @ApiPropertyOptional({
    description:
      'What rerank calls with this key run when they name no model (TEI clients, Cohere v1 without model): a reranker id or an alias name, within the key\'s scopes. Cannot be changed later',
    example: 'search-default',
  })
  @IsOptionalNonNull()
  @Transform(({ value }) => (typeof value === 'string' && isUuid(value) ? canonicalUuid(value) : value))
  @ValidateProblem('isDefaultModel', defaultModelProblem)
  defaultModel?: string;
}
