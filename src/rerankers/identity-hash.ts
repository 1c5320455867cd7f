import { createHash } from 'node:crypto';
import type { ProviderType } from '../generated/prisma/enums.js';

/** What makes two rerankers of one owner the same (the database's unique key, as a hash). */
export interface RerankerIdentity {
  ownerId: string;
  providerType: ProviderType;
  endpointUrl: string;
  apiPath: string;
  modelIdentifier: string;
  credentialsFingerprint: string;
}

/**
 * SHA-256 (hex) of the identity serialized as a JSON array of strings: a unique key of
 * fixed size however long the fields are. The migration that introduced it computes the
 * same bytes in SQL (`array_to_json(ARRAY[...])::text`, whose escaping matches
 * JSON.stringify), with the owner id in PostgreSQL's lowercase UUID text form.
 */
export function identityHash(identity: RerankerIdentity): string {
  const serialized = JSON.stringify([
    identity.ownerId.toLowerCase(),
    identity.providerType,
    identity.endpointUrl,
    identity.apiPath,
    identity.modelIdentifier,
    identity.credentialsFingerprint,
  ]);
  return createHash('sha256').update(serialized, 'utf8').digest('hex');
}
