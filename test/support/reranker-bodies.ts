import { randomUUID } from 'node:crypto';

/** A valid create body; override any field. */
export function rerankerBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    displayName: 'Test reranker',
    providerType: 'COHERE',
    endpointUrl: `https://rerank-${randomUUID().slice(0, 8)}.example.com`,
    modelIdentifier: 'rerank-v3.5',
    ...overrides,
  };
}

export function inlineCredentials(secret: string, apiKey: Record<string, unknown> = {}): Record<string, unknown> {
  return { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { inlineSecret: secret, ...apiKey } };
}
