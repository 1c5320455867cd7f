import { ApiProperty } from '@nestjs/swagger';
import { ApiEpochMs, ApiNextToken, STRING_MAP } from '../../common/openapi/schema-properties.js';
import { epochMs } from '../../common/time.js';
import { storedKeyScopes } from '../../auth/key-scopes.js';
import { PERMISSIONS, type Permission } from '../../auth/permissions.js';
import type { ApiKey } from '../../generated/prisma/client.js';

/** What the key is narrowed to, fixed at creation; null: that kind is not narrowed. */
export class ApiKeyScopesResponse {
  @ApiProperty({ enum: PERMISSIONS, enumName: 'Permission', isArray: true, nullable: true })
  permissions!: Permission[] | null;

  @ApiProperty({ type: [String], format: 'uuid', nullable: true })
  rerankerIds!: string[] | null;

  @ApiProperty({ type: [String], nullable: true })
  aliases!: string[] | null;
}

/** API key metadata; the secret and its hash never leave the service. */
export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' })
  apiKeyId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ description: 'The start of the raw key, to recognize it', example: 'rrk_1a2b3c4d' })
  keyPrefix!: string;

  @ApiProperty(STRING_MAP)
  labels!: Record<string, string>;

  @ApiProperty({ type: ApiKeyScopesResponse })
  scopes!: ApiKeyScopesResponse;

  @ApiProperty({ type: 'string', nullable: true, description: 'What rerank calls that name no model run: a reranker id or an alias name' })
  defaultModel!: string | null;

  @ApiEpochMs({ nullable: true })
  expiresAt!: number | null;

  @ApiEpochMs({ nullable: true })
  lastUsedAt!: number | null;

  @ApiEpochMs({ nullable: true })
  revokedAt!: number | null;

  @ApiEpochMs()
  createdAt!: number;

  @ApiEpochMs()
  updatedAt!: number;
}

export class CreatedApiKeyResponse {
  @ApiProperty({ type: ApiKeyResponse })
  apiKey!: ApiKeyResponse;

  @ApiProperty({ description: 'The key itself: shown in this response only' })
  rawApiKey!: string;
}

export class ApiKeyPage {
  @ApiProperty({ type: [ApiKeyResponse] })
  apiKeys!: ApiKeyResponse[];

  @ApiNextToken()
  nextToken?: string;
}

export function toApiKeyResponse(key: Omit<ApiKey, 'secretHash'>): ApiKeyResponse {
  const scopes = storedKeyScopes(key.scopes);
  return {
    apiKeyId: key.id,
    userId: key.userId,
    keyPrefix: key.keyPrefix,
    labels: key.labels as Record<string, string>,
    scopes: {
      permissions: scopes.permissions ? [...scopes.permissions] : null,
      rerankerIds: scopes.rerankerIds ? [...scopes.rerankerIds] : null,
      aliases: scopes.aliases ? [...scopes.aliases] : null,
    },
    defaultModel: key.defaultModel,
    expiresAt: epochMs(key.expiresAt),
    lastUsedAt: epochMs(key.lastUsedAt),
    revokedAt: epochMs(key.revokedAt),
    createdAt: epochMs(key.createdAt),
    updatedAt: epochMs(key.updatedAt),
  };
}
