import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { EncryptionKey } from '../config/secrets-config.js';

/** What a ciphertext is bound to: copied to another row, it no longer decrypts. */
export interface CipherBinding {
  readonly rerankerId: string;
  readonly ownerId: string;
}

export interface Sealed {
  readonly ciphertext: string;
  readonly keyId: string;
}

const VERSION = 'v1';
const NONCE_BYTES = 12;

export class CredentialDecryptionError extends Error {
  override name = 'CredentialDecryptionError';
}

/**
 * AES-256-GCM with a random 96-bit nonce per encryption and the reranker and owner ids
 * as associated data. Encrypts under the active (first) key; decrypts under any
 * configured key, named by the key id stored beside the ciphertext.
 */
@Injectable()
export class CredentialCipher {
  private readonly keys: ReadonlyMap<string, EncryptionKey>;
  private readonly active: EncryptionKey;

  constructor(config: AppConfig) {
    this.keys = new Map(config.secrets.encryptionKeys.map((key) => [key.id, key]));
    this.active = config.secrets.encryptionKeys[0]!;
  }

  get activeKeyId(): string {
    return this.active.id;
  }

  encrypt(plaintext: string, binding: CipherBinding): Sealed {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.active.key.reveal(), nonce);
    cipher.setAAD(associatedData(binding));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [VERSION, nonce, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url')));
    return { ciphertext: parts.join('.'), keyId: this.active.id };
  }

  decrypt(sealed: Sealed, binding: CipherBinding): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new CredentialDecryptionError(`encryption key "${sealed.keyId}" is not configured`);
    const [version, nonce, tag, body] = sealed.ciphertext.split('.');
    if (version !== VERSION || !nonce || !tag || body === undefined) {
      throw new CredentialDecryptionError('unrecognized ciphertext format');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key.reveal(), Buffer.from(nonce, 'base64url'));
      decipher.setAAD(associatedData(binding));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new CredentialDecryptionError('ciphertext does not authenticate for this reranker');
    }
  }
}

function associatedData(binding: CipherBinding): Buffer {
  return Buffer.from(`reranker:${binding.rerankerId}|owner:${binding.ownerId}`, 'utf8');
}
