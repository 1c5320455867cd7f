import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma, type ApiKey, type UserRole } from '../generated/prisma/client.js';
import type { KeyScopes } from '../auth/key-scopes.js';
import { rethrowWithoutArguments } from '../common/errors/prisma-errors.js';
import type { Tx } from '../database/transactions.js';
import { afterCursor, NEWEST_FIRST, toPage, type Page, type PageCursor } from '../common/pagination/page-token.js';
import type { Labels } from '../common/validation/labels.js';

export interface KeyForVerification {
  id: string;
  secretHash: string;
  revokedAt: Date | null;
  expiresAt: Date | null;
  scopes: Prisma.JsonValue;
  defaultModel: string | null;
  user: { id: string; role: UserRole; disabledAt: Date | null };
}

export interface NewApiKey {
  id: string;
  userId: string;
  keyPrefix: string;
  secretHash: string;
  labels: Labels;
  expiresAt: Date | null;
  /** Absent or empty: not narrowed (stored as null). */
  scopes?: KeyScopes;
  /** A reranker id or an alias name; absent: none. */
  defaultModel?: string;
}

/** The row to insert for a new key. */
function apiKeyColumns({ scopes = {}, ...key }: NewApiKey): Prisma.ApiKeyUncheckedCreateInput {
  return { ...key, scopes: Object.keys(scopes).length > 0 ? (scopes as Prisma.InputJsonObject) : Prisma.DbNull };
}

/** A key's metadata (no secret hash) with its user's role, for the role rule. */
export type ApiKeyWithOwnerRole = Omit<ApiKey, 'secretHash'> & { user: { role: UserRole } };

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(tx: Tx, key: NewApiKey): Promise<ApiKey> {
    return tx.apiKey.create({ data: apiKeyColumns(key) }).catch(rethrowWithoutArguments);
  }

  findById(id: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findUnique({ where: { id } });
  }

  findWithOwnerRole(id: string): Promise<ApiKeyWithOwnerRole | null> {
    return this.prisma.apiKey.findUnique({ where: { id }, omit: { secretHash: true }, include: { user: { select: { role: true } } } });
  }

  /** What verification needs: the hash, whether the key is usable, and who it belongs to. */
  findForVerification(id: string): Promise<KeyForVerification | null> {
    return this.prisma.apiKey.findUnique({
      where: { id },
      select: {
        id: true,
        secretHash: true,
        revokedAt: true,
        expiresAt: true,
        scopes: true,
        defaultModel: true,
        user: { select: { id: true, role: true, disabledAt: true } },
      },
    });
  }

  async listPageForUser(userId: string, cursor: PageCursor | undefined, pageSize: number): Promise<Page<ApiKey>> {
    const rows = await this.prisma.apiKey.findMany({
      where: { userId, ...afterCursor(cursor) },
      orderBy: [...NEWEST_FIRST],
      take: pageSize + 1,
    });
    return toPage(rows, pageSize);
  }

  /** Keys of the user neither revoked nor expired at `now` (in `tx` when given). */
  countActive(userId: string, now: Date, tx?: Tx): Promise<number> {
    return (tx ?? this.prisma).apiKey.count({ where: { userId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } });
  }

  /** Sets revokedAt once: the revoked key, or undefined when it already was (a second revoke keeps the first time). */
  async revoke(tx: Tx, id: string): Promise<ApiKey | undefined> {
    const [revoked] = await tx.apiKey.updateManyAndReturn({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    return revoked;
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }
}
