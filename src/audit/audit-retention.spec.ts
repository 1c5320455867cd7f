import { jest } from '@jest/globals';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import type { AuditEventsRepository } from './audit-events.repository.js';
import { AuditRetention } from './audit-retention.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const DAY = 86_400_000;

function retention(retentionDays: number, deleteOccurredBefore = jest.fn(async (_cutoff: Date) => 3)) {
  const events = { deleteOccurredBefore } as unknown as AuditEventsRepository;
  const config = { audit: { retentionDays } } as AppConfig;
  const logger = { info: jest.fn(), warn: jest.fn() } as unknown as Logger;
  return { retention: new AuditRetention(events, config, logger, () => NOW), deleteOccurredBefore, logger };
}

describe('AuditRetention', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('deletes what occurred more than AUDIT_RETENTION_DAYS before its clock', async () => {
    const { retention: subject, deleteOccurredBefore } = retention(30);
    expect(await subject.prune()).toBe(3);
    expect(deleteOccurredBefore).toHaveBeenCalledWith(new Date(NOW - 30 * DAY));
  });

  it('keeps everything forever at 0: no deletion, no timer', async () => {
    jest.useFakeTimers();
    const { retention: subject, deleteOccurredBefore } = retention(0);
    subject.onApplicationBootstrap();
    expect(jest.getTimerCount()).toBe(0);
    expect(await subject.prune()).toBe(0);
    expect(deleteOccurredBefore).not.toHaveBeenCalled();
  });

  it('prunes at boot and every hour on a timer that never holds the process, until destroyed', async () => {
    jest.useFakeTimers();
    const { retention: subject, deleteOccurredBefore } = retention(7);
    const setIntervalSpy = jest.spyOn(global, 'setInterval');
    subject.onApplicationBootstrap();
    expect((setIntervalSpy.mock.results[0]!.value as NodeJS.Timeout).hasRef()).toBe(false);
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(deleteOccurredBefore).toHaveBeenCalledTimes(2);
    await subject.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(deleteOccurredBefore).toHaveBeenCalledTimes(2);
  });

  it('logs a failed run as a warning and tries again at the next interval', async () => {
    jest.useFakeTimers();
    const failing = jest.fn<(cutoff: Date) => Promise<number>>().mockRejectedValueOnce(new Error('database away')).mockResolvedValue(0);
    const { retention: subject, logger } = retention(7, failing);
    subject.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(failing).toHaveBeenCalledTimes(2);
    await subject.onModuleDestroy();
  });
});
