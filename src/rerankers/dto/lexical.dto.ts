import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, Max, Min } from 'class-validator';
import { IsOptionalNonNull } from '../../common/validation/optional.js';

/** BM25's tuning of a LEXICAL reranker; what is left out keeps Okapi's default. */
export class LexicalDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 1.2, description: 'Term-frequency saturation' })
  @IsOptionalNonNull()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  k1?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: 0.75, description: 'Length normalization' })
  @IsOptionalNonNull()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  b?: number;
}

/** The response's schema, inline so that null validates against it (a nullable $ref does not in OpenAPI 3.0). */
export const LEXICAL_TUNING_SCHEMA = {
  type: 'object',
  nullable: true,
  properties: { k1: { type: 'number' }, b: { type: 'number' } },
} as const;

/** What is stored and returned: only the parameters that were set. */
export interface LexicalTuning {
  readonly k1?: number;
  readonly b?: number;
}

export function toLexicalTuning(dto: LexicalDto): LexicalTuning {
  return { ...(dto.k1 !== undefined ? { k1: dto.k1 } : {}), ...(dto.b !== undefined ? { b: dto.b } : {}) };
}
