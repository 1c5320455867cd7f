import type { ScoreNormalization } from '../generated/prisma/enums.js';

const NORMALIZERS: Record<ScoreNormalization, (score: number) => number> = {
  NONE: (score) => score,
  /** Logits to (0, 1), so one threshold means the same across providers. */
  SIGMOID: (score) => 1 / (1 + Math.exp(-score)),
};

/** Monotonic, so the order (and the cut) is the same before and after. */
export function normalizeScore(kind: ScoreNormalization, score: number): number {
  return NORMALIZERS[kind](score);
}
