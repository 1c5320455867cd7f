import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Tx } from '../database/transactions.js';

@Injectable()
export class SystemRepository {
  constructor(private readonly prisma: PrismaService) {}

  async isInitialized(): Promise<boolean> {
    return (await this.prisma.systemState.count()) > 0;
  }

  /**
   * The singleton state row, in the transaction that creates the root user and key: its
   * fixed primary key makes a concurrent second init fail (P2002), which rolls that
   * transaction back.
   */
  async markInitialized(tx: Tx, rootUserId: string): Promise<void> {
    await tx.systemState.create({ data: { id: 1, rootUserId } });
  }
}
