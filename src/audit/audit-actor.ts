import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** Who made a change, and from where: recorded with its audit event. */
export interface AuditActor {
  /** Null on public routes (system init: the init-token holder) and for command-line tools. */
  readonly userId: string | null;
  readonly apiKeyId: string | null;
  readonly requestId: string | null;
  readonly clientAddress: string | null;
}

/**
 * The caller of a public route (system init: no key, so no user), by its request id and
 * socket address (no proxy header is trusted). Authenticated routes record their Caller.
 */
export function anonymousActor(request: FastifyRequest): AuditActor {
  return { userId: null, apiKeyId: null, requestId: request.id, clientAddress: request.ip };
}

/** A command-line run (no user, no key, no address); one id groups the events of the run. */
export function commandLineActor(): AuditActor {
  return { userId: null, apiKeyId: null, requestId: randomUUID(), clientAddress: null };
}
