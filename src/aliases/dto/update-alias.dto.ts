import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { AliasStrategy, LastResort } from '../../generated/prisma/enums.js';
import { LabelChangesDto } from '../../common/validation/label-changes.dto.js';
import { IsOptionalNonNull } from '../../common/validation/optional.js';
import { AliasDescriptionRules, AliasTargetDto, LastResortRules, MAX_TARGETS, StrategyRules, TargetsRules } from './alias-field-rules.js';

/** Partial update: only sent fields change; `null` clears description and lastResort. The name is the key: immutable. */
export class UpdateAliasDto extends LabelChangesDto {
  @ApiPropertyOptional({ type: 'string', nullable: true })
  @IsOptional()
  @AliasDescriptionRules()
  description?: string | null;

  @ApiPropertyOptional({ enum: AliasStrategy })
  @IsOptionalNonNull()
  @StrategyRules()
  strategy?: AliasStrategy;

  @ApiPropertyOptional({ type: [AliasTargetDto], minItems: 1, maxItems: MAX_TARGETS, description: 'Replaces every target' })
  @IsOptionalNonNull()
  @TargetsRules()
  targets?: AliasTargetDto[];

  @ApiPropertyOptional({ enum: LastResort, nullable: true })
  @IsOptional()
  @LastResortRules()
  lastResort?: LastResort | null;

}
