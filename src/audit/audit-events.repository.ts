import { Injectable } from '@nestjs/common';
import { afterCursor, newestFirst, toPage, type Page, type PageCursor } from '../common/pagination/page-token.js';
import { PrismaService } from '../database/prisma.service.js';
import type { AuditEvent } from '../generated/prisma/client.js';

export interface AuditEventFilter {
  /** Only the events on this user's resources or by this user (an OWN reader). */
  visibleTo?: string;
  /** A narrowed key's rerankers: events on any other reranker are left out. */
  rerankerIds?: readonly string[];
  /** A narrowed key's aliases (names): events on any other alias are left out. */
  aliasNames?: readonly string[];
  actorUserId?: string;
  actorApiKeyId?: string;
  targetType?: string;
  targetId?: string;
  action?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

/** Rows deleted per statement when pruning: short transactions, no long lock on the table. */
const PRUNE_BATCH = 5_000;

@Injectable()
export class AuditEventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async listPage(filter: AuditEventFilter, cursor: PageCursor | undefined, pageSize: number): Promise<Page<AuditEvent>> {
    const { visibleTo, rerankerIds, aliasNames, from, to, ...exact } = filter;
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        ...exact,
        AND: [
          visibleTo ? { OR: [{ targetOwnerId: visibleTo }, { actorUserId: visibleTo }] } : {},
          rerankerIds ? { OR: [{ targetType: { not: 'reranker' } }, { targetId: { in: [...rerankerIds] } }] } : {},
          aliasNames ? { OR: [{ targetType: { not: 'alias' } }, { targetName: { in: [...aliasNames] } }] } : {},
          { occurredAt: { gte: from, lt: to } },
          afterCursor(cursor, 'occurredAt'),
        ],
      },
      orderBy: [...newestFirst('occurredAt')],
      take: pageSize + 1,
    });
    return toPage(rows, pageSize, 'occurredAt');
  }

  /** Deletes the events that occurred before `cutoff`, a batch per statement; returns how many. */
  async deleteOccurredBefore(cutoff: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const count = await this.prisma.$executeRaw`
        DELETE FROM "audit_events" WHERE "id" IN (
          SELECT "id" FROM "audit_events" WHERE "occurred_at" < ${cutoff}::timestamptz LIMIT ${PRUNE_BATCH}::int)`;
      deleted += count;
      if (count < PRUNE_BATCH) return deleted;
    }
  }
}
