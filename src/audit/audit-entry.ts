import type { AuditActor } from './audit-actor.js';

/** What an event is about; text in the database, so another module adds its own without a migration. */
export const AUDIT_TARGET_TYPES = ['system', 'user', 'apikey', 'reranker', 'alias'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

export const AUDIT_ACTIONS = [
  'system.init',
  'user.create',
  'user.update',
  'apikey.create',
  'apikey.revoke',
  'reranker.create',
  'reranker.update',
  'reranker.delete',
  'alias.create',
  'alias.update',
  'alias.delete',
  'secrets.rotate',
  'limits.update',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditTarget {
  readonly type: AuditTargetType;
  readonly id: string | null;
  /** An alias's name (aliases are addressed, and keys narrowed, by name); absent for other targets. */
  readonly name?: string;
  /** Whose resource it is: that user sees the event. */
  readonly ownerId: string | null;
}

/**
 * One change to record. `before` and `after` are snapshots of the target as the API shows
 * it (response mappings, never Prisma rows), null where it did not exist; AuditLog keeps
 * the fields that differ and removes secrets.
 */
export interface AuditEntry {
  readonly actor: AuditActor;
  readonly action: AuditAction;
  readonly target: AuditTarget;
  readonly before: object | null;
  readonly after: object | null;
  /** Fields that changed although their snapshots look alike (one secret replaced by another). */
  readonly alsoChanged?: readonly string[];
}
