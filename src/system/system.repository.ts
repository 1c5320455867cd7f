import { Injectable } from '@nestjs/common';
import { rethrowWithoutArguments } from '../database/prisma-errors.js';
import { PrismaService } from '../database/prisma.service.js';
import { apiKeyColumns, type NewApiKey } from '../api-keys/api-keys.repository.js';
import type { NewUser } from '../users/users.repository.js';

@Injectable()
export class SystemRepository {
  constructor(private readonly prisma: PrismaService) {}

  async isInitialized(): Promise<boolean> {
    return (await this.prisma.systemState.count()) > 0;
  }

  /**
   * Creates the root user, the singleton state row and the root key in one transaction.
   * The state row's fixed primary key makes a concurrent second init fail (P2002) and roll back.
   */
  async initialize(root: NewUser, key: NewApiKey): Promise<void> {
    await this.prisma
      .$transaction(async (tx) => {
        await tx.systemState.create({ data: { id: 1, rootUserId: root.id } });
        await tx.user.create({ data: root });
        await tx.apiKey.create({ data: apiKeyColumns(key) });
      })
      .catch(rethrowWithoutArguments);
  }
}
