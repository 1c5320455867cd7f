/** Whose shares an upstream request draws on: the calling key and its user. */
export interface Tenant {
  readonly userId: string;
  readonly apiKeyId: string;
}

/** Which cap refused: the caller's key, its user, or the whole service. */
export type ShareScope = 'key' | 'user' | 'service';

export interface ShareCaps {
  readonly service: number;
  readonly user: number;
  readonly key: number;
}

/**
 * A budget shared by every caller (calls in flight, bytes of answers being read), of which
 * one user and one key may hold at most their share: whatever one tenant holds, the rest of
 * the budget stays for the others. Counts are kept per user and per key only while held.
 */
export class FairShares {
  private service = 0;
  private readonly users = new Map<string, number>();
  private readonly keys = new Map<string, number>();

  constructor(readonly caps: ShareCaps) {}

  get used(): number {
    return this.service;
  }

  /**
   * Takes `amount` under `caps` (default: the budget's own); the scope that refused, nothing
   * taken, or undefined once taken. A share as large as the whole budget is no share: the
   * service refuses then.
   */
  take(tenant: Tenant, amount: number, caps: ShareCaps = this.caps): ShareScope | undefined {
    const key = this.keys.get(tenant.apiKeyId) ?? 0;
    if (caps.key < caps.service && key + amount > caps.key) return 'key';
    const user = this.users.get(tenant.userId) ?? 0;
    if (caps.user < caps.service && user + amount > caps.user) return 'user';
    if (this.service + amount > caps.service) return 'service';
    this.service += amount;
    this.users.set(tenant.userId, user + amount);
    this.keys.set(tenant.apiKeyId, key + amount);
    return undefined;
  }

  give(tenant: Tenant, amount: number): void {
    if (amount <= 0) return;
    this.service -= amount;
    release(this.users, tenant.userId, amount);
    release(this.keys, tenant.apiKeyId, amount);
  }
}

function release(counts: Map<string, number>, id: string, amount: number): void {
  const left = (counts.get(id) ?? 0) - amount;
  if (left > 0) counts.set(id, left);
  else counts.delete(id);
}
