import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { visibleOr404 } from '../auth/visibility.js';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import { assertOneLabelChange } from '../common/validation/label-changes.dto.js';
import { InvalidationBus } from '../database/invalidation-bus.js';
import { decodePageToken, encodePageToken } from '../common/pagination/page-token.js';
import { MAX_LABELS } from '../common/validation/labels.js';
import { isForeignKeyViolation, isUniqueViolation } from '../common/errors/prisma-errors.js';
import { LabelLimitReached } from '../database/label-merge.js';
import { Transactions, type Tx } from '../database/transactions.js';
import type { AuditActor } from '../audit/audit-actor.js';
import type { AuditAction } from '../audit/audit-entry.js';
import { AuditLog } from '../audit/audit-log.js';
import { EgressPolicy } from '../egress/egress-policy.js';
import type { Caller } from '../auth/caller.js';
import type { Principal } from '../auth/principal.js';
import type { Action } from '../auth/permissions.js';
import type { Reranker } from '../generated/prisma/client.js';
import { OwnerScope } from '../auth/owner-scope.js';
import type { CredentialMetadata } from '../credentials/credential.js';
import { CredentialPolicy, NO_CREDENTIALS, type KeptCredential, type StoredCredential } from '../credentials/credential-policy.js';
import { adapterFor, defaultScoreNormalizationFor, isBuiltinProvider } from '../providers/provider-catalog.js';
import { defaultApiPathFor } from '../providers/provider-adapter.js';
import type { CreateRerankerDto } from './dto/create-reranker.dto.js';
import { toLexicalTuning } from './dto/lexical.dto.js';
import { toPricing } from './dto/pricing.dto.js';
import { BuiltinRegistration } from './builtin-registration.js';
import type { RerankerListFilter } from './dto/list-rerankers.query.js';
import type { UpdateRerankerDto } from './dto/update-reranker.dto.js';
import type { RerankerIdentity } from './identity-hash.js';
import type { Pricing } from '../usage/pricing.js';
import { toRerankerResponse } from './dto/reranker.response.js';
import { RerankersRepository, changedRow, unsavedRow, type DetachedAlias, type RerankerFields, type UpdateOutcome } from './rerankers.repository.js';
import { canonicalApiPath, canonicalEndpointUrl, parseHttpUrl } from '../common/validation/url-canonicalization.js';
import { ifMatchAccepts, revisionEtag } from '../common/http/etag.js';

/** Fields that create and update transform the same way when they are sent. */
type EditableInput = Partial<Pick<UpdateRerankerDto, 'name'>> &
  Partial<
  Pick<
    CreateRerankerDto,
    | 'displayName'
    | 'description'
    | 'endpointUrl'
    | 'apiPath'
    | 'modelIdentifier'
    | 'supportedModalities'
    | 'version'
    | 'monitoringEndpoint'
    | 'requestTimeoutMs'
    | 'maxDocumentsPerRequest'
    | 'maxTokensPerRequest'
    | 'scoreNormalization'
    | 'extraHeaders'
    | 'lexical'
    | 'pricing'
  >
>;

/** An update checked against `current`, ready to write (conditional on the revision when If-Match was sent). */
interface PlannedWrite {
  current: Reranker;
  changes: Partial<RerankerFields>;
  identity: RerankerIdentity;
  dto: UpdateRerankerDto;
  conditional: boolean;
}

/** What a built-in reranker stores as its endpoint and path: it has none (responses say null). */
const NO_UPSTREAM = '';

/** Re-reads after a concurrent change of the identity or credential; more is contention, not progress. */
const MAX_UPDATE_ATTEMPTS = 5;

/** The registry's rules: ownership, canonical identity, duplicates, credential protection. */
@Injectable()
export class RerankersService {
  constructor(
    private readonly rerankers: RerankersRepository,
    private readonly owners: OwnerScope,
    private readonly credentialPolicy: CredentialPolicy,
    private readonly invalidations: InvalidationBus,
    private readonly egress: EgressPolicy,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
    private readonly builtins: BuiltinRegistration,
  ) {}

  async create(caller: Caller, dto: CreateRerankerDto): Promise<Reranker> {
    const { principal } = caller;
    const { id, ownerId, fields } = await this.prepareCreate(principal, dto);
    try {
      const created = await this.transactions.run(async (tx) => {
        const row = await this.rerankers.create(tx, { id, ownerId, providerType: dto.providerType, createdById: principal.userId, ...fields });
        await this.record(tx, caller, 'reranker.create', null, row);
        return row;
      });
      this.invalidations.publish({ kind: 'reranker', id, ownerId });
      return created;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw await this.conflict(principal, identityOf({ ownerId, providerType: dto.providerType, ...fields }), id, fields.name);
    }
  }

  /**
   * The row a create would store, checked exactly as create checks it (owner, scope,
   * credential rules, egress) and written nowhere: what the dry probe calls. Duplicates are
   * the database's to find, so a probe of an existing configuration still answers.
   */
  async plannedCreate(principal: Principal, dto: CreateRerankerDto): Promise<Reranker> {
    const { id, ownerId, fields } = await this.prepareCreate(principal, dto);
    return unsavedRow({ ...fields, id, ownerId, providerType: dto.providerType, createdById: principal.userId });
  }

  /** The row an update would leave, checked exactly as update checks it (redirecting a kept credential included), written nowhere. */
  async plannedChange(principal: Principal, id: string, dto: UpdateRerankerDto): Promise<Reranker> {
    assertOneLabelChange(dto);
    const current = await this.visible(principal, 'UPDATE', id);
    await this.owners.requireReachOf(principal, 'UPDATE', 'RERANKER', current.ownerId);
    await this.builtins.assertUpdatable(principal, current.providerType, current.modelIdentifier, dto);
    const { changes } = this.plannedUpdate(principal, current, dto);
    if (dto.mergeLabels) changes.labels = { ...(current.labels as Record<string, string>), ...dto.mergeLabels };
    return changedRow(current, changes, principal.userId);
  }

  private async prepareCreate(principal: Principal, dto: CreateRerankerDto): Promise<{ id: string; ownerId: string; fields: RerankerFields }> {
    const { id: ownerId } = await this.owners.forCreate(principal, 'RERANKER', dto.ownerId);
    const id = dto.rerankerId ?? randomUUID();
    if (!principal.mayUseReranker(id)) {
      throw DomainError.permissionDenied('This API key is narrowed to certain rerankers: create one by giving a rerankerId among them');
    }
    await this.builtins.assertCreatable(principal, dto);
    const credential = dto.credentials
      ? this.credentialPolicy.stored(principal, dto.credentials, { rerankerId: id, ownerId }, dto.providerType)
      : NO_CREDENTIALS;
    const fields = this.withCreateDefaults(
      this.editableFields({ ...dto, apiPath: dto.apiPath ?? defaultApiPath(dto) }),
      dto,
      credential,
    );
    this.credentialPolicy.assertExtraHeadersClear(fields.extraHeaders, fields.credentials);
    assertMaySetPricing(principal, fields.pricing, null);
    return { id, ownerId, fields };
  }

  async get(principal: Principal, id: string): Promise<Reranker> {
    return this.visible(principal, 'READ', id);
  }

  async list(principal: Principal, { query, labels }: RerankerListFilter): Promise<{ rerankers: Reranker[]; nextToken?: string }> {
    const ownerId = this.owners.listedOwner(principal, 'RERANKER', query.ownerId);
    const page = await this.rerankers.listPage(
      { ownerId, providerType: query.providerType, name: query.name, labels, ids: principal.scopes.rerankerIds },
      decodePageToken(query.nextToken),
      query.pageSize,
    );
    return { rerankers: page.items, ...(page.next ? { nextToken: encodePageToken(page.next) } : {}) };
  }

  /**
   * A partial update. With `ifMatch` it applies only to the revision that ETag names (412
   * otherwise, checked again by the write itself). Every write is conditional on the row's
   * identity and credential being those the rules were checked on; if another update
   * changed them meanwhile, this one is re-planned on the new row.
   */
  async update(caller: Caller, id: string, dto: UpdateRerankerDto, ifMatch?: string): Promise<Reranker> {
    const { principal } = caller;
    assertOneLabelChange(dto);
    for (let attempt = 1; ; attempt++) {
      const current = await this.visible(principal, 'UPDATE', id);
      await this.owners.requireReachOf(principal, 'UPDATE', 'RERANKER', current.ownerId);
      if (ifMatch !== undefined && !ifMatchAccepts(ifMatch, revisionEtag(current))) {
        throw new DomainError('PRECONDITION_FAILED', 'The reranker changed since the ETag in If-Match was read; read it again');
      }
      await this.builtins.assertUpdatable(principal, current.providerType, current.modelIdentifier, dto);
      const { changes, identity } = this.plannedUpdate(principal, current, dto);
      const outcome = await this.write(caller, { current, changes, identity, dto, conditional: ifMatch !== undefined });
      if (outcome !== 'stale') {
        this.invalidations.publish({ kind: 'reranker', id, ownerId: current.ownerId });
        return outcome.row;
      }
      if (attempt === MAX_UPDATE_ATTEMPTS) {
        throw new DomainError('UNAVAILABLE', 'The reranker kept changing during this update; try again');
      }
    }
  }

  /** Refused with 409 IN_USE while an alias routes to it, unless `force` removes it from those aliases. */
  async delete(caller: Caller, id: string, force = false): Promise<void> {
    const { principal } = caller;
    const { ownerId } = await this.visible(principal, 'DELETE', id);
    await this.owners.requireReachOf(principal, 'DELETE', 'RERANKER', ownerId);
    let detachedFrom: DetachedAlias[];
    try {
      detachedFrom = await this.transactions.run(async (tx) => {
        const detached = force ? await this.rerankers.detachFromAliases(tx, id) : [];
        const deleted = await this.rerankers.delete(tx, id);
        if (!deleted) throw DomainError.notFound('Reranker');
        await this.record(tx, caller, 'reranker.delete', deleted, null);
        await this.recordDetached(tx, caller, id, detached);
        return detached;
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) throw await this.inUse(principal, id);
      throw error;
    }
    this.invalidations.publish({ kind: 'reranker', id, ownerId });
    for (const aliasOwnerId of new Set(detachedFrom.map((alias) => alias.ownerId))) {
      this.invalidations.publish({ kind: 'alias', ownerId: aliasOwnerId });
    }
  }

  /**
   * Secrets stay out of the snapshots (metadata only; hints are redacted by AuditLog); a
   * credential replaced by another with the same metadata shows through its fingerprint.
   */
  private record(tx: Tx, actor: AuditActor, action: AuditAction, before: Reranker | null, after: Reranker | null): Promise<void> {
    const { id, ownerId } = (after ?? before)!;
    const replacedCredential = before !== null && after !== null && before.credentialsFingerprint !== after.credentialsFingerprint;
    return this.audit.record(tx, {
      actor,
      action,
      target: { type: 'reranker', id, ownerId },
      before: before && toRerankerResponse(before),
      after: after && toRerankerResponse(after),
      alsoChanged: replacedCredential ? ['credentials'] : [],
    });
  }

  /** A forced delete changes the aliases it is removed from: each gets its event, seen by its owner. */
  private async recordDetached(tx: Tx, actor: AuditActor, rerankerId: string, aliases: readonly DetachedAlias[]): Promise<void> {
    for (const { id, ownerId, name, targets } of aliases) {
      await this.audit.record(tx, {
        actor,
        action: 'alias.update',
        target: { type: 'alias', id, ownerId, name },
        before: { targets },
        after: { targets: targets.filter((target) => target.rerankerId !== rerankerId) },
      });
    }
  }

  /** Names the aliases in the way that the caller may see; counts the others. */
  private async inUse(principal: Principal, id: string): Promise<DomainError> {
    const aliases = await this.rerankers.aliasesUsing(id);
    const visible = aliases.filter((alias) => principal.canActOnAlias('READ', alias.name, alias.ownerId));
    const names = visible.map((alias) => alias.name).join(', ');
    return new DomainError('IN_USE', `Aliases route to this reranker${names ? ` (${names})` : ''}; remove it from them or delete with ?force=true`, {
      aliases: visible,
      otherAliases: aliases.length - visible.length,
    });
  }

  /** A stored reranker by id, for the execution path (which checks access itself, before it reads the credential). */
  async findStored(id: string): Promise<Reranker | undefined> {
    return (await this.rerankers.findById(id)) ?? undefined;
  }

  /** The owner of each of these rerankers that exists. */
  ownersOf(ids: readonly string[]): Promise<Array<{ id: string; ownerId: string }>> {
    return this.rerankers.findOwners(ids);
  }

  /** Up to `limit` ids of an owner's rerankers with this modelIdentifier, within `ids` when given (a narrowed key's view). */
  idsByModel(ownerId: string, modelIdentifier: string, limit: number, ids?: readonly string[]): Promise<string[]> {
    return this.rerankers.findIdsByModel(ownerId, modelIdentifier, limit, ids);
  }

  /** The reranker if the caller may perform `action` on it; 404 whether missing, someone else's or outside the key's scope. */
  async visible(principal: Principal, action: Action, id: string): Promise<Reranker> {
    return visibleOr404(this.rerankers.findById(id), (reranker) => principal.canActOnReranker(action, id, reranker.ownerId), 'Reranker');
  }

  /** The validated changes of an update and the identity the row will have. */
  private plannedUpdate(
    principal: Principal,
    current: Reranker,
    dto: UpdateRerankerDto,
  ): { changes: Partial<RerankerFields>; identity: RerankerIdentity } {
    assertImmutable('providerType', dto.providerType, current.providerType);
    assertImmutable('ownerId', dto.ownerId, current.ownerId);
    const changes: Partial<RerankerFields> = { ...this.editableFields(dto), ...(dto.replaceLabels ? { labels: dto.replaceLabels } : {}) };
    if (changes.pricing !== undefined) assertMaySetPricing(principal, changes.pricing, current.pricing as Pricing | null);
    if (dto.credentials !== undefined) {
      const binding = { rerankerId: current.id, ownerId: current.ownerId };
      Object.assign(
        changes,
        dto.credentials === null ? NO_CREDENTIALS : this.credentialPolicy.stored(principal, dto.credentials, binding, current.providerType),
      );
    } else {
      this.credentialPolicy.assertMayRedirect(principal, keptCredential(current), changes);
    }
    const credentials = changes.credentials !== undefined ? changes.credentials : keptCredential(current).credentials;
    const extraHeaders = changes.extraHeaders !== undefined ? changes.extraHeaders : keptCredential(current).extraHeaders;
    this.credentialPolicy.assertExtraHeadersClear(extraHeaders, credentials);
    return { changes, identity: identityOf({ ...current, ...changes }) };
  }

  /**
   * Writes a planned update and its audit event in one transaction. The row is locked and
   * read first, so the event's "before" is exactly what this update changed.
   */
  private async write(caller: Caller, plan: PlannedWrite): Promise<UpdateOutcome> {
    const { principal } = caller;
    const { current, changes, identity, dto, conditional } = plan;
    try {
      return await this.transactions.run(async (tx) => {
        const before = await this.rerankers.findForUpdate(tx, current.id);
        if (!before) return 'stale';
        const outcome = await this.rerankers.update(tx, current.id, {
          changes,
          identity,
          mergeLabels: dto.mergeLabels,
          updatedById: principal.userId,
          expected: { identityHash: current.identityHash, ...(conditional ? { revision: current.revision } : {}) },
        });
        if (outcome !== 'stale') await this.record(tx, caller, 'reranker.update', before, outcome.row);
        return outcome;
      });
    } catch (error) {
      if (error instanceof LabelLimitReached) throw DomainError.invalidArgument(`mergeLabels would leave more than ${MAX_LABELS} labels`);
      if (!isUniqueViolation(error)) throw error;
      throw await this.conflict(principal, identity, current.id, changes.name);
    }
  }

  /** A complete row for create: what was sent (canonical), defaults for the rest. */
  private withCreateDefaults(
    editable: Partial<RerankerFields>,
    dto: CreateRerankerDto,
    credential: StoredCredential,
  ): RerankerFields {
    return {
      name: dto.name ?? null,
      displayName: dto.displayName,
      modelIdentifier: dto.modelIdentifier,
      endpointUrl: editable.endpointUrl ?? NO_UPSTREAM,
      apiPath: editable.apiPath ?? NO_UPSTREAM,
      description: editable.description ?? null,
      version: editable.version ?? null,
      monitoringEndpoint: editable.monitoringEndpoint ?? null,
      supportedModalities: editable.supportedModalities ?? ['TEXT'],
      labels: dto.labels ?? {},
      requestTimeoutMs: editable.requestTimeoutMs ?? null,
      maxDocumentsPerRequest: editable.maxDocumentsPerRequest ?? null,
      maxTokensPerRequest: editable.maxTokensPerRequest ?? null,
      scoreNormalization: editable.scoreNormalization ?? defaultScoreNormalizationFor(dto.providerType),
      extraHeaders: editable.extraHeaders ?? null,
      lexical: editable.lexical ?? null,
      pricing: editable.pricing ?? null,
      ...credential,
    };
  }

  /** Canonical forms of whatever of these fields the input carries (and no key for the others). */
  private editableFields(input: EditableInput): Partial<RerankerFields> {
    const fields: Partial<RerankerFields> = withoutUndefined({
      name: input.name,
      displayName: input.displayName,
      description: input.description,
      modelIdentifier: input.modelIdentifier,
      supportedModalities: input.supportedModalities,
      version: input.version,
      requestTimeoutMs: input.requestTimeoutMs,
      maxDocumentsPerRequest: input.maxDocumentsPerRequest,
      maxTokensPerRequest: input.maxTokensPerRequest,
      scoreNormalization: input.scoreNormalization,
      extraHeaders: input.extraHeaders,
      lexical: input.lexical && toLexicalTuning(input.lexical),
      pricing: input.pricing && toPricing(input.pricing),
    });
    if (input.endpointUrl !== undefined) fields.endpointUrl = this.reachableEndpoint(input.endpointUrl);
    if (input.apiPath !== undefined) fields.apiPath = canonicalApiPath(input.apiPath);
    if (input.monitoringEndpoint !== undefined) {
      fields.monitoringEndpoint =
        input.monitoringEndpoint === null ? null : parseHttpUrl(input.monitoringEndpoint, 'monitoringEndpoint').toString();
    }
    return fields;
  }

  /** Canonical, and not a literal address (or metadata name) that egress would always refuse. */
  private reachableEndpoint(raw: string): string {
    const endpointUrl = canonicalEndpointUrl(raw);
    const problem = this.egress.registrationProblem(new URL(endpointUrl));
    if (problem) throw DomainError.invalidArgument(`endpointUrl is not reachable from this service: ${problem}`);
    return endpointUrl;
  }

  /** Which unique rule a write broke: the owner's name, the identity, or the id. */
  private async conflict(principal: Principal, identity: RerankerIdentity, id: string, name?: string | null): Promise<DomainError> {
    const named = name ? await this.rerankers.findByName(identity.ownerId, name) : null;
    const existing = named && named.id !== id ? named : await this.rerankers.findByIdentity(identity);
    if (!existing || existing.id === id) return DomainError.alreadyExists('rerankerId is already in use');
    const readable = principal.canActOnReranker('READ', existing.id, existing.ownerId);
    return DomainError.alreadyExists(
      existing === named
        ? `This owner already has a reranker named "${name}"`
        : 'This owner already has a reranker with the same provider, endpoint, path, model and credentials',
      readable ? { existingRerankerId: existing.id } : undefined,
    );
  }
}

/**
 * A reranker's pricing is what the cost quotas of its callers count: setting, changing or
 * clearing it needs SET_PRICING (admins), so nobody lowers the price their own quota is
 * charged. Sending the price it already has is no change (a read-modify-write client).
 */
function assertMaySetPricing(principal: Principal, requested: Pricing | null, current: Pricing | null): void {
  if (principal.has('SET_PRICING') || isDeepStrictEqual(requested, current)) return;
  throw DomainError.permissionDenied("SET_PRICING is required to set or change a reranker's pricing (what cost quotas count)");
}

/** The path a new reranker calls when its creator names none; none for a built-in one. */
function defaultApiPath({ providerType, modelIdentifier }: CreateRerankerDto): string | undefined {
  return isBuiltinProvider(providerType) ? undefined : defaultApiPathFor(adapterFor(providerType), modelIdentifier);
}

function assertImmutable<T>(field: string, sent: T | undefined, current: T): void {
  if (sent !== undefined && sent !== current) throw DomainError.invalidArgument(`${field} cannot be changed`);
}

/** Where the stored credential goes now, and who supplied it. */
function keptCredential(reranker: Reranker): KeptCredential {
  return {
    credentials: reranker.credentials as CredentialMetadata | null,
    credentialsSetById: reranker.credentialsSetById,
    endpointUrl: reranker.endpointUrl,
    apiPath: reranker.apiPath,
    extraHeaders: reranker.extraHeaders as Record<string, string> | null,
  };
}

function identityOf(row: RerankerIdentity): RerankerIdentity {
  const { ownerId, providerType, endpointUrl, apiPath, modelIdentifier, credentialsFingerprint } = row;
  return { ownerId, providerType, endpointUrl, apiPath, modelIdentifier, credentialsFingerprint };
}

function withoutUndefined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
