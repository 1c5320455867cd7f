import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { LimitOverride, LimitSubject, Prisma } from '../generated/prisma/client.js';
import type { LimitName, LimitOverrides } from './limit-values.js';

export type LimitChanges = Partial<Record<LimitName, number | null>>;

@Injectable()
export class LimitsRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(subject: LimitSubject, subjectId: string): Promise<LimitOverride | null> {
    return this.prisma.limitOverride.findUnique({ where: { subject_subjectId: { subject, subjectId } } });
  }

  /** Runs `work` in one transaction, so whatever else the change writes (an audit event) commits with it or not at all. */
  transaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  /** Sets the changed limits of a subject (null clears one back to the default), creating its row if needed. */
  write(tx: Prisma.TransactionClient, subject: LimitSubject, subjectId: string, changes: LimitChanges, updatedById: string): Promise<LimitOverride> {
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
