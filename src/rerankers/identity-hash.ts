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
  /** LEXICAL's BM25 tuning: two tunings of one owner are two rerankers (an A/B split over an alias). */
  lexical?: unknown;
}

/**
 * SHA-256 (hex) of the identity serialized as a JSON array of strings: a unique key of
 * fixed size however long the fields are. The migration that introduced it computes the
 * same bytes in SQL (`array_to_json(ARRAY[...])::text`, whose escaping matches
 * JSON.stringify), with the owner id in PostgreSQL's lowercase UUID text form. BM25 tuning,
 * which only LEXICAL rerankers have (none before it existed), adds one element when set, so
 * every other identity hashes as it always did.
 */
export function identityHash(identity: RerankerIdentity): string {
  const serialized = JSON.stringify([
    identity.ownerId.toLowerCase(),
    identity.providerType,
    identity.endpointUrl,
    identity.apiPath,
    identity.modelIdentifier,
    identity.credentialsFingerprint,
    ...tuningOf(identity.lexical),
  ]);
  return createHash('sha256').update(serialized, 'utf8').digest('hex');
}

/** k1 and b in a fixed order, whatever order the JSON column gives them back in. */
function tuningOf(lexical: unknown): string[] {
  if (lexical === null || typeof lexical !== 'object') return [];
  const { k1, b } = lexical as { k1?: number; b?: number };
  return k1 === undefined && b === undefined ? [] : [`k1=${k1 ?? ''};b=${b ?? ''}`];
}
