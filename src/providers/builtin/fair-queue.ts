/** A unit of one owner's work waiting for a worker, and its size in pairs (query x document). */
export interface QueuedUnit {
  readonly ownerId: string;
  readonly pairs: number;
}

/**
 * Waiting work shared fairly between owners: each owner has its own line, and the next unit
 * comes from the owner after the one served last (round robin), so an owner with 10,000 pairs
 * queued delays another owner's first unit by at most one unit per other owner waiting.
 * A Map keeps the rotation: its first key is served next and goes to the back.
 */
export class FairQueue<T extends QueuedUnit> {
  private readonly owners = new Map<string, T[]>();
  private waitingPairs = 0;

  /** Pairs waiting, across owners. */
  get pairs(): number {
    return this.waitingPairs;
  }

  get isEmpty(): boolean {
    return this.owners.size === 0;
  }

  /** Appends units to their owners' lines (an owner new to the queue joins the rotation last). */
  push(units: readonly T[]): void {
    for (const unit of units) {
      const line = this.owners.get(unit.ownerId);
      if (line) line.push(unit);
      else this.owners.set(unit.ownerId, [unit]);
      this.waitingPairs += unit.pairs;
    }
  }

  /** The next owner's first unit; that owner moves to the back of the rotation. */
  shift(): T | undefined {
    const next = this.owners.entries().next();
    if (next.done) return undefined;
    const [ownerId, line] = next.value;
    const unit = line.shift()!;
    this.owners.delete(ownerId);
    if (line.length > 0) this.owners.set(ownerId, line);
    this.waitingPairs -= unit.pairs;
    return unit;
  }

  /** Drops an owner's waiting units that match (a cancelled call's); returns how many. */
  remove(ownerId: string, matches: (unit: T) => boolean): number {
    const line = this.owners.get(ownerId);
    if (!line) return 0;
    const kept = line.filter((unit) => !matches(unit));
    const removed = line.length - kept.length;
    for (const unit of line) if (matches(unit)) this.waitingPairs -= unit.pairs;
    if (kept.length === 0) this.owners.delete(ownerId);
    else line.splice(0, line.length, ...kept);
    return removed;
  }
}
