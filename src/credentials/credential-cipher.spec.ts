import { AppConfig } from '../config/app-config.js';
import { CredentialCipher, CredentialDecryptionError } from './credential-cipher.js';

const KEY_A = Buffer.alloc(32, 7).toString('base64');
const KEY_B = Buffer.alloc(32, 9).toString('base64');
const config = (keys: string) =>
  AppConfig.fromEnv({ SECRETS_ENCRYPTION_KEY: keys, SECRETS_FINGERPRINT_KEY: KEY_A, DATA_DIR: '/nonexistent' });
const binding = { rerankerId: 'r1', ownerId: 'o1' };

describe('CredentialCipher', () => {
  const cipher = new CredentialCipher(config(`a:${KEY_A}`));

  it('round-trips a secret; the ciphertext does not contain it and differs every time', () => {
    const sealed = cipher.encrypt('sk-live-1234567890abcdef', binding);
    expect(sealed.keyId).toBe('a');
    expect(sealed.ciphertext).not.toContain('sk-live');
    expect(cipher.encrypt('sk-live-1234567890abcdef', binding).ciphertext).not.toBe(sealed.ciphertext);
    expect(cipher.decrypt(sealed, binding)).toBe('sk-live-1234567890abcdef');
  });

  it('refuses a ciphertext copied to another reranker or owner', () => {
    const sealed = cipher.encrypt('secret', binding);
    expect(() => cipher.decrypt(sealed, { ...binding, rerankerId: 'r2' })).toThrow(CredentialDecryptionError);
    expect(() => cipher.decrypt(sealed, { ...binding, ownerId: 'o2' })).toThrow(CredentialDecryptionError);
  });

  it('refuses a tampered ciphertext and an unknown key id', () => {
    const sealed = cipher.encrypt('secret', binding);
    const parts = sealed.ciphertext.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt({ ...sealed, ciphertext: parts.join('.') }, binding)).toThrow(CredentialDecryptionError);
    expect(() => cipher.decrypt({ ...sealed, keyId: 'zz' }, binding)).toThrow(/not configured/);
  });

  it('decrypts under an older key after rotation and encrypts under the new one', () => {
    const old = cipher.encrypt('secret', binding);
    const rotated = new CredentialCipher(config(`b:${KEY_B},a:${KEY_A}`));
    expect(rotated.decrypt(old, binding)).toBe('secret');
    expect(rotated.encrypt('secret', binding).keyId).toBe('b');
  });
});
