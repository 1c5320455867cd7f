import { listAll, ok, type ApiClient, type Schemas } from './api.js';
import { CliError, EXIT, UsageError } from './errors.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Reranker = Schemas['RerankerResponse'];

/**
 * A reranker named on the command line: its id, or its name (names are unique per owner;
 * `ownerId` picks the owner when the caller sees several owners').
 */
export async function findReranker(api: ApiClient, ref: string, ownerId?: string): Promise<Reranker> {
  if (UUID.test(ref)) return ok(api.GET('/v1/rerankers/{id}', { params: { path: { id: ref.toLowerCase() } } }));
  const matches = await rerankersNamed(api, ref, ownerId);
  if (matches.length === 0) throw new CliError(`NOT_FOUND: no reranker is named ${JSON.stringify(ref)}`, EXIT.NOT_FOUND);
  if (matches.length > 1) {
    throw new UsageError(`${matches.length} rerankers are named ${JSON.stringify(ref)} (owners ${matches.map((r) => r.ownerId).join(', ')}): pass --owner`);
  }
  return matches[0]!;
}

/** The id of a reranker named by id or name, without reading it when it is an id. */
export async function rerankerId(api: ApiClient, ref: string, ownerId?: string): Promise<string> {
  return UUID.test(ref) ? ref.toLowerCase() : (await findReranker(api, ref, ownerId)).rerankerId;
}

/** Rerankers with this name, among the owner's (or every owner the caller may list). */
export function rerankersNamed(api: ApiClient, name: string, ownerId?: string): Promise<Reranker[]> {
  return listAll(async (pageSize, nextToken) => {
    const page = await ok(api.GET('/v1/rerankers', { params: { query: { name, pageSize, nextToken, ownerId } } }));
    return { items: page.rerankers, nextToken: page.nextToken };
  });
}

/** `me` or a user id. */
export async function userId(api: ApiClient, ref: string): Promise<string> {
  if (ref === 'me') return (await ok(api.GET('/v1/users/me'))).userId;
  if (!UUID.test(ref)) throw new UsageError(`a user is named by its id or "me", not ${JSON.stringify(ref)}`);
  return ref.toLowerCase();
}
