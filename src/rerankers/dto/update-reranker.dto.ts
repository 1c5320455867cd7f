import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, type TransformFnParams } from 'class-transformer';
import { IsEnum, IsOptional } from 'class-validator';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';
import { LabelChangesDto } from '../../common/validation/label-changes.dto.js';
import { IsOptionalNonNull } from '../../common/validation/optional.js';
import { Modality, ProviderType, ScoreNormalization } from '../../generated/prisma/enums.js';
import { CredentialsDto } from '../../credentials/credentials.dto.js';
import { IsExtraHeaders } from '../../credentials/extra-headers.js';
import { PricingDto, PricingRules } from './pricing.dto.js';
import {
  ApiPathRules,
  BatchSizeRules,
  CredentialsRules,
  DescriptionRules,
  DisplayNameRules,
  EndpointUrlRules,
  ModalitiesRules,
  ModelIdentifierRules,
  MonitoringEndpointRules,
  ScoreNormalizationRules,
  TimeoutRules,
  TokenBudgetRules,
  VersionRules,
} from './reranker-field-rules.js';

/**
 * Partial update (PUT and PATCH alike): only sent fields change; `null` clears the
 * nullable ones and removes credentials, and is refused for the others.
 */
export class UpdateRerankerDto extends LabelChangesDto {
  @ApiPropertyOptional()
  @IsOptionalNonNull()
  @DisplayNameRules()
  displayName?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @DescriptionRules()
  description?: string | null;

  @ApiPropertyOptional({ enum: ProviderType, description: 'Immutable: only the current value is accepted' })
  @IsOptionalNonNull()
  @IsEnum(ProviderType)
  providerType?: ProviderType;

  @ApiPropertyOptional({ description: 'Immutable: only the current value is accepted' })
  @IsOptionalNonNull()
  @IsCanonicalUuid()
  ownerId?: string;

  @ApiPropertyOptional()
  @IsOptionalNonNull()
  @EndpointUrlRules()
  endpointUrl?: string;

  @ApiPropertyOptional()
  @IsOptionalNonNull()
  @ApiPathRules()
  apiPath?: string;

  @ApiPropertyOptional()
  @IsOptionalNonNull()
  @ModelIdentifierRules()
  modelIdentifier?: string;

  @ApiPropertyOptional({ enum: Modality, isArray: true, description: 'An empty list means no change (as in GoodMem)' })
  @Transform(emptyMeansUnchanged)
  @IsOptionalNonNull()
  @ModalitiesRules()
  supportedModalities?: Modality[];

  @ApiPropertyOptional({ type: CredentialsDto, nullable: true, description: 'omitted: keep; object: replace; null: remove' })
  @IsOptional()
  @CredentialsRules()
  credentials?: CredentialsDto | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @VersionRules()
  version?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @MonitoringEndpointRules()
  monitoringEndpoint?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @TimeoutRules()
  requestTimeoutMs?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @BatchSizeRules()
  maxDocumentsPerRequest?: number | null;

  @ApiPropertyOptional({ nullable: true, description: 'null: the provider default' })
  @IsOptional()
  @TokenBudgetRules()
  maxTokensPerRequest?: number | null;

  @ApiPropertyOptional({ enum: ScoreNormalization })
  @IsOptionalNonNull()
  @ScoreNormalizationRules()
  scoreNormalization?: ScoreNormalization;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, nullable: true })
  @IsOptional()
  @IsExtraHeaders()
  extraHeaders?: Record<string, string> | null;

  @ApiPropertyOptional({ type: PricingDto, nullable: true, description: 'What a call costs, for usage and cost reports; omitted: keep; object: replace; null: unpriced' })
  @IsOptional()
  @PricingRules()
  pricing?: PricingDto | null;
}

/** GoodMem clients send every repeated field, so an empty list stands for "not sent". */
function emptyMeansUnchanged({ value }: TransformFnParams): unknown {
  return Array.isArray(value) && value.length === 0 ? undefined : value;
}
