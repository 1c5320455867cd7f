/**
 * A strong ETag: the revision every update bumps, and the creation time, so that a row
 * deleted and re-created under the same id (or name) does not match an old tag.
 */
export function revisionEtag(row: { revision: number; createdAt: Date }): string {
  return `"${row.revision}.${row.createdAt.getTime().toString(36)}"`;
}

/** If-Match by strong comparison (RFC 9110 13.1.1): `*`, or a listed tag equal to `etag`; weak tags never match. */
export function ifMatchAccepts(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag === etag);
}

/** The OpenAPI `ETag` response header of a resource with revisions. */
export function etagResponseHeader(resource: string) {
  return { ETag: { description: `The ${resource}'s current revision (strong); send it back in If-Match`, schema: { type: 'string' } } };
}

/** The OpenAPI `If-Match` request header of its updates. */
export function ifMatchRequestHeader(resource: string) {
  return {
    name: 'If-Match',
    required: false,
    description: `Apply only if the ${resource} still has this ETag (or \`*\`); 412 PRECONDITION_FAILED otherwise`,
  };
}
