import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Alias, AliasTarget, Prisma } from '../generated/prisma/client.js';
import type { AliasStrategy, LastResort } from '../generated/prisma/enums.js';
import type { Labels } from '../common/validation/labels.js';
import { LabelLimitReached, mergeLabelsAtomically } from '../database/label-merge.js';
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

/** `gone`: deleted meanwhile; `too-many-labels`: nothing written. */
export type AliasUpdateOutcome = { alias: AliasWithTargets } | 'gone' | 'too-many-labels';

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

  create(alias: NewAlias): Promise<AliasWithTargets> {
    const { targets, createdById, ...fields } = alias;
    return this.prisma.alias.create({
      data: { ...fields, createdById, updatedById: createdById, targets: { create: positioned(targets) } },
      include: WITH_TARGETS,
    });
  }

  findByName(ownerId: string, name: string): Promise<AliasWithTargets | null> {
    return this.prisma.alias.findUnique({ where: { ownerId_name: { ownerId, name } }, include: WITH_TARGETS });
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
   * one transaction; a merge past MAX_LABELS rolls everything back.
   */
  update(id: string, update: AliasUpdate): Promise<AliasUpdateOutcome> {
    const { changes, targets, mergeLabels, updatedById } = update;
    return this.prisma
      .$transaction(async (tx) => {
        const found = await tx.alias.updateMany({ where: { id }, data: { ...changes, updatedById } });
        if (found.count === 0) return 'gone' as const;
        if (targets) {
          await tx.aliasTarget.deleteMany({ where: { aliasId: id } });
          await tx.aliasTarget.createMany({ data: positioned(targets).map((target) => ({ ...target, aliasId: id })) });
        }
        if (mergeLabels) await mergeLabelsAtomically(tx, 'aliases', id, mergeLabels);
        return { alias: await tx.alias.findUniqueOrThrow({ where: { id }, include: WITH_TARGETS }) };
      })
      .catch((error: unknown) => {
        if (error instanceof LabelLimitReached) return 'too-many-labels' as const;
        throw error;
      });
  }

  /** True when a row was deleted. */
  async delete(id: string): Promise<boolean> {
    return (await this.prisma.alias.deleteMany({ where: { id } })).count > 0;
  }
}

function positioned(targets: TargetSpec[]): Array<TargetSpec & { position: number }> {
  return targets.map((target, position) => ({ ...target, position }));
}
