import { compare, movedLabel, rankAgreement, sideCells } from './compare.js';

describe('compare', () => {
  const a = [
    { index: 2, relevanceScore: 0.9 },
    { index: 0, relevanceScore: 0.45 },
    { index: 1, relevanceScore: 0.1 },
  ];
  const b = [
    { index: 0, relevanceScore: 8 },
    { index: 2, relevanceScore: 4 },
    { index: 3, relevanceScore: 2 },
  ];

  it('lists A’s order, then what only B returned, with ranks and moves', () => {
    const rows = compare(a, b);
    expect(rows.map((r) => r.index)).toEqual([2, 0, 1, 3]);
    expect(rows.map((r) => [r.a?.rank, r.b?.rank, r.moved])).toEqual([
      [1, 2, -1],
      [2, 1, 1],
      [3, undefined, undefined],
      [undefined, 3, undefined],
    ]);
    expect(movedLabel(rows[0]!.moved)).toBe('down 1');
    expect(movedLabel(rows[1]!.moved)).toBe('up 1');
    expect(movedLabel(rows[2]!.moved)).toBe('not in both');
  });

  it('scales bars per side from zero (or the side’s lowest logit) to its best', () => {
    expect([...sideCells(b).values()].map((c) => c.bar)).toEqual([1, 0.5, 0.25]);
    expect([...sideCells([{ index: 0, relevanceScore: 2 }, { index: 1, relevanceScore: -2 }]).values()].map((c) => c.bar)).toEqual([1, 0]);
  });

  it('measures agreement of the two orders', () => {
    expect(rankAgreement(compare(a, a))).toBe(1);
    expect(rankAgreement(compare(a, [...a].reverse()))).toBe(-1);
    expect(rankAgreement(compare(a, undefined))).toBeUndefined();
  });
});
