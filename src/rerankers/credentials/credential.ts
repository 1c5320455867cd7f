/** The one supported kind today; GCP ADC is accepted by the contract but not implemented. */
export const CREDENTIAL_KIND_API_KEY = 'CREDENTIAL_KIND_API_KEY';
export const CREDENTIAL_KIND_GCP_ADC = 'CREDENTIAL_KIND_GCP_ADC';
export const CREDENTIAL_KINDS = [CREDENTIAL_KIND_API_KEY, CREDENTIAL_KIND_GCP_ADC] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** Where a credential goes unless its creator or its provider type (see ProviderAdapter.credentialHeader) says otherwise. */
export const DEFAULT_CREDENTIAL_HEADER = { headerName: 'Authorization', prefix: 'Bearer ' } as const;

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

/** The stored, returned form: never a secret. */
export interface CredentialMetadata {
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

/** Enough of a secret to recognize it, not enough to use it: the last 4 of a long one. */
const HINT_MIN_LENGTH = 16;

export function credentialMetadata(credential: ApiKeyCredential): CredentialMetadata {
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
    ...(credential.labels ? { labels: credential.labels } : {}),
  };
}

function secretRefMetadata(source: { secretRefUri: string; secretRefHints?: Record<string, string> }) {
  return { uri: source.secretRefUri, ...(source.secretRefHints ? { hints: source.secretRefHints } : {}) };
}

/** By code points: a hint that split a surrogate pair would not be storable (jsonb). */
function secretHint(secret: string): string {
  const codePoints = Array.from(secret);
  return codePoints.length >= HINT_MIN_LENGTH ? `…${codePoints.slice(-4).join('')}` : '…';
}
