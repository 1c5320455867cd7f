/**
 * Editing an alias's targets: an ordered list where position is priority for FALLBACK
 * (lower is tried first) and the weight shares traffic among targets of one priority for
 * WEIGHTED. Reordering keeps WEIGHTED groups (equal priorities) together.
 */
export interface TargetRow {
  readonly rerankerId: string;
  readonly priority: number;
  readonly weight: number;
}

export function sortTargets(targets: readonly TargetRow[]): TargetRow[] {
  return [...targets].sort((a, b) => a.priority - b.priority);
}

/**
 * Moves the target at `from` (in priority order) one place up (-1) or down (+1). Next to a
 * target of another priority, the two swap priorities; next to one of equal priority (a
 * weighted group, where order means nothing to the router) it leaves the group, just
 * before or after it.
 */
export function moveTarget(targets: readonly TargetRow[], from: number, step: -1 | 1): TargetRow[] {
  const sorted = sortTargets(targets);
  const to = from + step;
  if (to < 0 || to >= sorted.length) return sorted;
  const a = sorted[from]!;
  const b = sorted[to]!;
  const moved = sorted.map((t, i) => {
    if (i === from) return { ...t, priority: a.priority === b.priority ? a.priority + step / 2 : b.priority };
    return i === to && a.priority !== b.priority ? { ...t, priority: a.priority } : t;
  });
  return renumber(moved);
}

/** Priorities as 0, 1, 2... keeping equal ones equal. */
export function renumber(targets: readonly TargetRow[]): TargetRow[] {
  const sorted = sortTargets(targets);
  const distinct = [...new Set(sorted.map((t) => t.priority))];
  return sorted.map((t) => ({ ...t, priority: distinct.indexOf(t.priority) }));
}

export function addTarget(targets: readonly TargetRow[], rerankerId: string): TargetRow[] {
  if (targets.some((t) => t.rerankerId === rerankerId)) return sortTargets(targets);
  const last = Math.max(-1, ...targets.map((t) => t.priority));
  return renumber([...targets, { rerankerId, priority: last + 1, weight: 1 }]);
}

export function removeTarget(targets: readonly TargetRow[], rerankerId: string): TargetRow[] {
  return renumber(targets.filter((t) => t.rerankerId !== rerankerId));
}

export function setWeight(targets: readonly TargetRow[], rerankerId: string, weight: number): TargetRow[] {
  return sortTargets(targets.map((t) => (t.rerankerId === rerankerId ? { ...t, weight } : t)));
}

export function setPriority(targets: readonly TargetRow[], rerankerId: string, priority: number): TargetRow[] {
  return sortTargets(targets.map((t) => (t.rerankerId === rerankerId ? { ...t, priority } : t)));
}
