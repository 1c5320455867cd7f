import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsInt, IsObject, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
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

  // A JSON number, as sent: no conversion (Number() of an object like {"toString": null} throws, a 500).
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_WEIGHT, default: 1, description: 'Share among targets of the same priority (WEIGHTED)' })
  @IsInt()
  @Min(1)
  @Max(MAX_WEIGHT)
  weight: number = 1;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_PRIORITY, default: 0, description: 'Lower is tried first' })
  @IsInt()
  @Min(0)
  @Max(MAX_PRIORITY)
  priority: number = 0;
}

/** What a value of each alias field must be, shared by create and update. */
export const AliasDescriptionRules = () => applyDecorators(IsString(), MaxLength(4096));
export const StrategyRules = () => applyDecorators(IsEnum(AliasStrategy));
export const LastResortRules = () => applyDecorators(IsEnum(LastResort));
/**
 * A list of target objects. IsObject on each item keeps nested lists (`[[{...}]]`, `[[]]`) out:
 * ValidateNested walks into an inner array as if it were the list, so they would pass to the
 * service as arrays.
 */
export const TargetsRules = () =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(MAX_TARGETS),
    IsObject({ each: true, message: 'each item of targets must be an object {rerankerId, weight?, priority?}' }),
    ValidateNested({ each: true }),
    Type(() => AliasTargetDto),
  );
