import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Alias, AliasTarget, Prisma } from '../generated/prisma/client.js';
import type { AliasStrategy, LastResort } from '../generated/prisma/enums.js';
import type { Labels } from '../common/validation/labels.js';
import { mergeLabelsAtomically } from '../database/label-merge.js';
import { isRecordNotFound } from '../common/errors/prisma-errors.js';
import { lockRow } from '../database/row-lock.js';
import type { Tx } from '../database/transactions.js';
import { afterCursor, NEWEST_FIRST, toPage, type Page, type PageCursor } from '../common/pagination/page-token.js';

export type AliasWithTargets = Alias & { targets: AliasTarget[] };

export interface TargetSpec {
  rerankerId: string;
  weight: number;
  priority: number;
}

export interface AliasFields {
  description: string | null;
  strategy: AliasStrategy;
  lastResort: LastResort | null;
  labels: Record<string, string>;
}

export interface NewAlias extends AliasFields {
  id: string;
  ownerId: string;
  name: string;
  createdById: string;
  targets: TargetSpec[];
}

export interface AliasUpdate {
  changes: Partial<AliasFields>;
  /** Replaces every target when set. */
  targets?: TargetSpec[];
  mergeLabels?: Labels;
  updatedById: string;
}

export interface AliasListFilter {
  ownerId?: string;
  labels: Array<[string, string]>;
  /** Only aliases with these names (an API key's scope); absent: any. */
  names?: readonly string[];
}

const WITH_TARGETS = { targets: { orderBy: { position: 'asc' } } } as const satisfies Prisma.AliasInclude;

@Injectable()
export class AliasesRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(tx: Tx, alias: NewAlias): Promise<AliasWithTargets> {
    const { targets, createdById, ...fields } = alias;
    return tx.alias.create({
      data: { ...fields, createdById, updatedById: createdById, targets: { create: positioned(targets) } },
      include: WITH_TARGETS,
    });
  }

  findByName(ownerId: string, name: string): Promise<AliasWithTargets | null> {
    return this.prisma.alias.findUnique({ where: { ownerId_name: { ownerId, name } }, include: WITH_TARGETS });
  }

  /** The alias, locked until the transaction ends: the state an update in it changes. */
  async findForUpdate(tx: Tx, id: string): Promise<AliasWithTargets | null> {
    await lockRow(tx, 'aliases', id);
    return tx.alias.findUnique({ where: { id }, include: WITH_TARGETS });
  }

  /** The alias with its targets, for routing calls. */
  findRoute(ownerId: string, name: string): Promise<AliasWithTargets | null> {
    return this.prisma.alias.findUnique({ where: { ownerId_name: { ownerId, name } }, include: WITH_TARGETS });
  }

  async listPage(filter: AliasListFilter, cursor: PageCursor | undefined, pageSize: number): Promise<Page<AliasWithTargets>> {
    const rows = await this.prisma.alias.findMany({
      where: {
        ownerId: filter.ownerId,
        ...(filter.names ? { name: { in: [...filter.names] } } : {}),
        AND: [afterCursor(cursor), ...filter.labels.map(([key, value]) => ({ labels: { path: [key], equals: value } }))],
      },
      include: WITH_TARGETS,
      orderBy: [...NEWEST_FIRST],
      take: pageSize + 1,
    });
    return toPage(rows, pageSize);
  }

  /**
   * Changes the fields sent, replaces every target when given and merges labels in SQL, in
   * the caller's transaction; a merge past MAX_LABELS throws LabelLimitReached, which rolls
   * it all back.
   */
  async update(tx: Tx, id: string, update: AliasUpdate): Promise<AliasWithTargets> {
    const { changes, targets, mergeLabels, updatedById } = update;
    await tx.alias.update({ where: { id }, data: { ...changes, updatedById, revision: { increment: 1 } } });
    if (targets) {
      await tx.aliasTarget.deleteMany({ where: { aliasId: id } });
      await tx.aliasTarget.createMany({ data: positioned(targets).map((target) => ({ ...target, aliasId: id })) });
    }
    if (mergeLabels) await mergeLabelsAtomically(tx, 'aliases', id, mergeLabels);
    return tx.alias.findUniqueOrThrow({ where: { id }, include: WITH_TARGETS });
  }

  /** The deleted alias as it was, or undefined when there was none. */
  async delete(tx: Tx, id: string): Promise<AliasWithTargets | undefined> {
    try {
      return await tx.alias.delete({ where: { id }, include: WITH_TARGETS });
    } catch (error) {
      if (isRecordNotFound(error)) return undefined;
      throw error;
    }
  }
}

function positioned(targets: TargetSpec[]): Array<TargetSpec & { position: number }> {
  return targets.map((target, position) => ({ ...target, position }));
}
