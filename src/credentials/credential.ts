export const CREDENTIAL_KIND_API_KEY = 'CREDENTIAL_KIND_API_KEY';
export const CREDENTIAL_KIND_GCP_ADC = 'CREDENTIAL_KIND_GCP_ADC';
export const CREDENTIAL_KIND_AWS_SIGV4 = 'CREDENTIAL_KIND_AWS_SIGV4';
export const CREDENTIAL_KINDS = [CREDENTIAL_KIND_API_KEY, CREDENTIAL_KIND_GCP_ADC, CREDENTIAL_KIND_AWS_SIGV4] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** Where a credential goes unless its creator or its provider type (see ProviderAdapter.credentialHeader) says otherwise. */
export const DEFAULT_CREDENTIAL_HEADER = { headerName: 'Authorization', prefix: 'Bearer ' } as const;
/** What an empty `gcpAdc.scopes` means. */
export const DEFAULT_GCP_SCOPES: readonly string[] = ['https://www.googleapis.com/auth/cloud-platform'];
export const GCP_QUOTA_PROJECT_HEADER = 'x-goog-user-project';
export const DEFAULT_AWS_SERVICE = 'bedrock';
/** What a SigV4 signature sets; extraHeaders may not. */
const SIGV4_HEADERS = ['Authorization', 'Host', 'X-Amz-Date', 'X-Amz-Security-Token', 'X-Amz-Content-Sha256'];

/**
 * A credential after validation and defaults, with the secret in the clear (inline) or
 * the reference to it. Lives only in memory: stored as metadata + ciphertext.
 */
export interface ApiKeyCredential {
  readonly kind: typeof CREDENTIAL_KIND_API_KEY;
  readonly headerName: string;
  readonly prefix: string;
  readonly source: { readonly inlineSecret: string } | { readonly secretRefUri: string; readonly secretRefHints?: Record<string, string> };
  readonly labels?: Record<string, string>;
}

/** The service's own Google identity (Application Default Credentials): nothing secret is stored. */
export interface GcpAdcCredential {
  readonly kind: typeof CREDENTIAL_KIND_GCP_ADC;
  readonly scopes: readonly string[];
  readonly quotaProjectId?: string;
  readonly labels?: Record<string, string>;
}

/** AWS access keys, as they sign. */
export interface AwsKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Requests signed with SigV4: inline keys (sealed like inline secrets), or the server's default chain. */
export interface AwsSigV4Credential {
  readonly kind: typeof CREDENTIAL_KIND_AWS_SIGV4;
  readonly region: string;
  readonly service: string;
  /** Absent: the server's own identity (default credential chain). */
  readonly keys?: AwsKeys;
  readonly labels?: Record<string, string>;
}

export type Credential = ApiKeyCredential | GcpAdcCredential | AwsSigV4Credential;

export interface ApiKeyCredentialMetadata {
  kind: typeof CREDENTIAL_KIND_API_KEY;
  apiKey: {
    headerName: string;
    prefix: string;
    secretRef?: { uri: string; hints?: Record<string, string> };
    hasInlineSecret: boolean;
    secretHint?: string;
  };
  labels?: Record<string, string>;
}

/** As GoodMem returns it: `gcpAdc: {scopes, quotaProjectId}`. */
export interface GcpAdcCredentialMetadata {
  kind: typeof CREDENTIAL_KIND_GCP_ADC;
  gcpAdc: { scopes: string[]; quotaProjectId?: string };
  labels?: Record<string, string>;
}

export interface AwsSigV4CredentialMetadata {
  kind: typeof CREDENTIAL_KIND_AWS_SIGV4;
  awsSigV4: {
    region: string;
    service: string;
    /** false: the server's default credential chain signs. */
    hasInlineKeys: boolean;
    /** The last 4 characters of the inline access key id. */
    accessKeyIdHint?: string;
    hasSessionToken?: boolean;
  };
  labels?: Record<string, string>;
}

/** The stored, returned form: never a secret. */
export type CredentialMetadata = ApiKeyCredentialMetadata | GcpAdcCredentialMetadata | AwsSigV4CredentialMetadata;

/** Enough of a secret to recognize it, not enough to use it: the last 4 of a long one. */
const HINT_MIN_LENGTH = 16;

export function credentialMetadata(credential: Credential): CredentialMetadata {
  const labels = credential.labels ? { labels: credential.labels } : {};
  if (credential.kind === CREDENTIAL_KIND_GCP_ADC) {
    const quota = credential.quotaProjectId !== undefined ? { quotaProjectId: credential.quotaProjectId } : {};
    return { kind: credential.kind, gcpAdc: { scopes: [...credential.scopes], ...quota }, ...labels };
  }
  if (credential.kind === CREDENTIAL_KIND_AWS_SIGV4) {
    const { keys } = credential;
    const inline = keys ? { accessKeyIdHint: `…${keys.accessKeyId.slice(-4)}`, hasSessionToken: keys.sessionToken !== undefined } : {};
    return { kind: credential.kind, awsSigV4: { region: credential.region, service: credential.service, hasInlineKeys: keys !== undefined, ...inline }, ...labels };
  }
  const inline = 'inlineSecret' in credential.source ? credential.source.inlineSecret : undefined;
  return {
    kind: credential.kind,
    apiKey: {
      headerName: credential.headerName,
      prefix: credential.prefix,
      ...('secretRefUri' in credential.source ? { secretRef: secretRefMetadata(credential.source) } : {}),
      hasInlineSecret: inline !== undefined,
      ...(inline !== undefined ? { secretHint: secretHint(inline) } : {}),
    },
    ...labels,
  };
}

/** The upstream header names a credential sets (extraHeaders may not set them). */
export function credentialHeaderNames(metadata: CredentialMetadata | null): string[] {
  if (!metadata) return [];
  if (metadata.kind === CREDENTIAL_KIND_GCP_ADC) return ['Authorization', GCP_QUOTA_PROJECT_HEADER];
  if (metadata.kind === CREDENTIAL_KIND_AWS_SIGV4) return SIGV4_HEADERS;
  return [metadata.apiKey.headerName];
}

/**
 * The permission that supplying this credential takes beyond owning the reranker: a server
 * secret (env:// reference) or the service's own cloud identity. Directing such a credential
 * elsewhere takes the same permission.
 */
export function serverHeldBy(metadata: CredentialMetadata): 'USE_SECRET_REF' | 'USE_SERVER_IDENTITY' | undefined {
  if (metadata.kind === CREDENTIAL_KIND_GCP_ADC) return 'USE_SERVER_IDENTITY';
  if (metadata.kind === CREDENTIAL_KIND_AWS_SIGV4) return metadata.awsSigV4.hasInlineKeys ? undefined : 'USE_SERVER_IDENTITY';
  return metadata.apiKey.secretRef ? 'USE_SECRET_REF' : undefined;
}

/** The text sealed at rest for a credential, if it carries a secret: an inline secret, or inline AWS keys as JSON. */
export function sealedText(credential: Credential): string | undefined {
  if (credential.kind === CREDENTIAL_KIND_AWS_SIGV4) return credential.keys ? JSON.stringify(credential.keys) : undefined;
  if (credential.kind === CREDENTIAL_KIND_API_KEY && 'inlineSecret' in credential.source) return credential.source.inlineSecret;
  return undefined;
}

function secretRefMetadata(source: { secretRefUri: string; secretRefHints?: Record<string, string> }) {
  return { uri: source.secretRefUri, ...(source.secretRefHints ? { hints: source.secretRefHints } : {}) };
}

/** By code points: a hint that split a surrogate pair would not be storable (jsonb). */
function secretHint(secret: string): string {
  const codePoints = Array.from(secret);
  return codePoints.length >= HINT_MIN_LENGTH ? `…${codePoints.slice(-4).join('')}` : '…';
}
