import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import { InvalidationBus } from '../common/invalidation/invalidation-bus.js';
import { decodePageToken, encodePageToken } from '../common/pagination/page-token.js';
import { MAX_LABELS } from '../common/validation/labels.js';
import { AppConfig } from '../config/app-config.js';
import { isRecordNotFound, isUniqueViolation } from '../database/prisma-errors.js';
import { EgressPolicy } from '../egress/egress-policy.js';
import type { Principal } from '../auth/principal.js';
import type { Action } from '../auth/permissions.js';
import type { Reranker } from '../generated/prisma/client.js';
import { UsersRepository } from '../users/users.repository.js';
import {
  CREDENTIAL_KIND_GCP_ADC,
  credentialMetadata,
  DEFAULT_HEADER_NAME,
  DEFAULT_PREFIX,
  type ApiKeyCredential,
} from './credentials/credential.js';
import { CredentialCipher, type CipherBinding } from './credentials/credential-cipher.js';
import { CredentialFingerprinter } from './credentials/credential-fingerprint.js';
import type { CredentialsDto } from './credentials/credentials.dto.js';
import { validateSecretRef } from './credentials/secret-ref.js';
import { adapterFor } from '../rerank/providers/provider-catalog.js';
import type { CreateRerankerDto } from './dto/create-reranker.dto.js';
import type { RerankerListFilter } from './dto/list-rerankers.query.js';
import type { UpdateRerankerDto } from './dto/update-reranker.dto.js';
import { RerankersRepository, type RerankerFields, type RerankerIdentity } from './rerankers.repository.js';
import { canonicalApiPath, canonicalEndpointUrl, parseHttpUrl } from './url-canonicalization.js';

type CredentialFields = Pick<RerankerFields, 'credentials' | 'sealedSecret' | 'credentialsFingerprint'>;

/** Fields that create and update transform the same way when they are sent. */
type EditableInput = Partial<
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
  >
>;

const NO_CREDENTIALS: CredentialFields = { credentials: null, sealedSecret: null, credentialsFingerprint: '' };

/** The registry's rules: ownership, canonical identity, duplicates, credential protection. */
@Injectable()
export class RerankersService {
  constructor(
    private readonly rerankers: RerankersRepository,
    private readonly users: UsersRepository,
    private readonly cipher: CredentialCipher,
    private readonly fingerprinter: CredentialFingerprinter,
    private readonly config: AppConfig,
    private readonly invalidations: InvalidationBus,
    private readonly egress: EgressPolicy,
  ) {}

  async create(principal: Principal, dto: CreateRerankerDto): Promise<Reranker> {
    const ownerId = dto.ownerId ?? principal.userId;
    if (!principal.canActOn('CREATE', 'RERANKER', ownerId)) {
      throw DomainError.permissionDenied('CREATE_RERANKER_ANY is required to create for another owner');
    }
    if (ownerId !== principal.userId && !(await this.users.findById(ownerId))) {
      throw DomainError.invalidArgument('ownerId does not name a user');
    }
    const id = dto.rerankerId ?? randomUUID();
    const credential = dto.credentials ? this.credentialFields(principal, dto.credentials, { rerankerId: id, ownerId }) : NO_CREDENTIALS;
    const fields = this.withCreateDefaults(
      this.editableFields({ ...dto, apiPath: dto.apiPath ?? adapterFor(dto.providerType).defaultApiPath }),
      dto,
      credential,
    );
    assertExtraHeadersClear(fields.extraHeaders, fields.credentials?.apiKey.headerName);
    try {
      return await this.rerankers.create({ id, ownerId, providerType: dto.providerType, createdById: principal.userId, ...fields });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw await this.conflict(principal, { ownerId, providerType: dto.providerType, ...fields }, id);
    }
  }

  async get(principal: Principal, id: string): Promise<Reranker> {
    return this.visible(principal, 'READ', id);
  }

  async list(principal: Principal, { query, labels }: RerankerListFilter): Promise<{ rerankers: Reranker[]; nextToken?: string }> {
    const scope = principal.scopeFor('LIST', 'RERANKER');
    if (query.ownerId && query.ownerId !== principal.userId && scope !== 'ANY') {
      throw DomainError.permissionDenied("LIST_RERANKER_ANY is required to list another owner's rerankers");
    }
    const ownerId = query.ownerId ?? (scope === 'ANY' ? undefined : principal.userId);
    const page = await this.rerankers.listPage(
      { ownerId, providerType: query.providerType, labels },
      decodePageToken(query.nextToken),
      query.pageSize,
    );
    return { rerankers: page.items, ...(page.next ? { nextToken: encodePageToken(page.next) } : {}) };
  }

  async update(principal: Principal, id: string, dto: UpdateRerankerDto): Promise<Reranker> {
    const current = await this.visible(principal, 'UPDATE', id);
    assertImmutable('providerType', dto.providerType, current.providerType);
    assertImmutable('ownerId', dto.ownerId, current.ownerId);
    const changes: Partial<RerankerFields> = { ...this.editableFields(dto), ...this.labelChanges(current, dto) };
    if (dto.credentials !== undefined) {
      const binding = { rerankerId: id, ownerId: current.ownerId };
      Object.assign(changes, dto.credentials === null ? NO_CREDENTIALS : this.credentialFields(principal, dto.credentials, binding));
    }
    const next = { ...current, ...changes } as Reranker & RerankerFields;
    const credentials = changes.credentials !== undefined ? changes.credentials : toMetadata(current);
    assertExtraHeadersClear(next.extraHeaders as Record<string, string> | null, credentials?.apiKey.headerName);
    try {
      const updated = await this.rerankers.update(id, changes, principal.userId);
      this.invalidations.publish({ kind: 'reranker', id });
      return updated;
    } catch (error) {
      if (isRecordNotFound(error)) throw DomainError.notFound('Reranker');
      if (!isUniqueViolation(error)) throw error;
      throw await this.conflict(principal, next, id);
    }
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.visible(principal, 'DELETE', id);
    if (!(await this.rerankers.delete(id))) throw DomainError.notFound('Reranker');
    this.invalidations.publish({ kind: 'reranker', id });
  }

  /** The reranker if the caller may perform `action` on it; 404 whether missing or someone else's. */
  async visible(principal: Principal, action: Action, id: string): Promise<Reranker> {
    const reranker = await this.rerankers.findById(id);
    if (!reranker || !principal.canActOn(action, 'RERANKER', reranker.ownerId)) throw DomainError.notFound('Reranker');
    return reranker;
  }

  /** A complete row for create: what was sent (canonical), defaults for the rest. */
  private withCreateDefaults(
    editable: Partial<RerankerFields>,
    dto: CreateRerankerDto,
    credential: CredentialFields,
  ): RerankerFields {
    return {
      displayName: dto.displayName,
      modelIdentifier: dto.modelIdentifier,
      endpointUrl: editable.endpointUrl!,
      apiPath: editable.apiPath!,
      description: editable.description ?? null,
      version: editable.version ?? null,
      monitoringEndpoint: editable.monitoringEndpoint ?? null,
      supportedModalities: editable.supportedModalities ?? ['TEXT'],
      labels: dto.labels ?? {},
      requestTimeoutMs: editable.requestTimeoutMs ?? null,
      maxDocumentsPerRequest: editable.maxDocumentsPerRequest ?? null,
      maxTokensPerRequest: editable.maxTokensPerRequest ?? null,
      scoreNormalization: editable.scoreNormalization ?? adapterFor(dto.providerType).defaultScoreNormalization,
      extraHeaders: editable.extraHeaders ?? null,
      ...credential,
    };
  }

  /** Canonical forms of whatever of these fields the input carries. */
  private editableFields(input: EditableInput): Partial<RerankerFields> {
    const fields: Partial<RerankerFields> = {
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
    };
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

  private labelChanges(current: Reranker, dto: UpdateRerankerDto): Partial<RerankerFields> {
    if (dto.replaceLabels && dto.mergeLabels) {
      throw DomainError.invalidArgument('replaceLabels and mergeLabels are mutually exclusive');
    }
    if (dto.replaceLabels) return { labels: dto.replaceLabels };
    if (!dto.mergeLabels) return {};
    const labels = { ...(current.labels as Record<string, string>), ...dto.mergeLabels };
    if (Object.keys(labels).length > MAX_LABELS) {
      throw DomainError.invalidArgument(`mergeLabels would leave more than ${MAX_LABELS} labels`);
    }
    return { labels };
  }

  private credentialFields(principal: Principal, dto: CredentialsDto, binding: CipherBinding): CredentialFields {
    const credential = this.credentialFrom(principal, dto);
    const sealedSecret = 'inlineSecret' in credential.source ? this.cipher.encrypt(credential.source.inlineSecret, binding) : null;
    return {
      credentials: credentialMetadata(credential),
      sealedSecret,
      credentialsFingerprint: this.fingerprinter.fingerprint(credential),
    };
  }

  private credentialFrom(principal: Principal, dto: CredentialsDto): ApiKeyCredential {
    if (dto.kind === CREDENTIAL_KIND_GCP_ADC) {
      throw DomainError.invalidArgument('CREDENTIAL_KIND_GCP_ADC is not supported yet; use CREDENTIAL_KIND_API_KEY');
    }
    if (dto.gcpAdc) throw DomainError.invalidArgument('credentials.gcpAdc is only for CREDENTIAL_KIND_GCP_ADC; remove it');
    const apiKey = dto.apiKey;
    if (!apiKey) throw DomainError.invalidArgument('credentials.apiKey is required for CREDENTIAL_KIND_API_KEY');
    if ((apiKey.inlineSecret === undefined) === (apiKey.secretRef === undefined)) {
      throw DomainError.invalidArgument('credentials.apiKey needs exactly one of inlineSecret and secretRef');
    }
    let source: ApiKeyCredential['source'];
    if (apiKey.secretRef) {
      const uri = validateSecretRef(apiKey.secretRef.uri, this.config.secrets.secretRefEnvPrefixes);
      if (!principal.has('USE_SECRET_REF')) {
        throw DomainError.permissionDenied('USE_SECRET_REF is required to reference server secrets');
      }
      source = { secretRefUri: uri, ...(apiKey.secretRef.hints ? { secretRefHints: apiKey.secretRef.hints } : {}) };
    } else {
      source = { inlineSecret: apiKey.inlineSecret! };
    }
    return {
      kind: dto.kind,
      headerName: apiKey.headerName ?? DEFAULT_HEADER_NAME,
      prefix: apiKey.prefix ?? DEFAULT_PREFIX,
      source,
      ...(dto.labels ? { labels: dto.labels } : {}),
    };
  }

  private async conflict(principal: Principal, identity: RerankerIdentity, id: string): Promise<DomainError> {
    const existing = await this.rerankers.findByIdentity({
      ownerId: identity.ownerId,
      providerType: identity.providerType,
      endpointUrl: identity.endpointUrl,
      apiPath: identity.apiPath,
      modelIdentifier: identity.modelIdentifier,
      credentialsFingerprint: identity.credentialsFingerprint,
    });
    if (!existing || existing.id === id) return DomainError.alreadyExists('rerankerId is already in use');
    const readable = principal.canActOn('READ', 'RERANKER', existing.ownerId);
    return DomainError.alreadyExists(
      'This owner already has a reranker with the same provider, endpoint, path, model and credentials',
      readable ? { existingRerankerId: existing.id } : undefined,
    );
  }
}

function assertImmutable<T>(field: string, sent: T | undefined, current: T): void {
  if (sent !== undefined && sent !== current) throw DomainError.invalidArgument(`${field} cannot be changed`);
}

function assertExtraHeadersClear(extraHeaders: Record<string, string> | null, credentialHeader: string | undefined): void {
  if (!extraHeaders || !credentialHeader) return;
  if (Object.keys(extraHeaders).some((name) => name.toLowerCase() === credentialHeader.toLowerCase())) {
    throw DomainError.invalidArgument(`extraHeaders may not set ${credentialHeader}: it carries the credential`);
  }
}

function toMetadata(reranker: Reranker): RerankerFields['credentials'] {
  return reranker.credentials as RerankerFields['credentials'];
}
