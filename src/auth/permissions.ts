import type { UserRole } from '../generated/prisma/enums.js';

export const RESOURCES = ['RERANKER', 'ALIAS', 'APIKEY', 'USER', 'METRICS', 'AUDIT', 'USAGE', 'LIMITS'] as const;
export type Resource = (typeof RESOURCES)[number];

export const ACTIONS = ['CREATE', 'READ', 'LIST', 'UPDATE', 'DELETE', 'EXECUTE', 'PING'] as const;
export type Action = (typeof ACTIONS)[number];

export type Scope = 'OWN' | 'ANY';

/**
 * `<ACTION>_<RESOURCE>_<OWN|ANY>`: OWN covers what the caller owns, ANY everyone's.
 * Four capabilities stand apart: reading server secrets through env:// references, calling
 * upstreams as the service's own cloud identity (GCP ADC, the AWS default chain), setting
 * what a reranker's calls cost (SET_PRICING: the price is what cost quotas count, so whoever
 * a quota holds must not set it), and running a model on the server's own CPU, memory and
 * disk (USE_SERVER_RESOURCES: LOCAL rerankers). Who may act on which role is a rank rule, not a
 * permission (see ROLE_RANK).
 */
export type Permission = `${Action}_${Resource}_${Scope}` | 'USE_SECRET_REF' | 'USE_SERVER_IDENTITY' | 'SET_PRICING' | 'USE_SERVER_RESOURCES';

const RESOURCE_ACTIONS: Record<Resource, readonly Action[]> = {
  RERANKER: ACTIONS,
  ALIAS: ['CREATE', 'READ', 'LIST', 'UPDATE', 'DELETE', 'EXECUTE'],
  APIKEY: ['CREATE', 'READ', 'LIST', 'DELETE'],
  USER: ['CREATE', 'READ', 'LIST', 'UPDATE'],
  METRICS: ['READ'],
  /** Audit events: OWN reads the events on what the caller owns or did, ANY every event. */
  AUDIT: ['READ'],
  /** Rerank usage and cost: members read their own calls' (READ_USAGE_OWN), admins anyone's. */
  USAGE: ['READ'],
  /** A user's or a key's rate limits and quotas (with what is left of them). */
  LIMITS: ['READ', 'UPDATE'],
};

/** Members manage their own rerankers and keys and read their own user and limits; no administration. */
const MEMBER_DENIED = new Set<string>(['CREATE_USER', 'LIST_USER', 'UPDATE_USER', 'READ_METRICS', 'UPDATE_LIMITS']);

function permissionsFor(scopes: readonly Scope[], allow: (action: Action, resource: Resource) => boolean): Permission[] {
  return RESOURCES.flatMap((resource) =>
    RESOURCE_ACTIONS[resource]
      .filter((action) => allow(action, resource))
      .flatMap((action) => scopes.map((scope) => `${action}_${resource}_${scope}` as Permission)),
  );
}

/** Every permission there is (what an API key's scope may name). */
export const PERMISSIONS: readonly Permission[] = [
  ...permissionsFor(['OWN', 'ANY'], () => true),
  'USE_SECRET_REF' as const,
  'USE_SERVER_IDENTITY' as const,
  'SET_PRICING' as const,
  'USE_SERVER_RESOURCES' as const,
];

const MEMBER = permissionsFor(['OWN'], (action, resource) => !MEMBER_DENIED.has(`${action}_${resource}`));
const ADMIN = PERMISSIONS;

export const ROLE_PERMISSIONS: Readonly<Record<UserRole, ReadonlySet<Permission>>> = {
  MEMBER: new Set(MEMBER),
  ADMIN: new Set(ADMIN),
  ROOT: new Set(ADMIN),
};

/** Whether `permissions`, held by `userId`, allow `action` on a `resource` that `ownerId` owns. */
export function permitsActingOn(
  permissions: ReadonlySet<Permission>,
  userId: string,
  action: Action,
  resource: Resource,
  ownerId: string,
): boolean {
  return permissions.has(`${action}_${resource}_ANY`) || (permissions.has(`${action}_${resource}_OWN`) && ownerId === userId);
}

/** No role grants or acts above itself: only ROOT acts on ROOT users and their keys, or grants ROOT. */
export const ROLE_RANK: Readonly<Record<UserRole, number>> = { MEMBER: 0, ADMIN: 1, ROOT: 2 };
