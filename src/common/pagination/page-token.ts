import { isUUID } from 'class-validator';
import { DomainError } from '../errors/domain-error.js';
import { MAX_TIMESTAMP_MS } from '../time.js';
import { canonicalUuid } from '../validation/canonical-uuid.js';

/** Position after the last row of a page, for keyset pagination on (createdAt DESC, id DESC). */
export interface PageCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly next?: PageCursor;
}

/** The opaque `nextToken`: base64url of `<epoch ms>.<id>`. */
export function encodePageToken(cursor: PageCursor): string {
  return Buffer.from(`${cursor.createdAt.getTime()}.${cursor.id}`).toString('base64url');
}

/** A token is only trusted as far as it parses: a real date and a UUID, else 400 (never a failed query). */
export function decodePageToken(token: string | undefined): PageCursor | undefined {
  if (token === undefined) return undefined;
  const match = /^(\d{1,15})\.(.+)$/s.exec(Buffer.from(token, 'base64url').toString('utf8'));
  const createdAt = match ? Number(match[1]) : NaN;
  if (!match || createdAt > MAX_TIMESTAMP_MS || !isUUID(match[2])) {
    throw DomainError.invalidArgument('nextToken is not a token this service issued');
  }
  return { createdAt: new Date(createdAt), id: canonicalUuid(match[2]!) };
}

/**
 * Prisma `where` fragment selecting the rows after a cursor in (createdAt DESC, id DESC)
 * order. Prisma has no row-value comparison; the leading `createdAt <= cursor` gives the
 * planner an index range to start from, so a deep page costs what the first one does.
 */
export function afterCursor(cursor: PageCursor | undefined) {
  if (!cursor) return {};
  return {
    createdAt: { lte: cursor.createdAt },
    OR: [{ createdAt: { lt: cursor.createdAt } }, { id: { lt: cursor.id } }],
  };
}

export const NEWEST_FIRST = [{ createdAt: 'desc' }, { id: 'desc' }] as const satisfies object[];

/** Fetches pageSize + 1 rows; the extra one only says whether there is a next page. */
export function toPage<T extends { createdAt: Date; id: string }>(rows: T[], pageSize: number): Page<T> {
  if (rows.length <= pageSize) return { items: rows };
  const items = rows.slice(0, pageSize);
  const last = items[items.length - 1]!;
  return { items, next: { createdAt: last.createdAt, id: last.id } };
}
