import { ApiProperty } from '@nestjs/swagger';
import { CREDENTIAL_KINDS, type CredentialKind } from '../../credentials/credential.js';
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

  @ApiProperty({ type: String, nullable: true, description: "The vendor's hosted API; null for self-hosted servers and per-project hosts", example: 'https://api.cohere.com' })
  defaultEndpointUrl!: string | null;

  @ApiProperty({ description: 'Used when a registration names no apiPath; {model} stands for the model identifier', example: '/v2/rerank' })
  defaultApiPath!: string;

  @ApiProperty({ type: CredentialHeaderResponse, description: 'Where an API key goes when the registration names no header' })
  credentialHeader!: CredentialHeaderResponse;

  @ApiProperty({ enum: CREDENTIAL_KINDS, isArray: true, description: 'The credential kinds that fit, the usual one first' })
  credentialKinds!: CredentialKind[];

  @ApiProperty({ enum: ScoreNormalization, enumName: 'ScoreNormalization' })
  defaultScoreNormalization!: ScoreNormalization;

  @ApiProperty({ type: 'integer', description: 'Documents per upstream request unless the reranker sets maxDocumentsPerRequest' })
  maxDocumentsPerRequest!: number;
}

export class ProviderList {
  @ApiProperty({ type: [ProviderResponse] })
  providers!: ProviderResponse[];
}
