/**
 * How the shared budget of upstream answer bytes (UPSTREAM_MAX_BUFFERED_BYTES) is cut: the
 * last eighth is kept for small answers, so answers that grow without end are refused
 * before an ordinary rerank answer is. Configuration checks one answer fits; ByteBudget
 * enforces it.
 */
export function smallAnswerReserve(limitBytes: number): number {
  return Math.floor(limitBytes / 8);
}

/** The most one answer can ever hold. */
export function largestAnswerBytes(limitBytes: number): number {
  return limitBytes - smallAnswerReserve(limitBytes);
}
