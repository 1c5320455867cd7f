import { Injectable } from '@nestjs/common';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { hashKeySecret, issueApiKey } from '../api-keys/api-key-material.js';
import { toApiKeyResponse } from '../api-keys/dto/api-key.response.js';
import type { AuditActor } from '../audit/audit-actor.js';
import { AuditLog } from '../audit/audit-log.js';
import { DomainError } from '../common/errors/domain-error.js';
import { AppConfig, type Argon2Config } from '../config/app-config.js';
import type { Secret } from '../config/secret.js';
import { DatabaseService } from '../database/database.service.js';
import { isUniqueViolation } from '../database/prisma-errors.js';
import { Transactions } from '../database/transactions.js';
import { toUserResponse } from '../users/dto/user.response.js';
import { SERVICE_VERSION } from './build-info.js';
import type { InitSystemDto } from './dto/init-system.dto.js';
import { SystemRepository } from './system.repository.js';

export type InitResult = { alreadyInitialized: true } | { alreadyInitialized: false; userId: string; rootApiKey: string };

export interface SystemInfo {
  version: string;
  databaseKind: string;
  /** Omitted in production unless the caller presents the init token. */
  initialized?: boolean;
}

export const INIT_TOKEN_HEADER = 'x-init-token';

@Injectable()
export class SystemService {
  private readonly initToken: Secret<string> | undefined;
  private readonly production: boolean;
  private readonly argon2: Argon2Config;

  constructor(
    private readonly system: SystemRepository,
    private readonly database: DatabaseService,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
    config: AppConfig,
  ) {
    this.initToken = config.auth.initToken;
    this.production = config.production;
    this.argon2 = config.auth.argon2;
  }

  /**
   * Creates the root user and returns its key, exactly once, even under concurrent calls.
   * With SYSTEM_INIT_TOKEN set, only a caller presenting it gets any answer (401 otherwise);
   * in production without it, init is refused (403): whoever reaches a fresh instance first
   * must not become ROOT.
   */
  async initialize(actor: AuditActor, dto: InitSystemDto, presentedToken: string | undefined): Promise<InitResult> {
    this.requireInitToken(presentedToken);
    if (await this.system.isInitialized()) return { alreadyInitialized: true };
    const userId = randomUUID();
    const key = issueApiKey();
    const root = { id: userId, email: dto.email ?? 'root@localhost', displayName: dto.displayName ?? 'Root', role: 'ROOT' as const };
    const rootKey = {
      id: key.id,
      userId,
      keyPrefix: key.displayPrefix,
      secretHash: await hashKeySecret(key.secret, this.argon2),
      labels: { purpose: 'root' },
      expiresAt: null,
    };
    try {
      await this.transactions.run(async (tx) => {
        const { user, apiKey } = await this.system.initialize(tx, root, rootKey);
        await this.audit.record(tx, {
          actor,
          action: 'system.init',
          target: { type: 'system', id: null, ownerId: userId },
          before: null,
          after: { rootUser: toUserResponse(user), rootKey: toApiKeyResponse(apiKey) },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) return { alreadyInitialized: true };
      throw error;
    }
    return { alreadyInitialized: false, userId, rootApiKey: key.raw };
  }

  /** Whether init has run tells an attacker a fresh instance is up for grabs: production hides it. */
  async info(presentedToken: string | undefined): Promise<SystemInfo> {
    const info = { version: SERVICE_VERSION, databaseKind: this.database.kind };
    if (this.production && !this.holdsInitToken(presentedToken)) return info;
    return { ...info, initialized: await this.system.isInitialized() };
  }

  private requireInitToken(presented: string | undefined): void {
    if (!this.initToken) {
      if (!this.production) return;
      throw DomainError.permissionDenied('System init is disabled in production until SYSTEM_INIT_TOKEN is set');
    }
    if (!this.holdsInitToken(presented)) {
      throw DomainError.unauthenticated(`System init needs the init token (${INIT_TOKEN_HEADER} or Authorization: Bearer)`);
    }
  }

  /** Constant-time: both sides are hashed first, so lengths never differ. */
  private holdsInitToken(presented: string | undefined): boolean {
    if (!this.initToken || presented === undefined) return false;
    return timingSafeEqual(sha256(presented), sha256(this.initToken.reveal()));
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
