import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, IsUUID, Length, Min } from 'class-validator';
import type { RerankDocument } from '../document-text.js';
import { IsRerankDocuments } from './rerank-documents.js';
import { MAX_QUERY_LENGTH } from './rerank-request.dto.js';

const MODEL_IS_RERANKER = { message: 'model must be the id of a reranker registered here' };

class CompatRerankBase {
  @ApiProperty({ description: 'The reranker id' })
  @IsUUID(undefined, MODEL_IS_RERANKER)
  model!: string;

  @ApiProperty()
  @IsString()
  @Length(1, MAX_QUERY_LENGTH)
  query!: string;

  @ApiProperty({ type: 'array', items: {} })
  @IsRerankDocuments()
  documents!: RerankDocument[];

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  top_n?: number;
}

/** POST /v1/rerank and /rerank: the Jina / Cohere v1 shape. */
export class CompatV1RerankDto extends CompatRerankBase {
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  return_documents?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  rank_fields?: string[];
}

/** POST /v2/rerank: the Cohere v2 shape. */
export class CompatV2RerankDto extends CompatRerankBase {
  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  max_tokens_per_doc?: number;
}
