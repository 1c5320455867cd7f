export type RouteStrategy = 'FALLBACK' | 'WEIGHTED';

export interface RouteTarget {
  readonly rerankerId: string;
  /** Share of calls among targets of the same priority (WEIGHTED). */
  readonly weight: number;
  /** Lower is tried first. */
  readonly priority: number;
}

/**
 * The order in which one call tries an alias's targets. FALLBACK: by priority, then as
 * listed. WEIGHTED: smooth weighted round-robin (nginx's algorithm: even spread, no
 * bursts) picks the first among the best priority's available targets, the rest of that
 * priority follow by weight, then the next priorities the same way. Targets that are not
 * available (open circuit) are left out, so they cost no call. One planner per alias and
 * process; its state is the round-robin's current weights.
 */
export class RoutePlanner {
  private readonly groups: ReadonlyArray<readonly RouteTarget[]>;
  private readonly currentWeights = new Map<string, number>();

  constructor(
    readonly strategy: RouteStrategy,
    targets: readonly RouteTarget[],
  ) {
    const priorities = [...new Set(targets.map((target) => target.priority))].sort((a, b) => a - b);
    this.groups = priorities.map((priority) => targets.filter((target) => target.priority === priority));
  }

  plan(isAvailable: (rerankerId: string) => boolean): RouteTarget[] {
    const available = this.groups.map((group) => group.filter((target) => isAvailable(target.rerankerId))).filter((g) => g.length > 0);
    if (this.strategy === 'FALLBACK') return available.flat();
    return available.flatMap((group, position) => {
      const byWeight = [...group].sort((a, b) => b.weight - a.weight);
      if (position > 0) return byWeight;
      const first = this.pickWeighted(group);
      return [first, ...byWeight.filter((target) => target !== first)];
    });
  }

  private pickWeighted(group: readonly RouteTarget[]): RouteTarget {
    let total = 0;
    let best: RouteTarget | undefined;
    let bestWeight = -Infinity;
    for (const target of group) {
      const current = (this.currentWeights.get(target.rerankerId) ?? 0) + target.weight;
      this.currentWeights.set(target.rerankerId, current);
      total += target.weight;
      if (current > bestWeight) {
        best = target;
        bestWeight = current;
      }
    }
    this.currentWeights.set(best!.rerankerId, bestWeight - total);
    return best!;
  }
}
