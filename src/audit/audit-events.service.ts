import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { decodePageToken, encodePageToken } from '../common/pagination/page-token.js';
import type { AuditEvent } from '../generated/prisma/client.js';
import type { AuditDiff, JsonObject } from './audit-diff.js';
import { AuditEventsRepository } from './audit-events.repository.js';
import type { ListAuditEventsQuery } from './dto/list-audit-events.query.js';

/**
 * Who reads which events: READ_AUDIT_ANY all of them, READ_AUDIT_OWN those on what the reader
 * owns or did; a key narrowed by rerankerIds or aliases only those on its rerankers and
 * aliases (and on anything else its user may read). What an event shows is narrowed to its
 * reader too (asSeenBy).
 */
@Injectable()
export class AuditEventsService {
  constructor(private readonly events: AuditEventsRepository) {}

  async list(principal: Principal, query: ListAuditEventsQuery): Promise<{ events: AuditEvent[]; nextToken?: string }> {
    const { actorUserId, actorApiKeyId, targetType, targetId, action, from, to } = query;
    if (from !== undefined && to !== undefined && from >= to) throw DomainError.invalidArgument('from must be before to');
    const readsAll = principal.scopeFor('READ', 'AUDIT') === 'ANY';
    const filter = { actorUserId, actorApiKeyId, targetType, targetId, action, from: dateOf(from), to: dateOf(to) };
    const { rerankerIds, aliases: aliasNames } = principal.scopes;
    const page = await this.events.listPage(
      { ...filter, visibleTo: readsAll ? undefined : principal.userId, rerankerIds, aliasNames },
      decodePageToken(query.nextToken),
      query.pageSize,
    );
    const events = page.items.map((event) => asSeenBy(principal, readsAll ? event : asSeenByOwner(event, principal.userId)));
    return { events, ...(page.next ? { nextToken: encodePageToken(page.next) } : {}) };
  }
}

/** What stands in an audit diff for an id its reader may not see. */
export const HIDDEN_MARKER = '[hidden]';

/**
 * An event's diff narrowed to its reader: an alias's targets name rerankers that may be
 * another tenant's (a member's forced delete edits an admin's alias). Their ids show only to
 * a reader who may read any reranker, or who owns the alias (whose targets are rerankers its
 * owner may execute), and within a narrowed key's rerankerIds; otherwise HIDDEN_MARKER.
 */
function asSeenBy(principal: Principal, event: AuditEvent): AuditEvent {
  if (event.targetType !== 'alias') return event;
  const seesIds = principal.scopeFor('READ', 'RERANKER') === 'ANY' || event.targetOwnerId === principal.userId;
  const shown = (id: unknown) => seesIds && typeof id === 'string' && principal.mayUseReranker(id);
  const narrowed = (snapshot: JsonObject | null): JsonObject | null => {
    if (!snapshot || !Array.isArray(snapshot.targets)) return snapshot;
    const targets = (snapshot.targets as JsonObject[]).map((target) => (shown(target.rerankerId) ? target : { ...target, rerankerId: HIDDEN_MARKER }));
    return { ...snapshot, targets };
  };
  const diff = event.diff as unknown as AuditDiff;
  return { ...event, diff: { before: narrowed(diff.before), after: narrowed(diff.after) } as unknown as AuditEvent['diff'] };
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
