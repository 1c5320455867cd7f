import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../common/errors/domain-error.js';
import { AUTHENTICATED_ONLY, REQUIRED_ACCESS, type RequiredAccess } from './access.decorators.js';
import { IS_PUBLIC } from './public.decorator.js';
import { RequestAuthenticator } from './request-authenticator.js';

/**
 * The global guard. Public routes pass; every other route needs a valid API key and
 * an access policy (@Requires or @AuthenticatedOnly). A route with neither is denied.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: RequestAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const principal = await this.authenticator.authenticate(context.switchToHttp().getRequest<FastifyRequest>());
    const required = this.reflector.get<RequiredAccess | undefined>(REQUIRED_ACCESS, context.getHandler());
    if (required) {
      this.authenticator.authorize(principal, required);
      return true;
    }
    if (this.reflector.get<boolean>(AUTHENTICATED_ONLY, context.getHandler())) return true;
    throw DomainError.permissionDenied('This route has no access policy');
  }
}
