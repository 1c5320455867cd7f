import type { Reranker } from '../generated/prisma/client.js';

/**
 * A strong ETag: the revision every update bumps, and the creation time, so that a
 * reranker deleted and re-created under the same id does not match an old tag.
 */
export function rerankerEtag(row: Pick<Reranker, 'revision' | 'createdAt'>): string {
  return `"${row.revision}.${row.createdAt.getTime().toString(36)}"`;
}

/** If-Match by strong comparison (RFC 9110 13.1.1): `*`, or a listed tag equal to `etag`; weak tags never match. */
export function ifMatchAccepts(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag === etag);
}
