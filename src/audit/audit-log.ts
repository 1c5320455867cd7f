import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client.js';
import type { Tx } from '../database/transactions.js';
import { auditDiff } from './audit-diff.js';
import type { AuditEntry } from './audit-entry.js';

/** Writes audit events; reading them is AuditEventsService's. */
@Injectable()
export class AuditLog {
  /**
   * Records `entry` through `tx`, the transaction of the change it describes: the event
   * exists if and only if the change commits. Secrets never reach the stored diff; an update
   * whose diff is empty writes none.
   */
  async record(tx: Tx, entry: AuditEntry): Promise<void> {
    const { actor, action, target } = entry;
    const diff = auditDiff(entry.before, entry.after, entry.alsoChanged);
    // An update that changed nothing (the same values sent again) is no change: no event.
    if (diff.before !== null && diff.after !== null && Object.keys(diff.after).length === 0) return;
    await tx.auditEvent.create({
      data: {
        id: randomUUID(),
        actorUserId: actor.userId,
        actorApiKeyId: actor.apiKeyId,
        requestId: actor.requestId,
        clientAddress: actor.clientAddress,
        action,
        targetType: target.type,
        targetId: target.id,
        targetName: target.name ?? null,
        targetOwnerId: target.ownerId,
        diff: diff as Prisma.InputJsonObject,
      },
    });
  }
}
