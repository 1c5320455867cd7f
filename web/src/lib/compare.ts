/**
 * The playground's A vs B view: the same candidates ranked by two rerankers (or aliases).
 * One row per document, in A's order (then the documents only B returned), with each side's
 * rank, score and bar length, and how far the document moved from A to B.
 */
export interface Ranked {
  readonly index: number;
  readonly relevanceScore: number;
}

export interface SideCell {
  /** 1-based position in that side's answer. */
  readonly rank: number;
  readonly score: number;
  /** 0..1: the score's share of the side's best, for a bar (scores of two models are not comparable, so each side is scaled on its own). */
  readonly bar: number;
}

export interface ComparisonRow {
  readonly index: number;
  readonly a?: SideCell;
  readonly b?: SideCell;
  /** Positions gained from A to B (positive: B ranks it higher); undefined when one side lacks it. */
  readonly moved?: number;
}

export function sideCells(results: readonly Ranked[]): Map<number, SideCell> {
  const scores = results.map((r) => r.relevanceScore);
  const max = Math.max(0, ...scores);
  const min = Math.min(0, ...scores);
  // Scores may be negative (raw logits): bars measure the distance from the lowest of the side.
  const span = max - min;
  const cells = new Map<number, SideCell>();
  results.forEach((result, position) => {
    const bar = span > 0 ? (result.relevanceScore - min) / span : 1;
    cells.set(result.index, { rank: position + 1, score: result.relevanceScore, bar });
  });
  return cells;
}

export function compare(a: readonly Ranked[], b: readonly Ranked[] | undefined): ComparisonRow[] {
  const cellsA = sideCells(a);
  const cellsB = b ? sideCells(b) : new Map<number, SideCell>();
  const order = [...a.map((r) => r.index), ...(b ?? []).map((r) => r.index).filter((index) => !cellsA.has(index))];
  return order.map((index) => {
    const cellA = cellsA.get(index);
    const cellB = cellsB.get(index);
    const moved = cellA && cellB ? cellA.rank - cellB.rank : undefined;
    return { index, a: cellA, b: cellB, moved };
  });
}

/** Kendall-style agreement of the two orders over the documents both returned: 1 same order, -1 reversed. */
export function rankAgreement(rows: readonly ComparisonRow[]): number | undefined {
  const both = rows.filter((row) => row.a && row.b) as Array<Required<Pick<ComparisonRow, 'a' | 'b'>>>;
  if (both.length < 2) return undefined;
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < both.length; i++) {
    for (let j = i + 1; j < both.length; j++) {
      const product = Math.sign(both[i]!.a.rank - both[j]!.a.rank) * Math.sign(both[i]!.b.rank - both[j]!.b.rank);
      if (product > 0) concordant++;
      else if (product < 0) discordant++;
    }
  }
  const pairs = concordant + discordant;
  return pairs === 0 ? undefined : (concordant - discordant) / pairs;
}

export function movedLabel(moved: number | undefined): string {
  if (moved === undefined) return 'not in both';
  if (moved === 0) return 'same rank';
  return moved > 0 ? `up ${moved}` : `down ${-moved}`;
}
