import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiNextToken, AuditedResponse, STRING_MAP } from '../../common/openapi/schema-properties.js';
import { epochMs } from '../../common/time.js';
import type { Reranker } from '../../generated/prisma/client.js';
import { Modality, ProviderType, ScoreNormalization } from '../../generated/prisma/enums.js';
import type { Pricing } from '../../usage/pricing.js';
import { RerankerUsageSummary } from '../../usage/dto/usage.response.js';
import { CREDENTIAL_KINDS, type CredentialKind, type CredentialMetadata } from '../../credentials/credential.js';
import { isBuiltinProvider } from '../../providers/provider-catalog.js';
import { LEXICAL_TUNING_SCHEMA, type LexicalTuning } from './lexical.dto.js';
import { PricingResponse } from './pricing.dto.js';

export class SecretRefMetadata {
  @ApiProperty({ example: 'env://RERANKER_SECRET_COHERE' })
  uri!: string;

  @ApiPropertyOptional(STRING_MAP)
  hints?: Record<string, string>;
}

export class ApiKeyCredentialMetadata {
  @ApiProperty({ example: 'Authorization' })
  headerName!: string;

  @ApiProperty({ example: 'Bearer ' })
  prefix!: string;

  @ApiPropertyOptional({ type: SecretRefMetadata })
  secretRef?: SecretRefMetadata;

  @ApiProperty()
  hasInlineSecret!: boolean;

  @ApiPropertyOptional({ description: 'The last 4 characters of a long inline secret', example: '…x9Qa' })
  secretHint?: string;
}

export class GcpAdcCredentialMetadata {
  @ApiProperty({ type: [String], description: 'OAuth scopes as registered; empty means cloud-platform' })
  scopes!: string[];

  @ApiPropertyOptional({ description: 'Sent as x-goog-user-project' })
  quotaProjectId?: string;
}

export class AwsSigV4CredentialMetadata {
  @ApiProperty({ example: 'us-east-1' })
  region!: string;

  @ApiProperty({ example: 'bedrock' })
  service!: string;

  @ApiProperty({ description: "false: the server's default AWS credential chain signs" })
  hasInlineKeys!: boolean;

  @ApiPropertyOptional({ example: '…7EXA', description: 'The last 4 characters of the inline access key id' })
  accessKeyIdHint?: string;

  @ApiPropertyOptional()
  hasSessionToken?: boolean;
}

/** Credentials as stored and shown: never the secret. One of apiKey, gcpAdc and awsSigV4, as `kind` says. */
export class CredentialMetadataResponse {
  @ApiProperty({ enum: CREDENTIAL_KINDS })
  kind!: CredentialKind;

  @ApiPropertyOptional({ type: ApiKeyCredentialMetadata, description: 'For CREDENTIAL_KIND_API_KEY' })
  apiKey?: ApiKeyCredentialMetadata;

  @ApiPropertyOptional({ type: GcpAdcCredentialMetadata, description: "For CREDENTIAL_KIND_GCP_ADC: the service's own Google identity" })
  gcpAdc?: GcpAdcCredentialMetadata;

  @ApiPropertyOptional({ type: AwsSigV4CredentialMetadata, description: 'For CREDENTIAL_KIND_AWS_SIGV4' })
  awsSigV4?: AwsSigV4CredentialMetadata;

  @ApiPropertyOptional(STRING_MAP)
  labels?: Record<string, string>;
}

/** A reranker as the API shows it: credentials as metadata only, timestamps in epoch ms. */
export class RerankerResponse extends AuditedResponse {
  @ApiProperty({ format: 'uuid' })
  rerankerId!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Unique per owner; null: unnamed' })
  name!: string | null;

  @ApiProperty()
  displayName!: string;

  @ApiProperty({ type: String, nullable: true })
  description!: string | null;

  @ApiProperty({ enum: ProviderType, enumName: 'ProviderType' })
  providerType!: ProviderType;

  @ApiProperty({ type: String, nullable: true, description: 'Canonical form; null for the built-in types (LEXICAL, LOCAL)' })
  endpointUrl!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'null for the built-in types (LEXICAL, LOCAL)' })
  apiPath!: string | null;

  @ApiProperty()
  modelIdentifier!: string;

  @ApiProperty({ enum: Modality, enumName: 'Modality', isArray: true })
  supportedModalities!: Modality[];

  @ApiProperty({ type: CredentialMetadataResponse, nullable: true })
  credentials!: CredentialMetadataResponse | null;

  @ApiProperty(STRING_MAP)
  labels!: Record<string, string>;

  @ApiProperty({ type: String, nullable: true })
  version!: string | null;

  @ApiProperty({ type: String, nullable: true })
  monitoringEndpoint!: string | null;

  @ApiProperty({ format: 'uuid' })
  ownerId!: string;

  @ApiPropertyOptional({ type: 'integer' })
  requestTimeoutMs?: number;

  @ApiPropertyOptional({ type: 'integer' })
  maxDocumentsPerRequest?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'Absent: the provider default' })
  maxTokensPerRequest?: number;

  @ApiProperty({ enum: ScoreNormalization, enumName: 'ScoreNormalization' })
  scoreNormalization!: ScoreNormalization;

  @ApiPropertyOptional(STRING_MAP)
  extraHeaders?: Record<string, string>;

  @ApiProperty({ ...LEXICAL_TUNING_SCHEMA, description: "LEXICAL: BM25's tuning as set; null: Okapi's defaults (and for every other type)" })
  lexical!: LexicalTuning | null;

  @ApiProperty({ type: PricingResponse, nullable: true, description: "Set by an admin (SET_PRICING); null: unpriced, calls are charged by the deployment's price list if it has one" })
  pricing!: PricingResponse | null;

  @ApiPropertyOptional({ type: RerankerUsageSummary, description: 'GET /v1/rerankers/{id} only: this month so far' })
  usage?: RerankerUsageSummary;
}

export class RerankerPage {
  @ApiProperty({ type: [RerankerResponse] })
  rerankers!: RerankerResponse[];

  @ApiNextToken()
  nextToken?: string;
}

export function toRerankerResponse(row: Reranker): RerankerResponse {
  return {
    rerankerId: row.id,
    name: row.name,
    displayName: row.displayName,
    description: row.description,
    providerType: row.providerType,
    endpointUrl: isBuiltinProvider(row.providerType) ? null : row.endpointUrl,
    apiPath: isBuiltinProvider(row.providerType) ? null : row.apiPath,
    modelIdentifier: row.modelIdentifier,
    supportedModalities: row.supportedModalities,
    credentials: row.credentials as CredentialMetadata | null,
    labels: row.labels as Record<string, string>,
    version: row.version,
    monitoringEndpoint: row.monitoringEndpoint,
    ownerId: row.ownerId,
    createdAt: epochMs(row.createdAt),
    updatedAt: epochMs(row.updatedAt),
    createdById: row.createdById,
    updatedById: row.updatedById,
    ...(row.requestTimeoutMs !== null ? { requestTimeoutMs: row.requestTimeoutMs } : {}),
    ...(row.maxDocumentsPerRequest !== null ? { maxDocumentsPerRequest: row.maxDocumentsPerRequest } : {}),
    ...(row.maxTokensPerRequest !== null ? { maxTokensPerRequest: row.maxTokensPerRequest } : {}),
    scoreNormalization: row.scoreNormalization,
    ...(row.extraHeaders !== null ? { extraHeaders: row.extraHeaders as Record<string, string> } : {}),
    lexical: row.lexical as LexicalTuning | null,
    pricing: row.pricing as Pricing | null,
  };
}
