import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsEnum, IsInt, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AliasStrategy, LastResort } from '../../generated/prisma/enums.js';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';

export const MAX_TARGETS = 16;
export const MAX_WEIGHT = 1000;
export const MAX_PRIORITY = 100;

export class AliasTargetDto {
  @ApiProperty({ format: 'uuid' })
  @IsCanonicalUuid()
  rerankerId!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_WEIGHT, default: 1, description: 'Share among targets of the same priority (WEIGHTED)' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_WEIGHT)
  weight: number = 1;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_PRIORITY, default: 0, description: 'Lower is tried first' })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PRIORITY)
  priority: number = 0;
}

/** What a value of each alias field must be, shared by create and update. */
export const AliasDescriptionRules = () => applyDecorators(IsString(), MaxLength(4096));
export const StrategyRules = () => applyDecorators(IsEnum(AliasStrategy));
export const LastResortRules = () => applyDecorators(IsEnum(LastResort));
export const TargetsRules = () =>
  applyDecorators(ArrayMinSize(1), ArrayMaxSize(MAX_TARGETS), ValidateNested({ each: true }), Type(() => AliasTargetDto));
