/** A calendar month in UTC: what monthly quotas count in. */
export interface CalendarMonth {
  /** `YYYY-MM`. */
  readonly label: string;
  /** Epoch ms of the next month's first instant. */
  readonly endsAt: number;
}

export function calendarMonth(now: number): CalendarMonth {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return { label: `${year}-${String(month + 1).padStart(2, '0')}`, endsAt: Date.UTC(year, month + 1, 1) };
}

/** Whole seconds from `now` to the month's end, at least 1 (a counter window). */
export function secondsLeft(month: CalendarMonth, now: number): number {
  return Math.max(1, Math.ceil((month.endsAt - now) / 1000));
}
