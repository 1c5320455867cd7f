import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import type { RerankDocument } from '../document-text.js';
import { IsRerankDocuments } from './rerank-documents.js';

export const MAX_QUERY_LENGTH = 100_000;

/** POST /v1/rerankers/{id}/rerank */
export class RerankRequestDto {
  @ApiProperty()
  @IsString()
  @Length(1, MAX_QUERY_LENGTH)
  query!: string;

  @ApiProperty({ description: 'Strings, or objects whose rankFields are ranked', type: 'array', items: {} })
  @IsRerankDocuments()
  documents!: RerankDocument[];

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  topN?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  returnDocuments?: boolean;

  @ApiPropertyOptional({ default: ['text'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @Length(1, 255, { each: true })
  rankFields?: string[];

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  maxTokensPerDoc?: number;
}
