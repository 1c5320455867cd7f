import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmptyObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { STRING_MAP } from '../common/openapi/schema-properties.js';
import { IsLabels } from '../common/validation/labels.js';
import { IsOptionalNonNull } from '../common/validation/optional.js';
import { ValidateProblem } from '../common/validation/problem-validator.js';
import { IsHeaderName, IsHeaderValue } from './header-rules.js';
import { CREDENTIAL_KINDS, type CredentialKind } from './credential.js';

export const MAX_SECRET_REF_HINTS = 16;
const HINT_KEY = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_HINT_VALUE_LENGTH = 256;

/** Why a hints map is invalid, or undefined when it is fine. */
function secretRefHintsProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of string values';
  const entries = Object.entries(value);
  if (entries.length > MAX_SECRET_REF_HINTS) return `may hold at most ${MAX_SECRET_REF_HINTS} hints`;
  for (const [key, item] of entries) {
    if (!HINT_KEY.test(key)) return `key "${key}" must be 1-64 of A-Z a-z 0-9 . _ -`;
    if (typeof item !== 'string') return `value of "${key}" must be a string`;
    if (item.length > MAX_HINT_VALUE_LENGTH) return `value of "${key}" is longer than ${MAX_HINT_VALUE_LENGTH}`;
  }
  return undefined;
}

export class SecretRefDto {
  @ApiProperty({
    example: 'vault://secret/rerankers/cohere#api_key',
    description: 'A server secret (needs USE_SECRET_REF): env://NAME, vault://<mount>/<path>[#<field>] (HashiCorp Vault KV v2) or file:///<absolute path> (under SECRET_FILE_DIRS)',
  })
  @IsString()
  @MaxLength(256)
  uri!: string;

  @ApiPropertyOptional({
    ...STRING_MAP,
    nullable: true,
    example: { encoding: 'raw' },
    description: `Resolver hints (GoodMem's SecretReference.hints): stored and returned as given, not secret, not part of the credential fingerprint. At most ${MAX_SECRET_REF_HINTS}; keys 1-64 of A-Z a-z 0-9 . _ -; values up to ${MAX_HINT_VALUE_LENGTH} characters`,
  })
  @IsOptional()
  @ValidateProblem('isSecretRefHints', secretRefHintsProblem)
  hints?: Record<string, string>;
}

const MAX_GCP_SCOPES = 32;
const OAUTH_SCOPE = /^\S{1,256}$/;
const GCP_PROJECT = /^[a-z0-9][a-z0-9.:-]{0,127}$/;

/** GoodMem's GcpAdcAuth: the service's own Google Application Default Credentials. */
export class GcpAdcCredentialDto {
  @ApiPropertyOptional({ type: [String], example: ['https://www.googleapis.com/auth/cloud-platform'], description: 'Additional OAuth scopes; empty means cloud-platform' })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(MAX_GCP_SCOPES)
  @IsString({ each: true })
  @Matches(OAUTH_SCOPE, { each: true, message: 'each of scopes must be 1-256 characters without spaces' })
  scopes?: string[];

  @ApiPropertyOptional({ pattern: GCP_PROJECT.source, example: 'my-project', description: 'Quota project used for billing' })
  @IsOptionalNonNull()
  @IsString()
  @Matches(GCP_PROJECT, { message: 'quotaProjectId must be a GCP project id' })
  quotaProjectId?: string;
}

const AWS_ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const AWS_SERVICE = /^[a-z0-9-]{1,64}$/;

/** AWS SigV4 signing: inline keys (sealed at rest, never returned) or, without them, the server's default chain. */
export class AwsSigV4CredentialDto {
  @ApiPropertyOptional({
    pattern: AWS_ACCESS_KEY_ID.source,
    example: 'AKIAIOSFODNN7EXAMPLE',
    description: "With secretAccessKey; both omitted: the server's default credential chain (USE_SERVER_IDENTITY)",
  })
  @IsOptionalNonNull()
  @IsString()
  @Matches(AWS_ACCESS_KEY_ID, { message: 'accessKeyId must be an AWS access key id' })
  accessKeyId?: string;

  @ApiPropertyOptional({ description: 'Encrypted at rest, never returned' })
  @IsOptionalNonNull()
  @IsString()
  @Length(1, 256)
  @IsHeaderValue()
  secretAccessKey?: string;

  @ApiPropertyOptional({ description: 'For temporary keys; encrypted at rest, never returned' })
  @IsOptionalNonNull()
  @IsString()
  @Length(1, 8192)
  @IsHeaderValue()
  sessionToken?: string;

  @ApiProperty({ pattern: AWS_REGION.source, example: 'us-east-1' })
  @IsString()
  @Matches(AWS_REGION, { message: 'region must be an AWS region such as us-east-1' })
  region!: string;

  @ApiPropertyOptional({ pattern: AWS_SERVICE.source, default: 'bedrock', description: 'The SigV4 signing name' })
  @IsOptionalNonNull()
  @IsString()
  @Matches(AWS_SERVICE, { message: 'service must be an AWS signing name such as bedrock' })
  service?: string;
}

export class ApiKeyCredentialDto {
  @ApiPropertyOptional({ description: 'The secret itself; encrypted at rest, never returned' })
  @IsOptionalNonNull()
  @IsString()
  @Length(1, 8192)
  @IsHeaderValue()
  inlineSecret?: string;

  @ApiPropertyOptional({ type: SecretRefDto })
  @IsOptionalNonNull()
  @ValidateNested()
  @Type(() => SecretRefDto)
  secretRef?: SecretRefDto;

  @ApiPropertyOptional({ nullable: true, default: 'Authorization', description: 'Defaults to Api-Key for PINECONE' })
  @IsOptional()
  @IsHeaderName()
  headerName?: string;

  @ApiPropertyOptional({ nullable: true, default: 'Bearer ', description: 'Defaults to empty for PINECONE' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @IsHeaderValue()
  prefix?: string;
}

export class CredentialsDto {
  @ApiProperty({ enum: CREDENTIAL_KINDS })
  @IsIn(CREDENTIAL_KINDS)
  kind!: CredentialKind;

  @ApiPropertyOptional({ type: ApiKeyCredentialDto, nullable: true, description: 'For CREDENTIAL_KIND_API_KEY: exactly one of inlineSecret and secretRef' })
  @IsOptional()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => ApiKeyCredentialDto)
  apiKey?: ApiKeyCredentialDto;

  @ApiPropertyOptional({
    type: GcpAdcCredentialDto,
    nullable: true,
    description: "For CREDENTIAL_KIND_GCP_ADC: the service's own Google identity (USE_SERVER_IDENTITY is required); may be omitted for the defaults",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => GcpAdcCredentialDto)
  gcpAdc?: GcpAdcCredentialDto;

  @ApiPropertyOptional({ type: AwsSigV4CredentialDto, nullable: true, description: 'For CREDENTIAL_KIND_AWS_SIGV4' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AwsSigV4CredentialDto)
  awsSigV4?: AwsSigV4CredentialDto;

  @ApiPropertyOptional({ ...STRING_MAP, nullable: true })
  @IsOptional()
  @IsLabels()
  labels?: Record<string, string>;
}
