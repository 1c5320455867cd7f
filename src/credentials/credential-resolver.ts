import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import type { Reranker } from '../generated/prisma/client.js';
import { AWS_CREDENTIAL_SOURCE, sigV4Headers, type AwsCredentialSource } from './aws-sigv4.js';
import type { CallCredentials, MaterializedCredential } from './call-credentials.js';
import {
  CREDENTIAL_KIND_API_KEY,
  CREDENTIAL_KIND_AWS_SIGV4,
  CREDENTIAL_KIND_GCP_ADC,
  GCP_QUOTA_PROJECT_HEADER,
  type ApiKeyCredentialMetadata,
  type AwsKeys,
  type AwsSigV4CredentialMetadata,
  type CredentialMetadata,
  type GcpAdcCredentialMetadata,
} from './credential.js';
import { CredentialCipher } from './credential-cipher.js';
import { GCP_TOKEN_SOURCE, type GcpTokenSource } from './gcp-token-source.js';
import { SecretSource } from './secret-source.js';

/** The columns of a stored reranker a credential is materialized from. */
export type CredentialRow = Pick<Reranker, 'id' | 'ownerId' | 'credentials' | 'credentialsCiphertext' | 'credentialsKeyId'>;

const NONE: MaterializedCredential = { headers: {}, secrets: [] };

/**
 * Turns a stored credential into what a call sends: an inline secret decrypted, a
 * reference read at its source (Vault, file, env), the server's cloud identities asked per
 * call. Throws SecretUnavailable when a referenced secret cannot be read here.
 */
@Injectable()
export class CredentialResolver {
  constructor(
    private readonly cipher: CredentialCipher,
    private readonly secrets: SecretSource,
    @Inject(GCP_TOKEN_SOURCE) private readonly gcpTokens: GcpTokenSource,
    @Inject(AWS_CREDENTIAL_SOURCE) private readonly awsCredentials: AwsCredentialSource,
  ) {}

  /** How long a materialized credential holding a referenced secret may be kept: no longer than the secret itself. */
  get referencedSecretTtlMs(): number {
    return this.secrets.ttlMs;
  }

  async materialize(row: CredentialRow): Promise<MaterializedCredential> {
    const metadata = row.credentials as CredentialMetadata | null;
    switch (metadata?.kind) {
      case CREDENTIAL_KIND_API_KEY:
        return this.apiKey(row, metadata);
      case CREDENTIAL_KIND_GCP_ADC:
        return { ...NONE, authorize: this.gcpAdcAuthorizer(metadata.gcpAdc) };
      case CREDENTIAL_KIND_AWS_SIGV4:
        return { ...NONE, authorize: this.sigV4Authorizer(row, metadata.awsSigV4) };
      default:
        return NONE;
    }
  }

  /** The referenced secret read again at its source now (after an upstream 401); undefined when it cannot be read. */
  reread(uri: string): Promise<string | undefined> {
    return this.secrets.reread(uri).catch(() => undefined);
  }

  /** The credential header, and the values upstream text must never give back (with and without the prefix). */
  private async apiKey(row: CredentialRow, metadata: ApiKeyCredentialMetadata): Promise<MaterializedCredential> {
    const { headerName, prefix, secretRef } = metadata.apiKey;
    const secret = secretRef ? await this.secrets.read(secretRef.uri) : this.inlineSecret(row);
    return {
      headers: { [headerName]: `${prefix}${secret}` },
      secrets: [secret, `${prefix}${secret}`],
      ...(secretRef ? { secretRef: secretRef.uri } : {}),
    };
  }

  /** A fresh Bearer token per call from the service's own Google identity, and the quota project when set. */
  private gcpAdcAuthorizer({ scopes, quotaProjectId }: GcpAdcCredentialMetadata['gcpAdc']): () => Promise<CallCredentials> {
    const quota: Record<string, string> = quotaProjectId !== undefined ? { [GCP_QUOTA_PROJECT_HEADER]: quotaProjectId } : {};
    return async () => {
      const header = `Bearer ${await this.gcpTokens.accessToken(scopes)}`;
      return { headers: { authorization: header, ...quota }, secrets: [header.slice('Bearer '.length), header] };
    };
  }

  /**
   * Inline keys are decrypted once, with the target; the server chain is asked per call (the
   * SDK memoizes and refreshes). Each upstream request is then signed over its own body.
   */
  private sigV4Authorizer(row: CredentialRow, { region, service, hasInlineKeys }: AwsSigV4CredentialMetadata['awsSigV4']): () => Promise<CallCredentials> {
    const inline = hasInlineKeys ? (JSON.parse(this.inlineSecret(row)) as AwsKeys) : undefined;
    return async () => {
      const keys = inline ?? (await this.awsCredentials.credentials());
      return {
        headers: {},
        secrets: [keys.secretAccessKey, ...(keys.sessionToken ? [keys.sessionToken] : [])],
        sign: (request) => sigV4Headers(keys, { region, service }, request),
      };
    };
  }

  private inlineSecret(row: CredentialRow): string {
    try {
      return this.cipher.decrypt({ ciphertext: row.credentialsCiphertext!, keyId: row.credentialsKeyId! }, { rerankerId: row.id, ownerId: row.ownerId });
    } catch {
      throw new DomainError('UNAVAILABLE', "The reranker's credential cannot be decrypted with the configured keys");
    }
  }
}
