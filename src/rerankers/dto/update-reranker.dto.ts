import { ApiPropertyOptional } from '@nestjs/swagger';
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
import { IsOptionalNonNull } from '../../common/validation/optional.js';
import { trimmed } from '../../common/validation/transforms.js';
import { Modality, ProviderType } from '../../generated/prisma/enums.js';
import { CredentialsDto } from '../credentials/credentials.dto.js';
import { IsExtraHeaders } from '../extra-headers.js';
import { MAX_BATCH, MAX_TIMEOUT_MS, MIN_TIMEOUT_MS } from './create-reranker.dto.js';

/**
 * Partial update (PUT and PATCH alike): only sent fields change; `null` clears the
 * nullable ones and removes credentials.
 */
export class UpdateRerankerDto {
  @ApiPropertyOptional()
  @IsOptionalNonNull()
  @Transform(trimmed)
  @IsString()
  @Length(1, 255)
  displayName?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  description?: string | null;

  @ApiPropertyOptional({ enum: ProviderType, description: 'Immutable: only the current value is accepted' })
  @IsOptionalNonNull()
  @IsEnum(ProviderType)
  providerType?: ProviderType;

  @ApiPropertyOptional({ description: 'Immutable: only the current value is accepted' })
  @IsOptionalNonNull()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional()
  @IsOptionalNonNull()
  @IsString()
  @MaxLength(2048)
  endpointUrl?: string;

  @ApiPropertyOptional()
  @IsOptionalNonNull()
  @IsString()
  @MaxLength(512)
  apiPath?: string;

  @ApiPropertyOptional()
  @IsOptionalNonNull()
  @Transform(trimmed)
  @IsString()
  @Length(1, 255)
  modelIdentifier?: string;

  @ApiPropertyOptional({ enum: Modality, isArray: true })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsEnum(Modality, { each: true })
  supportedModalities?: Modality[];

  @ApiPropertyOptional({ type: CredentialsDto, nullable: true, description: 'omitted: keep; object: replace; null: remove' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CredentialsDto)
  credentials?: CredentialsDto | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Replace all labels' })
  @IsOptionalNonNull()
  @IsLabels()
  replaceLabels?: Labels;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Add or overwrite labels' })
  @IsOptionalNonNull()
  @IsLabels()
  mergeLabels?: Labels;

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

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsInt()
  @Min(MIN_TIMEOUT_MS)
  @Max(MAX_TIMEOUT_MS)
  requestTimeoutMs?: number | null;

  @ApiPropertyOptional({ nullable: true })
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
