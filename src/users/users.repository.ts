import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { lockRow } from '../database/row-lock.js';
import type { Tx } from '../database/transactions.js';
import type { User, UserRole } from '../generated/prisma/client.js';
import { afterCursor, NEWEST_FIRST, toPage, type Page, type PageCursor } from '../common/pagination/page-token.js';

export interface NewUser {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
}

export interface UserChanges {
  displayName?: string;
  role?: UserRole;
  disabledAt?: Date | null;
}

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(tx: Tx, user: NewUser): Promise<User> {
    return tx.user.create({ data: user });
  }

  findById(id: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  async listPage(cursor: PageCursor | undefined, pageSize: number): Promise<Page<User>> {
    const rows = await this.prisma.user.findMany({
      where: afterCursor(cursor),
      orderBy: [...NEWEST_FIRST],
      take: pageSize + 1,
    });
    return toPage(rows, pageSize);
  }

  /** The user, locked until the transaction ends: the state an update in it changes. */
  async findForUpdate(tx: Tx, id: string): Promise<User | null> {
    await lockRow(tx, 'users', id);
    return tx.user.findUnique({ where: { id } });
  }

  update(tx: Tx, id: string, changes: UserChanges): Promise<User> {
    return tx.user.update({ where: { id }, data: changes });
  }
}
