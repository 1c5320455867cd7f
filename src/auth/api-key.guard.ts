import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import { DomainError } from '../common/errors/domain-error.js';
import {
  AUTHENTICATED_ONLY,
  REQUIRED_ACCESS,
  type AuthenticatedRequest,
  type RequiredAccess,
} from './access.decorators.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import { IS_PUBLIC } from './public.decorator.js';

/**
 * The global guard. Public routes pass; every other route needs a valid API key and
 * an access policy (@Requires or @AuthenticatedOnly). A route with neither is denied.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: ApiKeyVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const rawKey = presentedApiKey(request.headers);
    if (!rawKey) throw DomainError.unauthenticated('An API key is required (x-api-key or Authorization: Bearer)');
    const principal = await this.verifier.verify(rawKey, request.ip);
    if (!principal) throw DomainError.unauthenticated('The API key is invalid, expired or revoked');
    request.principal = principal;

    const required = this.reflector.get<RequiredAccess | undefined>(REQUIRED_ACCESS, context.getHandler());
    if (required) {
      if (principal.scopeFor(required.action, required.resource)) return true;
      throw DomainError.permissionDenied(`${required.action}_${required.resource} permission is required`);
    }
    if (this.reflector.get<boolean>(AUTHENTICATED_ONLY, context.getHandler())) return true;
    throw DomainError.permissionDenied('This route has no access policy');
  }
}

/** `x-api-key: <key>`, or `Authorization: Bearer <key>` as Cohere and Jina clients send. */
export function presentedApiKey(headers: IncomingHttpHeaders): string | undefined {
  return presentedCredential(headers, 'x-api-key');
}

/** The value of `header`, or else of `Authorization: Bearer <value>`. */
export function presentedCredential(headers: IncomingHttpHeaders, header: string): string | undefined {
  const value = headers[header];
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  const authorization = headers.authorization;
  const bearer = authorization && /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return bearer ? bearer[1] : undefined;
}
