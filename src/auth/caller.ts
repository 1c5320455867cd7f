import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './access.decorators.js';
import type { Principal } from './principal.js';

/**
 * Who is calling, once per request: the verified principal, and the request id and socket
 * address its changes are recorded with (no proxy header is trusted). Its userId and
 * apiKeyId make it the audit log's actor as it is.
 */
export class Caller {
  constructor(
    readonly principal: Principal,
    readonly requestId: string,
    readonly clientAddress: string,
  ) {}

  get userId(): string {
    return this.principal.userId;
  }

  get apiKeyId(): string {
    return this.principal.apiKeyId;
  }
}

/** The caller of an authenticated route. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new Error('CurrentCaller used on a route without authentication');
  return new Caller(request.principal, request.id, request.ip);
});
