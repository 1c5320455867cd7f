import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsOptional, ValidateNested } from 'class-validator';
import { STRING_MAP } from '../../common/openapi/schema-properties.js';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';
import { IsOptionalNonNull } from '../../common/validation/optional.js';
import { IsLabels, type Labels } from '../../common/validation/labels.js';
import { ResourceNameRules } from '../../common/validation/resource-name.js';
import { Modality, ProviderType, ScoreNormalization } from '../../generated/prisma/enums.js';
import { CredentialsDto } from '../../credentials/credentials.dto.js';
import { IsExtraHeaders } from '../../credentials/extra-headers.js';
import { LexicalDto } from './lexical.dto.js';
import { PricingDto, PricingRules } from './pricing.dto.js';
import {
  ApiPathRules,
  BatchSizeRules,
  CredentialsRules,
  DescriptionRules,
  DisplayNameRules,
  EndpointUrlRules,
  MAX_BATCH,
  MAX_TIMEOUT_MS,
  MAX_TOKENS_PER_REQUEST,
  MIN_TIMEOUT_MS,
  ModalitiesRules,
  ModelIdentifierRules,
  MonitoringEndpointRules,
  ScoreNormalizationRules,
  TimeoutRules,
  TokenBudgetRules,
  VersionRules,
} from './reranker-field-rules.js';

/** The GoodMem-compatible create body, plus per-reranker call settings. */
export class CreateRerankerDto {
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Client-chosen id; 409 if in use' })
  @IsOptional()
  @IsCanonicalUuid()
  rerankerId?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'cohere-v3.5',
    description: 'Unique per owner (1-128 of A-Z a-z 0-9 . _ : / -, not a UUID): a stable name, e.g. what rrctl manifests key the reranker by; null: unnamed',
  })
  @IsOptional()
  @ResourceNameRules()
  name?: string | null;

  @ApiProperty({ example: 'Cohere v3.5' })
  @DisplayNameRules()
  displayName!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @IsOptional()
  @DescriptionRules()
  description?: string | null;

  @ApiProperty({ enum: ProviderType })
  @IsEnum(ProviderType)
  providerType!: ProviderType;

  @ApiPropertyOptional({ example: 'https://api.cohere.com', description: 'Required, except for the built-in types (LEXICAL, LOCAL), which refuse it' })
  @IsOptionalNonNull()
  @EndpointUrlRules()
  endpointUrl?: string;

  @ApiPropertyOptional({
    nullable: true,
    description: 'Default per provider type (docs/providers.md), e.g. COHERE /v2/rerank, DEEPINFRA /v1/inference/<model>; refused for LEXICAL and LOCAL',
  })
  @IsOptional()
  @ApiPathRules()
  apiPath?: string;

  @ApiProperty({ example: 'rerank-v3.5', description: 'LEXICAL: bm25; LOCAL: a Hugging Face model id in MODELS_DIR (LOCAL_MODELS_ALLOWED)' })
  @ModelIdentifierRules()
  modelIdentifier!: string;

  @ApiPropertyOptional({ enum: Modality, isArray: true, nullable: true, default: ['TEXT'] })
  @IsOptional()
  @ModalitiesRules()
  supportedModalities?: Modality[];

  @ApiPropertyOptional({
    type: CredentialsDto,
    nullable: true,
    description: 'How the service authenticates upstream; omitted or null: no credentials; refused for LEXICAL and LOCAL',
  })
  @IsOptional()
  @CredentialsRules()
  credentials?: CredentialsDto;

  @ApiPropertyOptional({ ...STRING_MAP, nullable: true })
  @IsOptional()
  @IsLabels()
  labels?: Labels;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @IsOptional()
  @VersionRules()
  version?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @IsOptional()
  @MonitoringEndpointRules()
  monitoringEndpoint?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'Owner (needs CREATE_RERANKER_ANY for someone else); default: the caller' })
  @IsOptionalNonNull()
  @IsCanonicalUuid()
  ownerId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: MIN_TIMEOUT_MS, maximum: MAX_TIMEOUT_MS, nullable: true, description: 'Total upstream deadline in milliseconds; null: the default (30000)' })
  @IsOptional()
  @TimeoutRules()
  requestTimeoutMs?: number | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_BATCH, nullable: true, description: "Upstream batch size; null: the provider's default" })
  @IsOptional()
  @BatchSizeRules()
  maxDocumentsPerRequest?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_TOKENS_PER_REQUEST,
    nullable: true,
    description: 'Estimated tokens per upstream request (query tokens x documents + document tokens); default per provider: VOYAGE 300000-600000 by model, others none',
  })
  @IsOptional()
  @TokenBudgetRules()
  maxTokensPerRequest?: number | null;

  @ApiPropertyOptional({
    enum: ScoreNormalization,
    nullable: true,
    description: 'Applied to returned scores; default SIGMOID for LLAMA_CPP and NVIDIA_NIM (raw logits), NONE otherwise',
  })
  @IsOptional()
  @ScoreNormalizationRules()
  scoreNormalization?: ScoreNormalization;

  @ApiPropertyOptional({ ...STRING_MAP, nullable: true, description: 'Headers added to every upstream request; refused for LEXICAL and LOCAL' })
  @IsOptional()
  @IsExtraHeaders()
  extraHeaders?: Record<string, string> | null;

  @ApiPropertyOptional({ type: LexicalDto, nullable: true, description: "LEXICAL only: BM25's k1 and b; null: Okapi's defaults (1.2, 0.75)" })
  @IsOptional()
  @ValidateNested()
  @Type(() => LexicalDto)
  lexical?: LexicalDto | null;

  @ApiPropertyOptional({
    type: PricingDto,
    nullable: true,
    description:
      "What a call costs, for usage, cost reports and cost quotas; null: unpriced (the deployment's price list applies). Setting, changing or clearing it needs SET_PRICING (admins); sending the price it already has is no change",
  })
  @IsOptional()
  @PricingRules()
  pricing?: PricingDto | null;
}
