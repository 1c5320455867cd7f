import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hashKeySecret, issueApiKey } from '../api-keys/api-key-material.js';
import { DatabaseService } from '../database/database.service.js';
import { isUniqueViolation } from '../database/prisma-errors.js';
import { SERVICE_VERSION } from './build-info.js';
import type { InitSystemDto } from './dto/init-system.dto.js';
import { SystemRepository } from './system.repository.js';

export type InitResult = { alreadyInitialized: true } | { alreadyInitialized: false; userId: string; rootApiKey: string };

@Injectable()
export class SystemService {
  constructor(
    private readonly system: SystemRepository,
    private readonly database: DatabaseService,
  ) {}

  /** Creates the root user and returns its key, exactly once, even under concurrent calls. */
  async initialize(dto: InitSystemDto): Promise<InitResult> {
    if (await this.system.isInitialized()) return { alreadyInitialized: true };
    const userId = randomUUID();
    const key = issueApiKey();
    try {
      await this.system.initialize(
        { id: userId, email: dto.email ?? 'root@localhost', displayName: dto.displayName ?? 'Root', role: 'ROOT' },
        {
          id: key.id,
          userId,
          keyPrefix: key.displayPrefix,
          secretHash: await hashKeySecret(key.secret),
          labels: { purpose: 'root' },
          expiresAt: null,
        },
      );
    } catch (error) {
      if (isUniqueViolation(error)) return { alreadyInitialized: true };
      throw error;
    }
    return { alreadyInitialized: false, userId, rootApiKey: key.raw };
  }

  async info(): Promise<{ version: string; databaseKind: string; initialized: boolean }> {
    return { version: SERVICE_VERSION, databaseKind: this.database.kind, initialized: await this.system.isInitialized() };
  }
}
