import { DomainError } from '../common/errors/domain-error.js';

/**
 * The visibility rule in one place: what the caller may not touch answers exactly as what
 * does not exist (404 naming only the kind), whether it is missing, someone else's or
 * outside the key's scope, so a stranger learns nothing by probing ids.
 */
export async function visibleOr404<T>(found: Promise<T | null | undefined>, mayTouch: (row: T) => boolean, kind: string): Promise<T> {
  const row = await found;
  if (row === null || row === undefined || !mayTouch(row)) throw DomainError.notFound(kind);
  return row;
}
