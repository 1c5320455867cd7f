/** API timestamps are epoch milliseconds. */
export function epochMs(date: Date): number;
export function epochMs(date: Date | null): number | null;
export function epochMs(date: Date | null): number | null {
  return date === null ? null : date.getTime();
}

/** The last millisecond of year 9999: the latest timestamp the API takes (Date and PostgreSQL both hold it). */
export const MAX_TIMESTAMP_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Milliseconds since a performance.now() reading, to the microsecond. */
export function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
