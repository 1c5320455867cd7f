import { RoutePlanner, type RouteTarget } from './route-planner.js';

const t = (rerankerId: string, weight = 1, priority = 0): RouteTarget => ({ rerankerId, weight, priority });
const all = () => true;
const ids = (targets: RouteTarget[]) => targets.map((target) => target.rerankerId);

describe('RoutePlanner', () => {
  it('FALLBACK tries by priority, then as listed', () => {
    const planner = new RoutePlanner('FALLBACK', [t('c', 1, 2), t('a', 1, 1), t('b', 1, 1)]);
    expect(ids(planner.plan(all))).toEqual(['a', 'b', 'c']);
    expect(ids(planner.plan(all))).toEqual(['a', 'b', 'c']);
  });

  it('leaves out targets whose circuit is open', () => {
    const planner = new RoutePlanner('FALLBACK', [t('a', 1, 1), t('b', 1, 2)]);
    expect(ids(planner.plan((id) => id !== 'a'))).toEqual(['b']);
    expect(planner.plan(() => false)).toEqual([]);
  });

  it('WEIGHTED spreads first attempts by weight, smoothly', () => {
    const planner = new RoutePlanner('WEIGHTED', [t('a', 5), t('b', 1), t('c', 1)]);
    const firsts = Array.from({ length: 7 }, () => planner.plan(all)[0]!.rerankerId);
    expect(firsts).toEqual(['a', 'a', 'b', 'a', 'c', 'a', 'a']);
  });

  it('WEIGHTED keeps to the split over 1,000 calls', () => {
    const planner = new RoutePlanner('WEIGHTED', [t('a', 3), t('b', 1)]);
    const counts = { a: 0, b: 0 } as Record<string, number>;
    for (let i = 0; i < 1_000; i++) counts[planner.plan(all)[0]!.rerankerId]!++;
    expect(counts).toEqual({ a: 750, b: 250 });
  });

  it('WEIGHTED follows the pick with the rest of its priority, then the next priorities', () => {
    const planner = new RoutePlanner('WEIGHTED', [t('a', 1, 0), t('b', 3, 0), t('z', 1, 9), t('y', 2, 9)]);
    expect(ids(planner.plan(all))).toEqual(['b', 'a', 'y', 'z']);
  });

  it('WEIGHTED falls to the next priority when the best one is unavailable', () => {
    const planner = new RoutePlanner('WEIGHTED', [t('a', 1, 0), t('b', 1, 1), t('c', 1, 1)]);
    expect(ids(planner.plan((id) => id !== 'a'))[0]).toBe('b');
  });
});
