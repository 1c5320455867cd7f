import { Injectable } from '@nestjs/common';
import { rethrowWithoutArguments } from '../common/errors/prisma-errors.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Tx } from '../database/transactions.js';
import type { ApiKey, User } from '../generated/prisma/client.js';
import { apiKeyColumns, type NewApiKey } from '../api-keys/api-keys.repository.js';
import type { NewUser } from '../users/users.repository.js';

@Injectable()
export class SystemRepository {
  constructor(private readonly prisma: PrismaService) {}

  async isInitialized(): Promise<boolean> {
    return (await this.prisma.systemState.count()) > 0;
  }

  /**
   * Creates the singleton state row, the root user and the root key in the caller's
   * transaction. The state row's fixed primary key makes a concurrent second init fail
   * (P2002), which rolls that transaction back.
   */
  async initialize(tx: Tx, root: NewUser, key: NewApiKey): Promise<{ user: User; apiKey: ApiKey }> {
    try {
      await tx.systemState.create({ data: { id: 1, rootUserId: root.id } });
      return { user: await tx.user.create({ data: root }), apiKey: await tx.apiKey.create({ data: apiKeyColumns(key) }) };
    } catch (error) {
      return rethrowWithoutArguments(error);
    }
  }
}
