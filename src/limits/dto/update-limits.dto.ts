import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { COST_DECIMALS, MAX_MONTHLY_COST, MAX_MONTHLY_DOCUMENTS, MAX_PER_MINUTE } from '../../config/limits-config.js';

const MEANING = '0: unlimited; null: back to the configured default; omitted: unchanged';

/** A whole-number limit: null (clear) skips validation, anything else must be an integer in range. */
const LimitField = (max: number, what: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', format: 'int64', minimum: 0, maximum: max, nullable: true, description: `${what}. ${MEANING}` }),
    IsOptional(),
    IsInt(),
    Min(0),
    Max(max),
  );

/**
 * At most `decimals` decimal places, read from the value rather than its text (class-validator's
 * maxDecimalPlaces fails on exponent notation such as 1e-7).
 */
const HasAtMostDecimals = (decimals: number): PropertyDecorator =>
  ValidateBy({
    name: 'hasAtMostDecimals',
    validator: {
      validate: (value: unknown) => typeof value === 'number' && Math.round(value * 10 ** decimals) / 10 ** decimals === value,
      defaultMessage: (args) => `${args?.property ?? 'value'} must have at most ${decimals} decimal places`,
    },
  });

/** Partial update: only sent fields change. */
export class UpdateLimitsDto {
  @LimitField(MAX_PER_MINUTE, 'Calls per minute')
  requestsPerMinute?: number | null;

  @LimitField(MAX_PER_MINUTE, 'Documents per minute, summed over calls')
  documentsPerMinute?: number | null;

  @LimitField(MAX_PER_MINUTE, 'Calls in flight at once')
  concurrentCalls?: number | null;

  @LimitField(MAX_MONTHLY_DOCUMENTS, 'Documents per calendar month (UTC)')
  monthlyDocuments?: number | null;

  @ApiPropertyOptional({
    type: 'number',
    minimum: 0,
    maximum: MAX_MONTHLY_COST,
    nullable: true,
    description: `Cost per calendar month (UTC), in the rerankers' pricing currency, up to ${COST_DECIMALS} decimals. ${MEANING}`,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @HasAtMostDecimals(COST_DECIMALS)
  @Min(0)
  @Max(MAX_MONTHLY_COST)
  monthlyCost?: number | null;
}
