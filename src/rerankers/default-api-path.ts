import type { ProviderType } from '../generated/prisma/enums.js';

/** Where each provider serves reranking when no apiPath is given. */
const DEFAULT_API_PATHS: Partial<Record<ProviderType, string>> = { COHERE: '/v2/rerank', JINA: '/v1/rerank' };

export function defaultApiPath(providerType: ProviderType): string {
  return DEFAULT_API_PATHS[providerType] ?? '/rerank';
}
