import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { STRING_MAP } from '../../common/openapi/schema-properties.js';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';
import { IsOptionalNonNull } from '../../common/validation/optional.js';
import { AliasStrategy, LastResort } from '../../generated/prisma/enums.js';
import { IsLabels, type Labels } from '../../common/validation/labels.js';
import { ResourceNameRules } from '../../common/validation/resource-name.js';
import {
  AliasDescriptionRules,
  AliasTargetDto,
  LastResortRules,
  MAX_TARGETS,
  StrategyRules,
  TargetsRules,
} from './alias-field-rules.js';

export class CreateAliasDto {
  @ApiProperty({ example: 'rerank-v3.5', description: 'Unique per owner; what clients send as `model`' })
  @ResourceNameRules()
  name!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @IsOptional()
  @AliasDescriptionRules()
  description?: string | null;

  @ApiPropertyOptional({ enum: AliasStrategy, nullable: true, default: AliasStrategy.FALLBACK })
  @IsOptional()
  @StrategyRules()
  strategy?: AliasStrategy;

  @ApiProperty({ type: [AliasTargetDto], minItems: 1, maxItems: MAX_TARGETS })
  @TargetsRules()
  targets!: AliasTargetDto[];

  @ApiPropertyOptional({ enum: LastResort, nullable: true, description: 'LEXICAL: rank with BM25 when every target failed' })
  @IsOptional()
  @LastResortRules()
  lastResort?: LastResort | null;

  @ApiPropertyOptional({ ...STRING_MAP, nullable: true })
  @IsOptional()
  @IsLabels()
  labels?: Labels;

  @ApiPropertyOptional({ format: 'uuid', description: 'Owner (needs CREATE_ALIAS_ANY for someone else); default: the caller' })
  @IsOptionalNonNull()
  @IsCanonicalUuid()
  ownerId?: string;
}
