import { calendarMonth, secondsLeft } from './calendar-month.js';

describe('calendarMonth', () => {
  it('names the UTC month and when it ends, across a year end', () => {
    expect(calendarMonth(Date.UTC(2026, 10, 22, 7))).toEqual({ label: '2026-11', endsAt: Date.UTC(2026, 11, 1) });
    expect(calendarMonth(Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toEqual({ label: '2026-12', endsAt: Date.UTC(2027, 0, 1) });
  });

  it('gives whole seconds to the end, never less than one', () => {
    const month = calendarMonth(Date.UTC(2026, 1, 10));
    expect(secondsLeft(month, Date.UTC(2026, 1, 28, 23, 59, 58, 500))).toBe(2);
    expect(secondsLeft(month, month.endsAt)).toBe(1);
  });
});
