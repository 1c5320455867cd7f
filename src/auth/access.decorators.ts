import { SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Action, Resource } from './permissions.js';
import type { Principal } from './principal.js';

export const REQUIRED_ACCESS = 'auth:requiredAccess';
export const AUTHENTICATED_ONLY = 'auth:authenticatedOnly';

export interface RequiredAccess {
  readonly action: Action;
  readonly resource: Resource;
}

/**
 * The caller needs `<action>_<resource>_OWN` or `_ANY`; the service then decides between
 * the two from the owner of what is touched.
 */
export const Requires = (action: Action, resource: Resource): MethodDecorator =>
  SetMetadata(REQUIRED_ACCESS, { action, resource } satisfies RequiredAccess);

/** Any valid API key may call this route (e.g. "who am I"). */
export const AuthenticatedOnly = (): MethodDecorator => SetMetadata(AUTHENTICATED_ONLY, true);

export interface AuthenticatedRequest extends FastifyRequest {
  principal?: Principal;
}
