import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import type { ApiKeyCredential } from './credential.js';

/**
 * Keyed SHA-256 (HMAC) over a canonical serialization of what makes two credentials the
 * same: kind, secret or reference, header name (case-insensitive), prefix. Secret reference
 * hints are left out: they do not change which secret a reference names. Its key is
 * separate from the encryption keys, so rotating those keeps every fingerprint.
 * No credential fingerprints as ''.
 */
@Injectable()
export class CredentialFingerprinter {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = config.secrets.fingerprintKey.reveal();
  }

  fingerprint(credential: ApiKeyCredential | null): string {
    if (!credential) return '';
    const secret = 'inlineSecret' in credential.source ? ['inline', credential.source.inlineSecret] : ['ref', credential.source.secretRefUri];
    const canonical = JSON.stringify([credential.kind, ...secret, credential.headerName.toLowerCase(), credential.prefix]);
    return createHmac('sha256', this.key).update(canonical).digest('hex');
  }
}
