import { smallAnswerReserve } from '../../config/byte-budget-rule.js';

/**
 * The bytes of upstream answers being read at once, across all calls, cut as
 * config/byte-budget-rule.ts says; an answer is small under a sixteenth of the reserve.
 */
export class ByteBudget {
  /** Bytes that only small answers may use. */
  readonly reservedBytes: number;
  /** An answer holding at most this many bytes is small. */
  readonly smallAnswerBytes: number;
  private used = 0;

  constructor(readonly limitBytes: number) {
    this.reservedBytes = smallAnswerReserve(limitBytes);
    this.smallAnswerBytes = Math.floor(this.reservedBytes / 16);
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
