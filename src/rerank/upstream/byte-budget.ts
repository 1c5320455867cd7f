/**
 * The bytes of upstream answers being read at once, across all calls. The last eighth
 * is kept for small answers (under a sixteenth of that eighth), so answers that grow
 * without end are refused before an ordinary rerank answer is.
 */
export class ByteBudget {
  /** Bytes that only small answers may use. */
  readonly reservedBytes: number;
  /** An answer holding at most this many bytes is small. */
  readonly smallAnswerBytes: number;
  private used = 0;

  constructor(readonly limitBytes: number) {
    this.reservedBytes = Math.floor(limitBytes / 8);
    this.smallAnswerBytes = Math.floor(this.reservedBytes / 16);
  }

  /** The most one answer can ever hold. */
  static largestAnswer(limitBytes: number): number {
    return limitBytes - Math.floor(limitBytes / 8);
  }

  get usedBytes(): number {
    return this.used;
  }

  /** Takes `bytes` more for an answer already holding `held`; false (nothing taken) when they do not fit. */
  take(bytes: number, held: number): boolean {
    const ceiling = held + bytes <= this.smallAnswerBytes ? this.limitBytes : this.limitBytes - this.reservedBytes;
    if (this.used + bytes > ceiling) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}
