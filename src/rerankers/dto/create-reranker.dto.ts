import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsLabels, type Labels } from '../../common/validation/labels.js';
import { trimmed } from '../../common/validation/transforms.js';
import { Modality, ProviderType } from '../../generated/prisma/enums.js';
import { CredentialsDto } from '../credentials/credentials.dto.js';
import { IsExtraHeaders } from '../extra-headers.js';

export const MIN_TIMEOUT_MS = 100;
export const MAX_TIMEOUT_MS = 600_000;
export const MAX_BATCH = 10_000;

/** The GoodMem-compatible create body, plus per-reranker call settings. */
export class CreateRerankerDto {
  @ApiPropertyOptional({ description: 'Client-chosen id; 409 if in use' })
  @IsOptional()
  @IsUUID()
  rerankerId?: string;

  @ApiProperty({ example: 'Cohere v3.5' })
  @Transform(trimmed)
  @IsString()
  @Length(1, 255)
  displayName!: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  description?: string | null;

  @ApiProperty({ enum: ProviderType })
  @IsEnum(ProviderType)
  providerType!: ProviderType;

  @ApiProperty({ example: 'https://api.cohere.com' })
  @IsString()
  @MaxLength(2048)
  endpointUrl!: string;

  @ApiPropertyOptional({ description: 'Default per provider: COHERE /v2/rerank, JINA /v1/rerank, others /rerank' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  apiPath?: string;

  @ApiProperty({ example: 'rerank-v3.5' })
  @Transform(trimmed)
  @IsString()
  @Length(1, 255)
  modelIdentifier!: string;

  @ApiPropertyOptional({ enum: Modality, isArray: true, default: ['TEXT'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsEnum(Modality, { each: true })
  supportedModalities?: Modality[];

  @ApiPropertyOptional({ type: CredentialsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CredentialsDto)
  credentials?: CredentialsDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsLabels()
  labels?: Labels;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  version?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  monitoringEndpoint?: string | null;

  @ApiPropertyOptional({ description: 'Owner (needs CREATE_RERANKER_ANY for someone else)' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ minimum: MIN_TIMEOUT_MS, maximum: MAX_TIMEOUT_MS, description: 'Total upstream deadline (default 30000)' })
  @IsOptional()
  @IsInt()
  @Min(MIN_TIMEOUT_MS)
  @Max(MAX_TIMEOUT_MS)
  requestTimeoutMs?: number | null;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_BATCH, description: 'Upstream batch size' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_BATCH)
  maxDocumentsPerRequest?: number | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, nullable: true })
  @IsOptional()
  @IsExtraHeaders()
  extraHeaders?: Record<string, string> | null;
}
