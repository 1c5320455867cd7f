import { smallAnswerReserve } from '../../config/byte-budget-rule.js';
import { FairShares, type ShareCaps, type ShareScope, type Tenant } from './fair-shares.js';

/**
 * The bytes of upstream answers being read at once: across all calls, per user and per key
 * (FairShares), each of the three cut as config/byte-budget-rule.ts says: the last eighth
 * is kept for small answers (under a sixteenth of that reserve), so an answer that grows
 * without end is refused, at whichever level it fills first, before an ordinary one is.
 */
export class ByteBudget {
  private readonly shares: FairShares;
  /** What answers that are no longer small may fill. */
  private readonly large: ShareCaps;
  /** The largest answer that is still small, per level. */
  private readonly small: ShareCaps;

  constructor(limits: ShareCaps) {
    this.shares = new FairShares(limits);
    const reserve = (level: keyof ShareCaps) => smallAnswerReserve(limits[level]);
    this.large = { service: limits.service - reserve('service'), user: limits.user - reserve('user'), key: limits.key - reserve('key') };
    this.small = { service: Math.floor(reserve('service') / 16), user: Math.floor(reserve('user') / 16), key: Math.floor(reserve('key') / 16) };
  }

  /** Each level's whole budget (small-answer reserve included). */
  get caps(): ShareCaps {
    return this.shares.caps;
  }

  get usedBytes(): number {
    return this.shares.used;
  }

  /** Takes `bytes` more for `tenant`'s answer already holding `held`; the level that refused (nothing taken), or undefined. */
  take(tenant: Tenant, bytes: number, held: number): ShareScope | undefined {
    const total = held + bytes;
    const { caps } = this.shares;
    return this.shares.take(tenant, bytes, {
      service: total <= this.small.service ? caps.service : this.large.service,
      user: total <= this.small.user ? caps.user : this.large.user,
      key: total <= this.small.key ? caps.key : this.large.key,
    });
  }

  give(tenant: Tenant, bytes: number): void {
    this.shares.give(tenant, bytes);
  }
}
