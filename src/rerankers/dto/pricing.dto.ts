import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO4217CurrencyCode, IsObject, Matches, ValidateNested } from 'class-validator';
import { DomainError } from '../../common/errors/domain-error.js';
import { IsOptionalNonNull } from '../../common/validation/optional.js';
import { ValidateProblem } from '../../common/validation/problem-validator.js';
import { canonicalRate, MAX_RATE, RATE_FIELDS, RATE_PATTERN, rateProblem, type Pricing, type RateField } from '../../usage/pricing.js';

const RATE_DESCRIPTION = 'Non-negative decimal, at most 9 decimals (a string keeps it exact)';
const RATE_SCHEMA = { oneOf: [{ type: 'number', minimum: 0, exclusiveMaximum: MAX_RATE }, { type: 'string', pattern: RATE_PATTERN }] as Array<Record<string, unknown>> };

const IsRate = () => applyDecorators(IsOptionalNonNull(), ValidateProblem('isRate', rateProblem));

/** What a call through the reranker costs; rates that are set add up. */
export class PricingDto {
  @ApiProperty({ example: 'USD', description: 'ISO 4217, capitals' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code in capitals, like USD' })
  @IsISO4217CurrencyCode({ message: 'currency must be an ISO 4217 code in capitals, like USD' })
  currency!: string;

  @ApiPropertyOptional({ ...RATE_SCHEMA, example: '0.002', description: `Per search unit (Cohere: one query of up to 100 documents). ${RATE_DESCRIPTION}` })
  @IsRate()
  perSearchUnit?: string | number;

  @ApiPropertyOptional({ ...RATE_SCHEMA, example: '0.05', description: `Per million tokens (as reported, else estimated). ${RATE_DESCRIPTION}` })
  @IsRate()
  perMillionTokens?: string | number;

  @ApiPropertyOptional({ ...RATE_SCHEMA, description: `Per upstream request. ${RATE_DESCRIPTION}` })
  @IsRate()
  perRequest?: string | number;

  @ApiPropertyOptional({ ...RATE_SCHEMA, description: `Per thousand documents. ${RATE_DESCRIPTION}` })
  @IsRate()
  perThousandDocuments?: string | number;
}

export const PricingRules = () => applyDecorators(IsObject(), ValidateNested(), Type(() => PricingDto));

/** Pricing as stored and shown: canonical decimal strings. */
export class PricingResponse {
  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiPropertyOptional({ example: '0.002' })
  perSearchUnit?: string;

  @ApiPropertyOptional()
  perMillionTokens?: string;

  @ApiPropertyOptional()
  perRequest?: string;

  @ApiPropertyOptional()
  perThousandDocuments?: string;
}

/** The stored form of valid pricing; 400 when it names no rate. */
export function toPricing(dto: PricingDto): Pricing {
  const rates = RATE_FIELDS.filter((field) => dto[field] !== undefined).map((field): [RateField, string] => [field, canonicalRate(dto[field]!)]);
  if (rates.length === 0) throw DomainError.invalidArgument(`pricing needs at least one of ${RATE_FIELDS.join(', ')}`);
  return { currency: dto.currency, ...Object.fromEntries(rates) };
}
