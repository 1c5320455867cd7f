import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who holds a folder: what the lock file says. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** The folder is held by a process that is (or may be) alive: this one must not open it. */
export class FolderInUse extends Error {
  constructor(
    readonly folder: string,
    readonly lockPath: string,
    readonly holder: LockHolder | undefined,
  ) {
    const who = holder ? `process ${holder.pid} on ${holder.host}, since ${holder.since}` : 'another process (the lock file cannot be read)';
    super(
      `The embedded database in ${folder} is in use by ${who}. Stop that process, or give this one a DATA_DIR of its own ` +
        `(or a DATABASE_URL). If no such process is running, remove ${lockPath}.`,
    );
    this.name = 'FolderInUse';
  }
}

/** Lock files this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

/**
 * An exclusive lock on a folder for one process (issue 19 item 14: two processes on one
 * embedded database both started, and acknowledged writes were lost): a file beside it
 * holding the holder's pid, host and start time, created atomically (written aside, then
 * hard-linked into place, so it is never seen half-written).
 *
 * A lock whose process is gone (same host, no such pid; or our own pid, left by an earlier
 * process that had it) is stale and taken over: renamed away first, and dropped only if it
 * still is the stale lock that was read, so two processes recovering at once cannot both win.
 * A lock from another host cannot be checked and is respected. Hand-written: the lockfile
 * libraries decide staleness by age (a paused holder loses its lock) and do not say who holds it.
 */
export class FolderLock {
  private constructor(readonly lockPath: string) {}

  /** Takes the lock or throws FolderInUse; `recovered` hears of a stale lock taken over. */
  static acquire(folder: string, lockPath: string, recovered: (stale: LockHolder) => void = () => undefined): FolderLock {
    if (heldHere.has(lockPath)) throw new FolderInUse(folder, lockPath, describeSelf());
    const content = JSON.stringify(describeSelf());
    const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(aside, content, { mode: 0o600 });
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (tryLink(aside, lockPath)) {
          heldHere.add(lockPath);
          return new FolderLock(lockPath);
        }
        const raw = readOrUndefined(lockPath);
        if (raw === undefined) continue;
        const holder = parseHolder(raw);
        if (!holder || isAlive(holder)) throw new FolderInUse(folder, lockPath, holder);
        if (takeOver(lockPath, raw)) recovered(holder);
      }
      throw new FolderInUse(folder, lockPath, parseHolder(readOrUndefined(lockPath) ?? ''));
    } finally {
      unlinkSync(aside);
    }
  }

  release(): void {
    if (!heldHere.delete(this.lockPath)) return;
    const holder = parseHolder(readOrUndefined(this.lockPath) ?? '');
    if (holder?.pid === process.pid && holder.host === hostname()) unlinkIfPresent(this.lockPath);
  }
}

function describeSelf(): LockHolder {
  return { pid: process.pid, host: hostname(), since: new Date().toISOString() };
}

function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(raw) as Partial<LockHolder>;
    if (Number.isInteger(parsed.pid) && typeof parsed.host === 'string' && typeof parsed.since === 'string') return parsed as LockHolder;
  } catch {
    // not ours, or damaged: nobody can tell who holds it
  }
  return undefined;
}

/** Whether the holder may still run: another host cannot be checked, so it counts as alive. */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  // Our own pid, yet not held here: an earlier process with the same pid (a container's pid 1) left it.
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Moves the stale lock away and drops it, unless what moved is not the lock that was read (then it goes back). */
function takeOver(lockPath: string, staleRaw: string): boolean {
  const grave = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, grave);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const moved = readOrUndefined(grave);
  if (moved !== staleRaw) tryLink(grave, lockPath);
  unlinkIfPresent(grave);
  return moved === staleRaw;
}
