import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import type { ProviderType } from '../generated/prisma/enums.js';
import { credentialHeaderFor } from '../providers/provider-catalog.js';
import {
  CREDENTIAL_KIND_AWS_SIGV4,
  CREDENTIAL_KIND_GCP_ADC,
  DEFAULT_AWS_SERVICE,
  DEFAULT_CREDENTIAL_HEADER,
  credentialHeaderNames,
  credentialMetadata,
  sealedText,
  serverHeldBy,
  type ApiKeyCredential,
  type AwsSigV4Credential,
  type Credential,
  type CredentialMetadata,
  type GcpAdcCredential,
} from './credential.js';
import { CredentialCipher, type CipherBinding, type Sealed } from './credential-cipher.js';
import { CredentialFingerprinter } from './credential-fingerprint.js';
import type { CredentialsDto } from './credentials.dto.js';
import { sameHeaders } from './header-rules.js';
import { secretRefPolicy, validateSecretRef } from './secret-ref.js';

/** How a reranker keeps its credential: metadata to show, the sealed secret, the fingerprint, who supplied it. */
export interface StoredCredential {
  readonly credentials: CredentialMetadata | null;
  readonly sealedSecret: Sealed | null;
  readonly credentialsFingerprint: string;
  readonly credentialsSetById: string | null;
}

export const NO_CREDENTIALS: StoredCredential = { credentials: null, sealedSecret: null, credentialsFingerprint: '', credentialsSetById: null };

/** Where a kept credential is sent: a change of any of these sends it elsewhere. */
export interface CredentialDestination {
  readonly endpointUrl: string;
  readonly apiPath: string;
  readonly extraHeaders: Readonly<Record<string, string>> | null;
}

/** What a reranker holds now, for the redirect rule. */
export interface KeptCredential extends CredentialDestination {
  readonly credentials: CredentialMetadata | null;
  readonly credentialsSetById: string | null;
}

/**
 * Who may supply which credential, and who may send a kept one elsewhere. The rules of a
 * credential kind live here, whatever holds the credential.
 */
@Injectable()
export class CredentialPolicy {
  constructor(
    private readonly cipher: CredentialCipher,
    private readonly fingerprinter: CredentialFingerprinter,
    private readonly config: AppConfig,
  ) {}

  /** The stored form of a supplied credential (sealed to `binding`), recording who supplied it. */
  stored(principal: Principal, dto: CredentialsDto, binding: CipherBinding, providerType: ProviderType): StoredCredential {
    const credential = this.credentialFrom(principal, dto, providerType);
    const secret = sealedText(credential);
    return {
      credentials: credentialMetadata(credential),
      sealedSecret: secret !== undefined ? this.cipher.encrypt(secret, binding) : null,
      credentialsFingerprint: this.fingerprinter.fingerprint(credential),
      credentialsSetById: principal.userId,
    };
  }

  /**
   * Nobody may direct a credential they could not have supplied to a destination they
   * choose: a server secret reference needs USE_SECRET_REF, the server's own cloud identity
   * USE_SERVER_IDENTITY; an inline secret needs to be the caller's own (an admin's ANY scope
   * does not reach another user's secret). The header name and prefix that carry it only
   * change together with the credential itself, which re-supplies it.
   */
  assertMayRedirect(principal: Principal, kept: KeptCredential, next: Partial<CredentialDestination>): void {
    if (kept.credentials === null || !redirects(kept, next)) return;
    if (!this.couldSupply(principal, kept)) {
      throw DomainError.permissionDenied(
        'Changing endpointUrl, apiPath or extraHeaders would send the kept credential elsewhere, and you could not have supplied it: re-supply the credential (credentials) in the same request',
      );
    }
  }

  /**
   * Whether `principal` could have supplied this credential (the rule of assertMayRedirect):
   * who could send it anywhere may also read what an upstream says back about it (issue 19
   * item 13); nobody else reads an upstream's own words. No credential: nothing to guard.
   */
  couldSupply(principal: Principal, kept: Pick<KeptCredential, 'credentials' | 'credentialsSetById'>): boolean {
    // A row built in memory (the dry probe) says "none" with Prisma's null sentinel, which has no kind.
    if (!kept.credentials?.kind) return true;
    const required = serverHeldBy(kept.credentials);
    return required ? principal.has(required) : kept.credentialsSetById === principal.userId;
  }

  /** extraHeaders may not carry a header the credential is sent in. */
  assertExtraHeadersClear(extraHeaders: Readonly<Record<string, string>> | null, credentials: CredentialMetadata | null): void {
    if (!extraHeaders) return;
    for (const credentialHeader of credentialHeaderNames(credentials)) {
      if (Object.keys(extraHeaders).some((name) => name.toLowerCase() === credentialHeader.toLowerCase())) {
        throw DomainError.invalidArgument(`extraHeaders may not set ${credentialHeader}: it carries the credential`);
      }
    }
  }

  private credentialFrom(principal: Principal, dto: CredentialsDto, providerType: ProviderType): Credential {
    if (dto.kind === CREDENTIAL_KIND_GCP_ADC) return gcpAdcCredential(principal, dto);
    if (dto.kind === CREDENTIAL_KIND_AWS_SIGV4) return awsSigV4Credential(principal, dto);
    return this.apiKeyCredential(principal, dto, providerType);
  }

  /** The API key as supplied; header name and prefix default to where the provider expects the key. */
  private apiKeyCredential(principal: Principal, dto: CredentialsDto, providerType: ProviderType): ApiKeyCredential {
    if (dto.gcpAdc) throw DomainError.invalidArgument('credentials.gcpAdc is only for CREDENTIAL_KIND_GCP_ADC; remove it');
    if (dto.awsSigV4) throw DomainError.invalidArgument('credentials.awsSigV4 is only for CREDENTIAL_KIND_AWS_SIGV4; remove it');
    const apiKey = dto.apiKey;
    if (!apiKey) throw DomainError.invalidArgument('credentials.apiKey is required for CREDENTIAL_KIND_API_KEY');
    if ((apiKey.inlineSecret === undefined) === (apiKey.secretRef === undefined)) {
      throw DomainError.invalidArgument('credentials.apiKey needs exactly one of inlineSecret and secretRef');
    }
    let source: ApiKeyCredential['source'];
    if (apiKey.secretRef) {
      // Permission first: what this server lets references name is none of a member's business.
      if (!principal.has('USE_SECRET_REF')) {
        throw DomainError.permissionDenied('USE_SECRET_REF is required to reference server secrets');
      }
      const uri = validateSecretRef(apiKey.secretRef.uri, secretRefPolicy(this.config));
      source = { secretRefUri: uri, ...(apiKey.secretRef.hints ? { secretRefHints: apiKey.secretRef.hints } : {}) };
    } else {
      source = { inlineSecret: apiKey.inlineSecret! };
    }
    const headerDefaults = credentialHeaderFor(providerType) ?? DEFAULT_CREDENTIAL_HEADER;
    return {
      kind: 'CREDENTIAL_KIND_API_KEY',
      headerName: apiKey.headerName ?? headerDefaults.headerName,
      prefix: apiKey.prefix ?? headerDefaults.prefix,
      source,
      ...(dto.labels ? { labels: dto.labels } : {}),
    };
  }
}

/** The service's own Google identity: only for USE_SERVER_IDENTITY holders; nothing secret to store. */
function gcpAdcCredential(principal: Principal, dto: CredentialsDto): GcpAdcCredential {
  assertOnly(dto, 'gcpAdc');
  if (!principal.has('USE_SERVER_IDENTITY')) {
    throw DomainError.permissionDenied("USE_SERVER_IDENTITY is required to call upstreams with the service's own Google credentials");
  }
  const { scopes = [], quotaProjectId } = dto.gcpAdc ?? {};
  return {
    kind: CREDENTIAL_KIND_GCP_ADC,
    scopes,
    ...(quotaProjectId !== undefined ? { quotaProjectId } : {}),
    ...(dto.labels ? { labels: dto.labels } : {}),
  };
}

/**
 * Inline keys (both of accessKeyId and secretAccessKey, sessionToken optional) sign as
 * whoever they belong to; without them the server's default credential chain signs, which
 * is the service's own identity (USE_SERVER_IDENTITY).
 */
function awsSigV4Credential(principal: Principal, dto: CredentialsDto): AwsSigV4Credential {
  assertOnly(dto, 'awsSigV4');
  if (!dto.awsSigV4) throw DomainError.invalidArgument('credentials.awsSigV4 is required for CREDENTIAL_KIND_AWS_SIGV4 (at least its region)');
  const { accessKeyId, secretAccessKey, sessionToken, region, service = DEFAULT_AWS_SERVICE } = dto.awsSigV4;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw DomainError.invalidArgument("credentials.awsSigV4 needs both accessKeyId and secretAccessKey, or neither (the server's credential chain)");
  }
  if (accessKeyId === undefined && sessionToken !== undefined) {
    throw DomainError.invalidArgument('credentials.awsSigV4.sessionToken goes with inline accessKeyId and secretAccessKey');
  }
  if (accessKeyId === undefined && !principal.has('USE_SERVER_IDENTITY')) {
    throw DomainError.permissionDenied("USE_SERVER_IDENTITY is required to sign with the server's own AWS credentials; supply accessKeyId and secretAccessKey");
  }
  return {
    kind: CREDENTIAL_KIND_AWS_SIGV4,
    region,
    service,
    ...(accessKeyId !== undefined ? { keys: { accessKeyId, secretAccessKey: secretAccessKey!, ...(sessionToken !== undefined ? { sessionToken } : {}) } } : {}),
    ...(dto.labels ? { labels: dto.labels } : {}),
  };
}

/** The kind's own object only: another kind's object beside it is refused, not dropped. */
function assertOnly(dto: CredentialsDto, own: 'gcpAdc' | 'awsSigV4'): void {
  for (const field of ['apiKey', 'gcpAdc', 'awsSigV4'] as const) {
    if (field !== own && dto[field] !== undefined) {
      throw DomainError.invalidArgument(`credentials.${field} does not go with ${dto.kind}; remove it`);
    }
  }
}

function redirects(kept: CredentialDestination, next: Partial<CredentialDestination>): boolean {
  return (
    (next.endpointUrl !== undefined && next.endpointUrl !== kept.endpointUrl) ||
    (next.apiPath !== undefined && next.apiPath !== kept.apiPath) ||
    (next.extraHeaders !== undefined && !sameHeaders(next.extraHeaders, kept.extraHeaders))
  );
}
