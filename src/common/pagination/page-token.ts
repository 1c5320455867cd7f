import { isUUID } from 'class-validator';
import { DomainError } from '../errors/domain-error.js';
import { MAX_TIMESTAMP_MS } from '../time.js';
import { canonicalUuid } from '../validation/canonical-uuid.js';

/** The time column a list is ordered by, newest first (its id breaks ties). */
export type TimeColumn = 'createdAt' | 'occurredAt';

/** Position after the last row of a page, for keyset pagination on (<time column> DESC, id DESC). */
export interface PageCursor {
  readonly at: Date;
  readonly id: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly next?: PageCursor;
}

/** The opaque `nextToken`: base64url of `<epoch ms>.<id>`. */
export function encodePageToken(cursor: PageCursor): string {
  return Buffer.from(`${cursor.at.getTime()}.${cursor.id}`).toString('base64url');
}

/** A token is only trusted as far as it parses: a real date and a UUID, else 400 (never a failed query). */
export function decodePageToken(token: string | undefined): PageCursor | undefined {
  if (token === undefined) return undefined;
  const match = /^(\d{1,15})\.(.+)$/s.exec(Buffer.from(token, 'base64url').toString('utf8'));
  const at = match ? Number(match[1]) : NaN;
  if (!match || at > MAX_TIMESTAMP_MS || !isUUID(match[2])) {
    throw DomainError.invalidArgument('nextToken is not a token this service issued');
  }
  return { at: new Date(at), id: canonicalUuid(match[2]!) };
}

/**
 * Prisma `where` fragment selecting the rows after a cursor in (column DESC, id DESC)
 * order. Prisma has no row-value comparison; the leading `column <= cursor` gives the
 * planner an index range to start from, so a deep page costs what the first one does.
 */
export function afterCursor<C extends TimeColumn = 'createdAt'>(cursor: PageCursor | undefined, column: C = 'createdAt' as C) {
  if (!cursor) return {};
  const at = (range: { lte: Date } | { lt: Date }) => ({ [column]: range }) as Record<C, typeof range>;
  return { ...at({ lte: cursor.at }), OR: [at({ lt: cursor.at }), { id: { lt: cursor.id } }] };
}

export function newestFirst<C extends TimeColumn>(column: C) {
  return [{ [column]: 'desc' } as Record<C, 'desc'>, { id: 'desc' as const }] as const;
}

export const NEWEST_FIRST = newestFirst('createdAt');

/** Fetches pageSize + 1 rows; the extra one only says whether there is a next page. */
export function toPage<T extends Record<C, Date> & { id: string }, C extends TimeColumn = 'createdAt'>(
  rows: T[],
  pageSize: number,
  column: C = 'createdAt' as C,
): Page<T> {
  if (rows.length <= pageSize) return { items: rows };
  const items = rows.slice(0, pageSize);
  const last = items[items.length - 1]!;
  return { items, next: { at: last[column], id: last.id } };
}
