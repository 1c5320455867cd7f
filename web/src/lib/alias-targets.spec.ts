import { addTarget, moveTarget, removeTarget, setWeight } from './alias-targets.js';

const t = (rerankerId: string, priority: number, weight = 1) => ({ rerankerId, priority, weight });

describe('alias targets', () => {
  it('adds at the end, once', () => {
    const targets = addTarget(addTarget([], 'a'), 'b');
    expect(targets).toEqual([t('a', 0), t('b', 1)]);
    expect(addTarget(targets, 'a')).toEqual(targets);
  });

  it('moves a target past its neighbour by swapping priorities', () => {
    expect(moveTarget([t('a', 0), t('b', 1), t('c', 2)], 2, -1)).toEqual([t('a', 0), t('c', 1), t('b', 2)]);
    expect(moveTarget([t('a', 0), t('b', 1)], 0, -1)).toEqual([t('a', 0), t('b', 1)]);
  });

  it('swaps priorities with a neighbour of another priority, and steps out of a group of equal ones', () => {
    expect(moveTarget([t('a', 0), t('b', 1, 3), t('c', 1, 1)], 1, -1)).toEqual([t('b', 0, 3), t('a', 1), t('c', 1, 1)]);
    expect(moveTarget([t('a', 0), t('b', 0)], 1, -1)).toEqual([t('b', 0), t('a', 1)]);
    expect(moveTarget([t('a', 0), t('b', 0)], 0, 1)).toEqual([t('b', 0), t('a', 1)]);
  });

  it('removes and renumbers, and sets weights', () => {
    expect(removeTarget([t('a', 0), t('b', 3), t('c', 7)], 'b')).toEqual([t('a', 0), t('c', 1)]);
    expect(setWeight([t('a', 0)], 'a', 5)).toEqual([t('a', 0, 5)]);
  });
});
