import { ApiProperty } from '@nestjs/swagger';
import { CREDENTIAL_KINDS, type CredentialKind } from '../../credentials/credential.js';
import { PERMISSIONS, type Permission } from '../../auth/permissions.js';
import { ProviderType, ScoreNormalization } from '../../generated/prisma/enums.js';

export class CredentialHeaderResponse {
  @ApiProperty({ example: 'Authorization' })
  headerName!: string;

  @ApiProperty({ example: 'Bearer ' })
  prefix!: string;
}

/** A provider type and the defaults a registration of it gets. */
export class ProviderResponse {
  @ApiProperty({ enum: ProviderType, enumName: 'ProviderType' })
  providerType!: ProviderType;

  @ApiProperty({ example: 'Cohere' })
  displayName!: string;

  @ApiProperty({ description: 'Runs inside the service (LEXICAL, LOCAL): no endpointUrl, apiPath, credentials or extraHeaders' })
  builtin!: boolean;

  @ApiProperty({ enum: PERMISSIONS, enumName: 'Permission', nullable: true, description: 'What registering one needs beyond CREATE_RERANKER_*; null: nothing more' })
  requiresPermission!: Permission | null;

  @ApiProperty({ type: String, nullable: true, description: "The vendor's hosted API; null for self-hosted servers and per-project hosts", example: 'https://api.cohere.com' })
  defaultEndpointUrl!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Used when a registration names no apiPath; {model} stands for the model identifier; null for a built-in type', example: '/v2/rerank' })
  defaultApiPath!: string | null;

  @ApiProperty({ type: CredentialHeaderResponse, nullable: true, description: 'Where an API key goes when the registration names no header; null for a built-in type' })
  credentialHeader!: CredentialHeaderResponse | null;

  @ApiProperty({ enum: CREDENTIAL_KINDS, isArray: true, description: 'The credential kinds that fit, the usual one first' })
  credentialKinds!: CredentialKind[];

  @ApiProperty({ enum: ScoreNormalization, enumName: 'ScoreNormalization' })
  defaultScoreNormalization!: ScoreNormalization;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Documents per upstream request (LOCAL: per inference batch) unless the reranker sets maxDocumentsPerRequest; null: the whole call at once (LEXICAL)' })
  maxDocumentsPerRequest!: number | null;
}

export class ProviderList {
  @ApiProperty({ type: [ProviderResponse] })
  providers!: ProviderResponse[];
}
