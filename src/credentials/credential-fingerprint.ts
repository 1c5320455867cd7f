import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { CREDENTIAL_KIND_AWS_SIGV4, CREDENTIAL_KIND_GCP_ADC, DEFAULT_GCP_SCOPES, type Credential } from './credential.js';

/**
 * Keyed SHA-256 (HMAC) over a canonical serialization of what makes two credentials the
 * same: kind, secret or reference, header name (case-insensitive), prefix; for GCP ADC, the
 * effective scopes (sorted, deduplicated) and the quota project; for AWS SigV4, region,
 * service and the keys (or the server chain). Secret reference hints are
 * left out: they do not change which secret a reference names. Its key is
 * separate from the encryption keys, so rotating those keeps every fingerprint.
 * No credential fingerprints as ''.
 */
@Injectable()
export class CredentialFingerprinter {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = config.secrets.fingerprintKey.reveal();
  }

  fingerprint(credential: Credential | null): string {
    if (!credential) return '';
    return createHmac('sha256', this.key).update(JSON.stringify(canonicalParts(credential))).digest('hex');
  }
}

function canonicalParts(credential: Credential): unknown[] {
  if (credential.kind === CREDENTIAL_KIND_GCP_ADC) {
    const scopes = credential.scopes.length > 0 ? credential.scopes : DEFAULT_GCP_SCOPES;
    return [credential.kind, [...new Set(scopes)].sort(), credential.quotaProjectId ?? null];
  }
  if (credential.kind === CREDENTIAL_KIND_AWS_SIGV4) {
    const { keys } = credential;
    const identity = keys ? ['inline', keys.accessKeyId, keys.secretAccessKey, keys.sessionToken ?? null] : ['server'];
    return [credential.kind, credential.region, credential.service, ...identity];
  }
  const secret = 'inlineSecret' in credential.source ? ['inline', credential.source.inlineSecret] : ['ref', credential.source.secretRefUri];
  return [credential.kind, ...secret, credential.headerName.toLowerCase(), credential.prefix];
}
