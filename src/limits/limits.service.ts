import { Injectable } from '@nestjs/common';
import { visibleOr404 } from '../auth/visibility.js';
import { ApiKeysService, type MintedKey } from '../api-keys/api-keys.service.js';
import { AuditLog } from '../audit/audit-log.js';
import type { Caller } from '../auth/caller.js';
import type { Principal } from '../auth/principal.js';
import { Transactions, type Tx } from '../database/transactions.js';
import { InvalidationBus } from '../database/invalidation-bus.js';
import { AppConfig } from '../config/app-config.js';
import type { LimitOverride, LimitSubject, UserRole } from '../generated/prisma/client.js';
import { UsersService } from '../users/users.service.js';
import type { LimitsView } from './dto/limits.response.js';
import type { UpdateLimitsDto } from './dto/update-limits.dto.js';
import type { LimitValues } from '../config/limits-config.js';
import { effectiveLimits, LIMIT_NAMES } from './limit-values.js';
import { LimitsRepository, toOverrides, type LimitChanges } from './limits.repository.js';
import { RateLimits } from './rate-limits.js';

/** Whose limits they are: the user, or the key's owner, with the role the rank rule needs. */
interface SubjectOwner {
  readonly userId: string;
  readonly role: UserRole;
}

/**
 * Reading and overriding the limits of a user or an API key. Reading needs READ_LIMITS
 * (members: their own user and keys, with what is left of each limit); overriding needs
 * UPDATE_LIMITS (admins) and a rank that reaches the subject's owner, so an ADMIN cannot
 * change ROOT's limits. A change is in force at once on every instance.
 *
 * A key minted by a key of the same user starts with a copy of the minting key's overrides
 * (in the transaction that stores it, audited as limits.update): per-key limits an admin set
 * cannot be walked around by minting a fresh key. Keys minted before an override keep their
 * own; the user's limits bound every key of theirs.
 */
@Injectable()
export class LimitsService {
  private readonly defaults: LimitValues;

  constructor(
    private readonly limits: LimitsRepository,
    private readonly users: UsersService,
    private readonly keys: ApiKeysService,
    private readonly rateLimits: RateLimits,
    private readonly invalidations: InvalidationBus,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
    config: AppConfig,
  ) {
    this.defaults = config.limits.defaults;
    keys.onMinted((tx, minted) => this.passOn(tx, minted));
  }

  async get(principal: Principal, subject: LimitSubject, id: string): Promise<LimitsView> {
    const owner = await this.visibleOwner(principal, 'READ', subject, id);
    return this.view(subject, id, owner, await this.limits.find(subject, id));
  }

  /** The overrides and their audit event (`limits.update` on the user or key) in one transaction. */
  async update(caller: Caller, subject: LimitSubject, id: string, dto: UpdateLimitsDto): Promise<LimitsView> {
    const { principal } = caller;
    const owner = await this.visibleOwner(principal, 'UPDATE', subject, id);
    principal.requireReach(owner.role);
    const row = await this.transactions.run(async (tx) => {
      const before = await this.limits.find(subject, id, tx);
      const after = await this.limits.write(tx, subject, id, changesOf(dto), principal.userId);
      await this.audit.record(tx, {
        actor: caller,
        action: 'limits.update',
        target: { type: subject === 'USER' ? 'user' : 'apikey', id, ownerId: owner.userId },
        before: toOverrides(before),
        after: toOverrides(after),
      });
      return after;
    });
    this.invalidations.publish({ kind: 'limits', subject, id });
    return this.view(subject, id, owner, row);
  }

  /** Copies the minting key's overrides to the key it minted, with their audit event; nothing when it has none. */
  private async passOn(tx: Tx, { keyId, userId, mintedBy, actor }: MintedKey): Promise<void> {
    const minting = await this.limits.find('APIKEY', mintedBy, tx);
    const changes = Object.fromEntries(Object.entries(toOverrides(minting)).filter(([, value]) => value !== null)) as LimitChanges;
    if (!minting || Object.keys(changes).length === 0) return;
    // Whoever set the minting key's limits decided these: they stay the limits' author.
    const row = await this.limits.write(tx, 'APIKEY', keyId, changes, minting.updatedById);
    await this.audit.record(tx, { actor, action: 'limits.update', target: { type: 'apikey', id: keyId, ownerId: userId }, before: toOverrides(null), after: toOverrides(row) });
  }

  /** The subject's owner; 404 when there is no such subject or the caller may not see it. */
  private async visibleOwner(principal: Principal, action: 'READ' | 'UPDATE', subject: LimitSubject, id: string): Promise<SubjectOwner> {
    return visibleOr404(this.ownerOf(subject, id), (owner) => principal.canActOn(action, 'LIMITS', owner.userId), subject === 'USER' ? 'User' : 'API key');
  }

  private async ownerOf(subject: LimitSubject, id: string): Promise<SubjectOwner | undefined> {
    if (subject === 'USER') {
      const user = await this.users.find(id);
      return user && { userId: user.id, role: user.role };
    }
    return this.keys.ownerOf(id);
  }

  private async view(subject: LimitSubject, id: string, owner: SubjectOwner, row: LimitOverride | null): Promise<LimitsView> {
    const overrides = toOverrides(row);
    const effective = effectiveLimits(this.defaults, overrides);
    return {
      subject,
      id,
      userId: owner.userId,
      overrides,
      effective,
      usage: await this.rateLimits.usage(subject, id, effective),
      updatedAt: row?.updatedAt ?? null,
      updatedById: row?.updatedById ?? null,
    };
  }
}

/** The fields the request sent, null included (it clears an override). */
function changesOf(dto: UpdateLimitsDto): LimitChanges {
  return Object.fromEntries(LIMIT_NAMES.filter((name) => dto[name] !== undefined).map((name) => [name, dto[name]]));
}
