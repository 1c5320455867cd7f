import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../auth/access.decorators.js';

/** Who made a change, and from where: recorded with its audit event. */
export interface AuditActor {
  /** Null on public routes (system init: the init-token holder) and for command-line tools. */
  readonly userId: string | null;
  readonly apiKeyId: string | null;
  readonly requestId: string | null;
  readonly clientAddress: string | null;
}

/** The caller of a request: its principal (none on public routes), request id and socket address (no proxy header is trusted). */
export function requestActor(request: AuthenticatedRequest): AuditActor {
  return {
    userId: request.principal?.userId ?? null,
    apiKeyId: request.principal?.apiKeyId ?? null,
    requestId: request.id,
    clientAddress: request.ip,
  };
}

/** A command-line run (no user, no key, no address); one id groups the events of the run. */
export function commandLineActor(): AuditActor {
  return { userId: null, apiKeyId: null, requestId: randomUUID(), clientAddress: null };
}

/** The route's caller as an AuditActor, for the services that record what it changes. */
export const CurrentActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuditActor => requestActor(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);
