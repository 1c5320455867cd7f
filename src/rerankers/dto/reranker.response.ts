import { epochMs } from '../../common/time.js';
import type { Modality, ProviderType, Reranker } from '../../generated/prisma/client.js';
import type { CredentialMetadata } from '../credentials/credential.js';

/** A reranker as the API shows it: credentials as metadata only, timestamps in epoch ms. */
export interface RerankerResponse {
  rerankerId: string;
  displayName: string;
  description: string | null;
  providerType: ProviderType;
  endpointUrl: string;
  apiPath: string;
  modelIdentifier: string;
  supportedModalities: Modality[];
  credentials: CredentialMetadata | null;
  labels: Record<string, string>;
  version: string | null;
  monitoringEndpoint: string | null;
  ownerId: string;
  createdAt: number;
  updatedAt: number;
  createdById: string;
  updatedById: string;
  requestTimeoutMs?: number;
  maxDocumentsPerRequest?: number;
  extraHeaders?: Record<string, string>;
}

export function toRerankerResponse(row: Reranker): RerankerResponse {
  return {
    rerankerId: row.id,
    displayName: row.displayName,
    description: row.description,
    providerType: row.providerType,
    endpointUrl: row.endpointUrl,
    apiPath: row.apiPath,
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
    ...(row.extraHeaders !== null ? { extraHeaders: row.extraHeaders as Record<string, string> } : {}),
  };
}
