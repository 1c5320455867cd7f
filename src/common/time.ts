/** API timestamps are epoch milliseconds. */
export function epochMs(date: Date): number;
export function epochMs(date: Date | null): number | null;
export function epochMs(date: Date | null): number | null {
  return date === null ? null : date.getTime();
}
