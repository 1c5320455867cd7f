import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Tx } from '../database/transactions.js';
import type { LimitOverride, LimitSubject } from '../generated/prisma/client.js';
import type { LimitName, LimitOverrides } from './limit-values.js';

export type LimitChanges = Partial<Record<LimitName, number | null>>;

@Injectable()
export class LimitsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The subject's overrides; through `tx` when read as part of a change. */
  find(subject: LimitSubject, subjectId: string, tx: Tx = this.prisma): Promise<LimitOverride | null> {
    return tx.limitOverride.findUnique({ where: { subject_subjectId: { subject, subjectId } } });
  }

  /** Sets the changed limits of a subject (null clears one back to the default), creating its row if needed. */
  write(tx: Tx, subject: LimitSubject, subjectId: string, changes: LimitChanges, updatedById: string): Promise<LimitOverride> {
    return tx.limitOverride.upsert({
      where: { subject_subjectId: { subject, subjectId } },
      create: { subject, subjectId, ...changes, updatedById },
      update: { ...changes, updatedById },
    });
  }
}

/** A stored row as overrides (a missing row overrides nothing). */
export function toOverrides(row: LimitOverride | null): LimitOverrides {
  return {
    requestsPerMinute: row?.requestsPerMinute ?? null,
    documentsPerMinute: row?.documentsPerMinute ?? null,
    concurrentCalls: row?.concurrentCalls ?? null,
    monthlyDocuments: typeof row?.monthlyDocuments === 'bigint' ? Number(row.monthlyDocuments) : null,
    monthlyCost: row?.monthlyCost ? row.monthlyCost.toNumber() : null,
  };
}
