/** Summary of N pings' round-trip times (nearest-rank percentiles). */
export interface LatencyStats {
  readonly count: number;
  readonly ok: number;
  readonly min: number;
  readonly median: number;
  readonly p95: number;
  readonly max: number;
}

export function latencyStats(samples: ReadonlyArray<{ readonly ok: boolean; readonly rttMs: number }>): LatencyStats | undefined {
  if (samples.length === 0) return undefined;
  const sorted = samples.map((s) => s.rttMs).sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  return {
    count: samples.length,
    ok: samples.filter((s) => s.ok).length,
    min: sorted[0]!,
    median: rank(0.5),
    p95: rank(0.95),
    max: sorted[sorted.length - 1]!,
  };
}
