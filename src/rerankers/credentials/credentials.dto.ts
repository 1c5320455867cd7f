import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmptyObject, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsLabels } from '../../common/validation/labels.js';
import { CREDENTIAL_KINDS, type CredentialKind } from './credential.js';

export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const NO_LINE_BREAKS = /^[^\r\n\0]*$/;

export class SecretRefDto {
  @ApiProperty({ example: 'env://RERANKER_SECRET_COHERE' })
  @IsString()
  @MaxLength(256)
  uri!: string;
}

export class ApiKeyCredentialDto {
  @ApiPropertyOptional({ description: 'The secret itself; encrypted at rest, never returned' })
  @IsOptional()
  @IsString()
  @Length(1, 8192)
  @Matches(NO_LINE_BREAKS, { message: 'inlineSecret must not contain line breaks' })
  inlineSecret?: string;

  @ApiPropertyOptional({ type: SecretRefDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SecretRefDto)
  secretRef?: SecretRefDto;

  @ApiPropertyOptional({ default: 'Authorization' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(HTTP_TOKEN, { message: 'headerName must be an HTTP header name' })
  headerName?: string;

  @ApiPropertyOptional({ default: 'Bearer ' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(NO_LINE_BREAKS, { message: 'prefix must not contain line breaks' })
  prefix?: string;
}

export class CredentialsDto {
  @ApiProperty({ enum: CREDENTIAL_KINDS })
  @IsIn(CREDENTIAL_KINDS)
  kind!: CredentialKind;

  @ApiPropertyOptional({ type: ApiKeyCredentialDto })
  @IsOptional()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => ApiKeyCredentialDto)
  apiKey?: ApiKeyCredentialDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsLabels()
  labels?: Record<string, string>;
}
