import { epochMs } from '../../common/time.js';
import type { ApiKey } from '../../generated/prisma/client.js';

/** API key metadata; the secret and its hash never leave the service. */
export interface ApiKeyResponse {
  apiKeyId: string;
  userId: string;
  keyPrefix: string;
  labels: Record<string, string>;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export function toApiKeyResponse(key: ApiKey): ApiKeyResponse {
  return {
    apiKeyId: key.id,
    userId: key.userId,
    keyPrefix: key.keyPrefix,
    labels: key.labels as Record<string, string>,
    expiresAt: epochMs(key.expiresAt),
    lastUsedAt: epochMs(key.lastUsedAt),
    revokedAt: epochMs(key.revokedAt),
    createdAt: epochMs(key.createdAt),
    updatedAt: epochMs(key.updatedAt),
  };
}
