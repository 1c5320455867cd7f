import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { ApiKey, User } from '../generated/prisma/client.js';
import { afterCursor, NEWEST_FIRST, toPage, type Page, type PageCursor } from '../common/pagination/page-token.js';
import type { Labels } from '../common/validation/labels.js';

export interface NewApiKey {
  id: string;
  userId: string;
  keyPrefix: string;
  secretHash: string;
  labels: Labels;
  expiresAt: Date | null;
}

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(key: NewApiKey): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data: key });
  }

  findById(id: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findUnique({ where: { id } });
  }

  /** The key with its user, for verification. */
  findWithUser(id: string): Promise<(ApiKey & { user: User }) | null> {
    return this.prisma.apiKey.findUnique({ where: { id }, include: { user: true } });
  }

  async listPageForUser(userId: string, cursor: PageCursor | undefined, pageSize: number): Promise<Page<ApiKey>> {
    const rows = await this.prisma.apiKey.findMany({
      where: { userId, ...afterCursor(cursor) },
      orderBy: [...NEWEST_FIRST],
      take: pageSize + 1,
    });
    return toPage(rows, pageSize);
  }

  /** Sets revokedAt once; a second revoke keeps the first time. */
  async revoke(id: string): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }
}
