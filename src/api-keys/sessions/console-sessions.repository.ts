import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service.js';
import type { UserRole } from '../../generated/prisma/enums.js';

/** A session with what authenticating it needs: its key's state and its user's. */
export interface SessionForAuth {
  readonly id: string;
  readonly apiKeyId: string;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
  readonly apiKey: {
    readonly keyPrefix: string;
    readonly revokedAt: Date | null;
    readonly expiresAt: Date | null;
    readonly scopes: unknown;
    readonly user: { readonly id: string; readonly email: string; readonly displayName: string; readonly role: UserRole; readonly disabledAt: Date | null };
  };
}

@Injectable()
export class ConsoleSessionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(session: { id: string; tokenHash: string; apiKeyId: string; now: Date; expiresAt: Date }): Promise<void> {
    await this.prisma.consoleSession.create({
      data: { id: session.id, tokenHash: session.tokenHash, apiKeyId: session.apiKeyId, createdAt: session.now, lastSeenAt: session.now, expiresAt: session.expiresAt },
    });
  }

  /** One indexed read: the session, its key and the key's user. */
  findForAuth(tokenHash: string): Promise<SessionForAuth | null> {
    return this.prisma.consoleSession.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        apiKeyId: true,
        lastSeenAt: true,
        expiresAt: true,
        apiKey: {
          select: {
            keyPrefix: true,
            revokedAt: true,
            expiresAt: true,
            scopes: true,
            user: { select: { id: true, email: true, displayName: true, role: true, disabledAt: true } },
          },
        },
      },
    });
  }

  async touch(id: string, lastSeenAt: Date): Promise<void> {
    await this.prisma.consoleSession.updateMany({ where: { id }, data: { lastSeenAt } });
  }

  async delete(id: string): Promise<void> {
    await this.prisma.consoleSession.deleteMany({ where: { id } });
  }

  /** Ends the oldest sessions of a key beyond `keep` and every expired one of it. */
  async trim(apiKeyId: string, keep: number, now: Date): Promise<string[]> {
    const sessions = await this.prisma.consoleSession.findMany({ where: { apiKeyId }, orderBy: { createdAt: 'desc' }, select: { id: true, expiresAt: true } });
    const ended = sessions.filter((s, i) => i >= keep || s.expiresAt <= now).map((s) => s.id);
    if (ended.length > 0) await this.prisma.consoleSession.deleteMany({ where: { id: { in: ended } } });
    return ended;
  }

  /** Expired and idle sessions, in batches (the retention sweep). */
  async deleteEnded(now: Date, idleSince: Date, batch: number): Promise<number> {
    const rows = await this.prisma.consoleSession.findMany({
      where: { OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lte: idleSince } }] },
      select: { id: true },
      take: batch,
    });
    if (rows.length === 0) return 0;
    const { count } = await this.prisma.consoleSession.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
    return count;
  }
}
