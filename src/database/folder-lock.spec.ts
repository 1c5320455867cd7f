import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderInUse, FolderLock, type LockHolder } from './folder-lock.js';

describe('FolderLock (issue 19 item 14)', () => {
  let dir: string;
  let lockPath: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'folder-lock-'));
    lockPath = join(dir, 'db.lock');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const holder = (pid: number, host = hostname()): LockHolder => ({ pid, host, since: '2026-01-01T00:00:00.000Z' });

  it('writes who holds it, refuses a second holder in the same process, and is free once released', () => {
    const lock = FolderLock.acquire(dir, lockPath);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => FolderLock.acquire(dir, lockPath)).toThrow(FolderInUse);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
    FolderLock.acquire(dir, lockPath).release();
  });

  it('takes over the lock of a pid that is gone, and of its own pid left by an earlier process', () => {
    const recovered: LockHolder[] = [];
    for (const stale of [holder(2 ** 22 + 7), holder(process.pid)]) {
      writeFileSync(lockPath, JSON.stringify(stale));
      const lock = FolderLock.acquire(dir, lockPath, (gone) => recovered.push(gone));
      lock.release();
    }
    expect(recovered.map((gone) => gone.pid)).toEqual([2 ** 22 + 7, process.pid]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each<[string, string]>([
    ['a live process', JSON.stringify(holder(process.ppid))],
    ['another host', JSON.stringify(holder(2 ** 22 + 7, 'elsewhere'))],
    ['something unreadable', 'not a lock'],
  ])('respects a lock held by %s, naming what it knows', (_who, content) => {
    writeFileSync(lockPath, content);
    let refused: unknown;
    try {
      FolderLock.acquire(dir, lockPath);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(FolderInUse);
    expect((refused as Error).message).toContain(dir);
    expect((refused as Error).message).toContain(lockPath);
    expect(readFileSync(lockPath, 'utf8')).toBe(content);
    expect(readdirSync(dir)).toEqual(['db.lock']);
  });
});
