/**
 * What the signed-in key may do, to decide which pages and buttons the console offers.
 * The server still decides every request; this only avoids offering what would be refused.
 * Permissions are `<ACTION>_<RESOURCE>_<OWN|ANY>` plus a few flags (USE_SECRET_REF, ...).
 */
export type Action = 'CREATE' | 'READ' | 'LIST' | 'UPDATE' | 'DELETE' | 'EXECUTE' | 'PING';
export type Resource = 'RERANKER' | 'ALIAS' | 'APIKEY' | 'USER' | 'METRICS' | 'AUDIT' | 'USAGE' | 'LIMITS';

export class Permissions {
  private readonly held: ReadonlySet<string>;

  constructor(permissions: readonly string[]) {
    this.held = new Set(permissions);
  }

  /** Holds the action on its own objects or on anyone's. */
  can(action: Action, resource: Resource): boolean {
    return this.held.has(`${action}_${resource}_OWN`) || this.held.has(`${action}_${resource}_ANY`) || this.held.has(`${action}_${resource}`);
  }

  /** Holds the action on other users' objects too. */
  canAny(action: Action, resource: Resource): boolean {
    return this.held.has(`${action}_${resource}_ANY`) || this.held.has(`${action}_${resource}`);
  }

  has(permission: string): boolean {
    return this.held.has(permission);
  }
}
