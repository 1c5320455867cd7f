import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { decodePageToken, encodePageToken } from '../common/pagination/page-token.js';
import type { AuditEvent } from '../generated/prisma/client.js';
import { AuditEventsRepository } from './audit-events.repository.js';
import type { ListAuditEventsQuery } from './dto/list-audit-events.query.js';

/** Who reads which events: READ_AUDIT_ANY all of them, READ_AUDIT_OWN those on what the reader owns or did. */
@Injectable()
export class AuditEventsService {
  constructor(private readonly events: AuditEventsRepository) {}

  async list(principal: Principal, query: ListAuditEventsQuery): Promise<{ events: AuditEvent[]; nextToken?: string }> {
    const { actorUserId, actorApiKeyId, targetType, targetId, action, from, to } = query;
    if (from !== undefined && to !== undefined && from >= to) throw DomainError.invalidArgument('from must be before to');
    const readsAll = principal.scopeFor('READ', 'AUDIT') === 'ANY';
    const filter = { actorUserId, actorApiKeyId, targetType, targetId, action, from: dateOf(from), to: dateOf(to) };
    const page = await this.events.listPage(
      { ...filter, visibleTo: readsAll ? undefined : principal.userId },
      decodePageToken(query.nextToken),
      query.pageSize,
    );
    const events = readsAll ? page.items : page.items.map((event) => asSeenByOwner(event, principal.userId));
    return { events, ...(page.next ? { nextToken: encodePageToken(page.next) } : {}) };
  }
}

function dateOf(epochMs: number | undefined): Date | undefined {
  return epochMs === undefined ? undefined : new Date(epochMs);
}

/**
 * An owner learns who changed their resources, not the key or address another user acted
 * from: a key id is what a lockout flood aims at, an address is that user's own business.
 */
function asSeenByOwner(event: AuditEvent, readerId: string): AuditEvent {
  return event.actorUserId === readerId ? event : { ...event, actorApiKeyId: null, clientAddress: null };
}
