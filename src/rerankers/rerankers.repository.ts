import { Injectable } from '@nestjs/common';
import { afterCursor, NEWEST_FIRST, toPage, type Page, type PageCursor } from '../common/pagination/page-token.js';
import { isRecordNotFound } from '../common/errors/prisma-errors.js';
import { mergeLabelsAtomically } from '../database/label-merge.js';
import { PrismaService } from '../database/prisma.service.js';
import { lockRow } from '../database/row-lock.js';
import type { Tx } from '../database/transactions.js';
import { Prisma, type Reranker } from '../generated/prisma/client.js';
import type { Modality, ProviderType, ScoreNormalization } from '../generated/prisma/enums.js';
import type { Labels } from '../common/validation/labels.js';
import type { Pricing } from '../usage/pricing.js';
import type { LexicalTuning } from './dto/lexical.dto.js';
import type { CredentialMetadata } from '../credentials/credential.js';
import type { Sealed } from '../credentials/credential-cipher.js';
import { identityHash, type RerankerIdentity } from './identity-hash.js';

/** Every stored field a create or an update sets (updates send only what changed). */
export interface RerankerFields {
  name: string | null;
  displayName: string;
  description: string | null;
  endpointUrl: string;
  apiPath: string;
  modelIdentifier: string;
  supportedModalities: Modality[];
  credentials: CredentialMetadata | null;
  sealedSecret: Sealed | null;
  credentialsFingerprint: string;
  credentialsSetById: string | null;
  labels: Record<string, string>;
  version: string | null;
  monitoringEndpoint: string | null;
  requestTimeoutMs: number | null;
  maxDocumentsPerRequest: number | null;
  maxTokensPerRequest: number | null;
  scoreNormalization: ScoreNormalization;
  extraHeaders: Record<string, string> | null;
  lexical: LexicalTuning | null;
  pricing: Pricing | null;
}

export interface NewReranker extends RerankerFields {
  id: string;
  ownerId: string;
  providerType: ProviderType;
  createdById: string;
}

/**
 * One update: the changed fields, the identity the row will have, labels
 * to merge into whatever is stored at that moment, and what the row must still be for the
 * write to apply (the revision an If-Match named, the identity the changes were checked on).
 */
export interface RerankerUpdate {
  changes: Partial<RerankerFields>;
  identity: RerankerIdentity;
  mergeLabels?: Labels;
  updatedById: string;
  expected: { identityHash: string; revision?: number };
}

/** `stale`: the row is gone or no longer what `expected` says; nothing was written. */
export type UpdateOutcome = { row: Reranker } | 'stale';

/** An alias a deleted reranker was removed from, with its targets as they were. */
export interface DetachedAlias {
  id: string;
  ownerId: string;
  name: string;
  targets: Array<{ rerankerId: string; weight: number; priority: number }>;
}

export interface RerankerFilter {
  ownerId?: string;
  providerType?: ProviderType;
  name?: string;
  labels: Array<[string, string]>;
  /** Only these rerankers (an API key's scope); absent: any. */
  ids?: readonly string[];
}

/** `id IN ids` when there are ids to keep to. */
function amongIds(ids: readonly string[] | undefined): Prisma.RerankerWhereInput {
  return ids ? { id: { in: [...ids] } } : {};
}

@Injectable()
export class RerankersRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(tx: Tx, reranker: NewReranker): Promise<Reranker> {
    const { id, ownerId, providerType, createdById, ...fields } = reranker;
    return tx.reranker.create({
      data: {
        id,
        ownerId,
        providerType,
        createdById,
        updatedById: createdById,
        identityHash: identityHash({ ownerId, providerType, ...fields }),
        ...toColumns(fields),
      },
    });
  }

  findById(id: string): Promise<Reranker | null> {
    return this.prisma.reranker.findUnique({ where: { id } });
  }

  /** The reranker, locked until the transaction ends: the state an update in it changes. */
  async findForUpdate(tx: Tx, id: string): Promise<Reranker | null> {
    await lockRow(tx, 'rerankers', id);
    return tx.reranker.findUnique({ where: { id } });
  }

  /** Owner and id of each of these rerankers that exists (for checking references to them). */
  findOwners(ids: readonly string[]): Promise<Array<{ id: string; ownerId: string }>> {
    return this.prisma.reranker.findMany({ where: { id: { in: [...ids] } }, select: { id: true, ownerId: true } });
  }

  /** Ids of an owner's rerankers with this modelIdentifier (among `ids` when given), at most `limit` (for resolving model names). */
  async findIdsByModel(ownerId: string, modelIdentifier: string, limit: number, ids?: readonly string[]): Promise<string[]> {
    const rows = await this.prisma.reranker.findMany({
      where: { ownerId, modelIdentifier, ...amongIds(ids) },
      select: { id: true },
      orderBy: { createdAt: 'asc' },
      take: limit,
    });
    return rows.map((row) => row.id);
  }

  findByName(ownerId: string, name: string): Promise<Reranker | null> {
    return this.prisma.reranker.findUnique({ where: { ownerId_name: { ownerId, name } } });
  }

  findByIdentity(identity: RerankerIdentity): Promise<Reranker | null> {
    return this.prisma.reranker.findUnique({ where: { identityHash: identityHash(identity) } });
  }

  async listPage(filter: RerankerFilter, cursor: PageCursor | undefined, pageSize: number): Promise<Page<Reranker>> {
    const rows = await this.prisma.reranker.findMany({
      where: {
        ownerId: filter.ownerId,
        providerType: filter.providerType,
        name: filter.name,
        ...amongIds(filter.ids),
        AND: [afterCursor(cursor), ...filter.labels.map(([key, value]) => ({ labels: { path: [key], equals: value } }))],
      },
      orderBy: [...NEWEST_FIRST],
      take: pageSize + 1,
    });
    return toPage(rows, pageSize);
  }

  /**
   * A conditional write (nothing if the row is no longer what `expected` says). Labels to
   * merge are merged in SQL into the row as it is at that moment, in the same transaction,
   * so concurrent merges all land; a merge past MAX_LABELS throws LabelLimitReached, which
   * rolls the caller's transaction back.
   */
  async update(tx: Tx, id: string, update: RerankerUpdate): Promise<UpdateOutcome> {
    const row = await conditionalUpdate(tx, id, update);
    if (!row) return 'stale';
    if (!update.mergeLabels) return { row };
    return { row: { ...row, labels: await mergeLabelsAtomically(tx, 'rerankers', id, update.mergeLabels) } };
  }

  /** The aliases that route to this reranker. */
  async aliasesUsing(id: string): Promise<Array<{ ownerId: string; name: string }>> {
    const rows = await this.prisma.aliasTarget.findMany({
      where: { rerankerId: id },
      select: { alias: { select: { ownerId: true, name: true } } },
      orderBy: { alias: { name: 'asc' } },
    });
    return rows.map((row) => row.alias);
  }

  /** Removes the reranker from every alias that routes to it (a new revision of each); returns those aliases as they were. */
  async detachFromAliases(tx: Tx, id: string): Promise<DetachedAlias[]> {
    const aliases = await tx.alias.findMany({
      where: { targets: { some: { rerankerId: id } } },
      select: {
        id: true,
        ownerId: true,
        name: true,
        targets: { orderBy: { position: 'asc' }, select: { rerankerId: true, weight: true, priority: true } },
      },
    });
    await tx.aliasTarget.deleteMany({ where: { rerankerId: id } });
    // Their targets changed: a new revision, so an If-Match read before no longer applies.
    await tx.alias.updateMany({ where: { id: { in: aliases.map((alias) => alias.id) } }, data: { revision: { increment: 1 } } });
    return aliases;
  }

  /**
   * The deleted row, or undefined when there was none. While an alias routes to the
   * reranker the foreign key refuses (P2003), which fails the caller's transaction.
   */
  async delete(tx: Tx, id: string): Promise<Reranker | undefined> {
    try {
      return await tx.reranker.delete({ where: { id } });
    } catch (error) {
      if (isRecordNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Rerankers whose inline secret is sealed under another key than `keyId`, a batch at a time. */
  findSealedUnderOtherKey(keyId: string, afterId: string | undefined, take: number): Promise<Reranker[]> {
    return this.prisma.reranker.findMany({
      where: {
        credentialsKeyId: { not: keyId },
        credentialsCiphertext: { not: null },
        ...(afterId ? { id: { gt: afterId } } : {}),
      },
      orderBy: { id: 'asc' },
      take,
    });
  }

  /** Replaces a sealed secret only if it is still the one that was read (no lost update). */
  async replaceSealedSecret(tx: Tx, id: string, previous: Sealed, next: Sealed): Promise<boolean> {
    const result = await tx.reranker.updateMany({
      where: { id, credentialsKeyId: previous.keyId, credentialsCiphertext: previous.ciphertext },
      data: { credentialsKeyId: next.keyId, credentialsCiphertext: next.ciphertext },
    });
    return result.count > 0;
  }
}

/** The updated row, or undefined when no row matched `expected`. */
async function conditionalUpdate(client: Tx, id: string, update: RerankerUpdate): Promise<Reranker | undefined> {
  const [row] = await client.reranker.updateManyAndReturn({
    where: { id, ...update.expected },
    data: {
      ...toColumns(update.changes),
      identityHash: identityHash(update.identity),
      updatedById: update.updatedById,
      revision: { increment: 1 },
    },
  });
  return row;
}

type NullableJson = Prisma.InputJsonValue | typeof Prisma.DbNull;

function jsonOrNull(value: object | null): NullableJson {
  return value === null ? Prisma.DbNull : (value as Prisma.InputJsonObject);
}

/** The row a create would write, built in memory and never stored (the dry probe). */
export function unsavedRow(reranker: NewReranker): Reranker {
  const { id, ownerId, providerType, createdById, ...fields } = reranker;
  const now = new Date();
  const columns = toColumns(fields);
  return {
    ...columns,
    id,
    ownerId,
    providerType,
    createdById,
    updatedById: createdById,
    identityHash: identityHash({ ownerId, providerType, ...fields }),
    revision: 0,
    createdAt: now,
    updatedAt: now,
    credentials: columns.credentials as Reranker['credentials'],
    extraHeaders: columns.extraHeaders as Reranker['extraHeaders'],
    lexical: columns.lexical as Reranker['lexical'],
    pricing: columns.pricing as Reranker['pricing'],
    credentialsCiphertext: fields.sealedSecret?.ciphertext ?? null,
    credentialsKeyId: fields.sealedSecret?.keyId ?? null,
    labels: fields.labels,
  };
}

/** The row an update would leave, built in memory and never stored (the dry probe). */
export function changedRow(current: Reranker, changes: Partial<RerankerFields>, updatedById: string): Reranker {
  const columns = toColumns(changes);
  return { ...current, ...(columns as Partial<Reranker>), updatedById, updatedAt: new Date() };
}

/** Domain fields to columns; undefined stays undefined so partial updates touch only what changed. */
function toColumns<F extends Partial<RerankerFields>>(fields: F) {
  const { credentials, sealedSecret, labels, extraHeaders, lexical, pricing, ...plain } = fields;
  return {
    ...plain,
    ...(labels !== undefined ? { labels } : {}),
    ...(credentials !== undefined ? { credentials: jsonOrNull(credentials) } : {}),
    ...(extraHeaders !== undefined ? { extraHeaders: jsonOrNull(extraHeaders) } : {}),
    ...(lexical !== undefined ? { lexical: jsonOrNull(lexical) } : {}),
    ...(pricing !== undefined ? { pricing: jsonOrNull(pricing) } : {}),
    ...(sealedSecret !== undefined
      ? { credentialsCiphertext: sealedSecret?.ciphertext ?? null, credentialsKeyId: sealedSecret?.keyId ?? null }
      : {}),
  };
}
