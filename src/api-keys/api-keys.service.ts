import { Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { visibleOr404 } from '../auth/visibility.js';
import { DomainError } from '../common/errors/domain-error.js';
import { InvalidationBus } from '../database/invalidation-bus.js';
import { decodePageToken, encodePageToken } from '../common/pagination/page-token.js';
import { isUuid } from '../common/validation/canonical-uuid.js';
import type { Caller } from '../auth/caller.js';
import type { KeyScopes } from '../auth/key-scopes.js';
import type { Principal } from '../auth/principal.js';
import type { Labels } from '../common/validation/labels.js';
import { AppConfig, type Argon2Config } from '../config/app-config.js';
import type { ApiKey, UserRole } from '../generated/prisma/client.js';
import { UsersService } from '../users/users.service.js';
import { hashKeySecret, issueApiKey } from './api-key-material.js';
import type { AuditActor } from '../audit/audit-actor.js';
import type { AuditAction } from '../audit/audit-entry.js';
import { AuditLog } from '../audit/audit-log.js';
import { Transactions, type Tx } from '../database/transactions.js';
import { lockRow } from '../database/row-lock.js';
import { Argon2Pool } from './argon2-pool.js';
import { ApiKeysRepository, type ApiKeyWithOwnerRole, type NewApiKey } from './api-keys.repository.js';
import { toApiKeyResponse } from './dto/api-key.response.js';
import type { CreateApiKeyDto } from './dto/create-api-key.dto.js';
import type { ListApiKeysQuery } from './dto/list-api-keys.query.js';
import { mintedScopes } from './minted-scopes.js';

export interface CreatedApiKey {
  apiKey: ApiKey;
  rawApiKey: string;
}

/** A key minted by another key of the same user, in the transaction that stores it. */
export interface MintedKey {
  readonly keyId: string;
  readonly userId: string;
  /** The key that minted it (the caller's). */
  readonly mintedBy: string;
  readonly actor: AuditActor;
}

/**
 * Told of every key minted by a key of the same user, inside the transaction that stores it
 * (a failure rolls the new key back). How the limits module passes a key's own limits on
 * without api-keys depending on it.
 */
export type MintListener = (tx: Tx, minted: MintedKey) => Promise<void>;

/** A key issued and hashed, not yet stored: argon2 runs outside the transaction that stores it. */
export interface PreparedApiKey {
  readonly row: NewApiKey;
  readonly rawApiKey: string;
}

@Injectable()
export class ApiKeysService {
  private readonly argon2: Argon2Config;
  private readonly mintListeners: MintListener[] = [];
  /** Key creations per creating user and minute, in this process. */
  private readonly creations: RateLimiterMemory;
  private readonly maxKeysPerUser: number;

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersService,
    private readonly invalidations: InvalidationBus,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
    private readonly argon2Pool: Argon2Pool,
    config: AppConfig,
  ) {
    this.argon2 = config.auth.argon2;
    this.creations = new RateLimiterMemory({ keyPrefix: 'apikey-create', points: config.auth.keyCreationsPerMinute, duration: 60 });
    this.maxKeysPerUser = config.auth.maxKeysPerUser;
  }

  /**
   * Issues a key (issue 19 item 5: creation was free, and unbounded): the creating user gets
   * AUTH_KEY_CREATIONS_PER_MINUTE (429 past it), the key's user holds at most
   * AUTH_MAX_KEYS_PER_USER active keys (409 LIMIT_REACHED; counted under a lock on the user,
   * so concurrent creations cannot pass it), and the hash runs in the argon2 pool, behind
   * verifications.
   */
  async create(caller: Caller, dto: CreateApiKeyDto): Promise<CreatedApiKey> {
    const { principal } = caller;
    const userId = dto.userId ?? principal.userId;
    this.requireScopeFor(principal, 'CREATE', userId);
    const user = await this.users.find(userId);
    if (!user) throw DomainError.notFound('User');
    principal.requireReach(user.role);
    if (user.disabledAt) throw DomainError.invalidArgument('Cannot issue a key for a disabled user');
    if (dto.expiresAt !== undefined && dto.expiresAt <= Date.now()) {
      throw DomainError.invalidArgument('expiresAt must be in the future');
    }
    const scopes = mintedScopes(principal, dto.scopes ?? {}, user.role);
    if (dto.defaultModel !== undefined) requireWithinScopes(dto.defaultModel, scopes);
    await this.admitCreation(principal.userId);
    // Before the hash is paid for; checked again, under the lock, where it counts.
    await this.requireRoom(userId, this.keys.countActive(userId, new Date()));
    const prepared = await this.prepare(userId, { labels: dto.labels ?? {}, expiresAt: dto.expiresAt, scopes, defaultModel: dto.defaultModel });
    const apiKey = await this.transactions.run(async (tx) => {
      await lockRow(tx, 'users', userId);
      await this.requireRoom(userId, this.keys.countActive(userId, new Date(), tx));
      const created = await this.insert(tx, prepared);
      await this.record(tx, caller, 'apikey.create', null, created);
      if (userId === principal.userId) {
        for (const listener of this.mintListeners) await listener(tx, { keyId: created.id, userId, mintedBy: principal.apiKeyId, actor: caller });
      }
      return created;
    });
    return { apiKey, rawApiKey: prepared.rawApiKey };
  }

  /** Registers a listener for keys minted by a key of their own user (see MintListener). */
  onMinted(listener: MintListener): void {
    this.mintListeners.push(listener);
  }

  /** A new key for `userId`, hashed (in the argon2 pool); no check (the caller's service decided), nothing stored yet. */
  async prepare(
    userId: string,
    { labels, expiresAt, scopes, defaultModel }: { labels: Labels; expiresAt?: number; scopes?: KeyScopes; defaultModel?: string },
  ): Promise<PreparedApiKey> {
    const issued = issueApiKey();
    const secretHash = await this.argon2Pool.run('hash', () => hashKeySecret(issued.secret, this.argon2));
    const row: NewApiKey = {
      id: issued.id,
      userId,
      keyPrefix: issued.displayPrefix,
      secretHash,
      labels,
      expiresAt: expiresAt === undefined ? null : new Date(expiresAt),
      ...(scopes ? { scopes } : {}),
      ...(defaultModel !== undefined ? { defaultModel } : {}),
    };
    return { row, rawApiKey: issued.raw };
  }

  /** Stores a prepared key in the caller's transaction (system init stores the root key with its user). */
  insert(tx: Tx, prepared: PreparedApiKey): Promise<ApiKey> {
    return this.keys.create(tx, prepared.row);
  }

  async list(principal: Principal, query: ListApiKeysQuery): Promise<{ apiKeys: ApiKey[]; nextToken?: string }> {
    const userId = query.userId ?? principal.userId;
    this.requireScopeFor(principal, 'LIST', userId);
    const user = await this.users.find(userId);
    if (user) principal.requireReach(user.role);
    const page = await this.keys.listPageForUser(userId, decodePageToken(query.nextToken), query.pageSize);
    return { apiKeys: page.items, ...(page.next ? { nextToken: encodePageToken(page.next) } : {}) };
  }

  /** Whose key this is, with the owner's role, for other modules' ownership rules; no access check. */
  async ownerOf(id: string): Promise<{ userId: string; role: UserRole } | undefined> {
    const key = await this.keys.findWithOwnerRole(id);
    return key ? { userId: key.userId, role: key.user.role } : undefined;
  }

  /** Others' keys answer 404; a key of a user above the caller's role answers 403. */
  async get(principal: Principal, id: string): Promise<ApiKeyWithOwnerRole> {
    return this.reachable(principal, 'READ', id);
  }

  /**
   * Revokes at once (the verification cache is told); idempotent. Others' keys answer 404;
   * a key of a user above the caller's role answers 403.
   */
  async revoke(caller: Caller, id: string): Promise<void> {
    const { principal } = caller;
    await this.reachable(principal, 'DELETE', id);
    await this.transactions.run(async (tx) => {
      const revoked = await this.keys.revoke(tx, id);
      // Exactly what the conditional write changed: revokedAt, from null.
      if (revoked) await this.record(tx, caller, 'apikey.revoke', { ...revoked, revokedAt: null }, revoked);
    });
    this.invalidations.publish({ kind: 'api-key', id });
  }

  private record(tx: Tx, actor: AuditActor, action: AuditAction, before: ApiKey | null, after: ApiKey): Promise<void> {
    const target = { type: 'apikey', id: after.id, ownerId: after.userId } as const;
    return this.audit.record(tx, { actor, action, target, before: before && toApiKeyResponse(before), after: toApiKeyResponse(after) });
  }

  private async reachable(principal: Principal, action: 'READ' | 'DELETE', id: string): Promise<ApiKeyWithOwnerRole> {
    const key = await visibleOr404(this.keys.findWithOwnerRole(id), (found) => principal.canActOn(action, 'APIKEY', found.userId), 'API key');
    principal.requireReach(key.user.role);
    return key;
  }

  /** One more creation by this user this minute, or 429 RATE_LIMITED with when to retry. */
  private async admitCreation(creatorId: string): Promise<void> {
    try {
      await this.creations.consume(creatorId);
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      throw new DomainError('RATE_LIMITED', `At most ${this.creations.points} API keys may be created per minute; retry later`, {
        retryAfterMs: refused.msBeforeNext,
        limit: 'apiKeyCreationsPerMinute',
        value: this.creations.points,
      });
    }
  }

  /** 409 LIMIT_REACHED when the user already holds as many active keys as allowed. */
  private async requireRoom(userId: string, active: Promise<number>): Promise<void> {
    if ((await active) < this.maxKeysPerUser) return;
    throw new DomainError('LIMIT_REACHED', `This user already holds ${this.maxKeysPerUser} active API keys, the most allowed: revoke one first`, {
      userId,
      limit: 'activeApiKeysPerUser',
      value: this.maxKeysPerUser,
    });
  }

  /** Acting for another user needs the ANY permission: 403, since the caller named them. */
  private requireScopeFor(principal: Principal, action: 'CREATE' | 'LIST', userId: string): void {
    if (!principal.canActOn(action, 'APIKEY', userId)) {
      throw DomainError.permissionDenied(`${action}_APIKEY_ANY is required to act for another user`);
    }
  }
}

/** A key's default model must be one its own calls may run: inside its reranker or alias scope when it has one. */
function requireWithinScopes(defaultModel: string, scopes: KeyScopes): void {
  const allowed = isUuid(defaultModel) ? scopes.rerankerIds : scopes.aliases;
  if (allowed && !allowed.includes(defaultModel)) {
    throw DomainError.invalidArgument(`defaultModel: ${defaultModel} is outside the key's ${isUuid(defaultModel) ? 'scopes.rerankerIds' : 'scopes.aliases'}`);
  }
}
