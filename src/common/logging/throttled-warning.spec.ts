import type { Logger } from 'pino';
import { ThrottledWarning } from './throttled-warning.js';

describe('ThrottledWarning', () => {
  it('logs at most once per interval, with how many it left out since', () => {
    const lines: Array<[Record<string, unknown>, string]> = [];
    const logger = { warn: (fields: Record<string, unknown>, message: string) => lines.push([fields, message]) } as unknown as Logger;
    let now = 0;
    const warning = new ThrottledWarning(logger, 'store down', 1_000, () => now);
    warning.warn({ reason: 'refused' });
    now = 500;
    warning.warn();
    warning.warn();
    now = 1_000;
    warning.warn({ reason: 'timeout' });
    expect(lines).toEqual([
      [{ reason: 'refused', suppressed: 0 }, 'store down'],
      [{ reason: 'timeout', suppressed: 2 }, 'store down'],
    ]);
  });
});
