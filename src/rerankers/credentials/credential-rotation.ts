import type { RerankersRepository } from '../rerankers.repository.js';
import { CredentialDecryptionError, type CredentialCipher } from './credential-cipher.js';

export interface RotationResult {
  rotated: number;
  /** Changed by someone else between read and write; their write is already under the active key. */
  skipped: number;
  /** Rerankers whose secret no configured key decrypts: left as they are, for an operator to re-supply. */
  undecryptable: string[];
}

const BATCH = 500;

/** Re-encrypts every inline secret that is not yet under the active key; one bad row never stops the rest. */
export async function rotateCredentials(rerankers: RerankersRepository, cipher: CredentialCipher): Promise<RotationResult> {
  const result: RotationResult = { rotated: 0, skipped: 0, undecryptable: [] };
  let afterId: string | undefined;
  for (;;) {
    const batch = await rerankers.findSealedUnderOtherKey(cipher.activeKeyId, afterId, BATCH);
    if (batch.length === 0) return result;
    for (const row of batch) {
      const previous = { ciphertext: row.credentialsCiphertext!, keyId: row.credentialsKeyId! };
      const binding = { rerankerId: row.id, ownerId: row.ownerId };
      let plaintext: string;
      try {
        plaintext = cipher.decrypt(previous, binding);
      } catch (error) {
        if (!(error instanceof CredentialDecryptionError)) throw error;
        result.undecryptable.push(row.id);
        continue;
      }
      if (await rerankers.replaceSealedSecret(row.id, previous, cipher.encrypt(plaintext, binding))) result.rotated++;
      else result.skipped++;
    }
    afterId = batch[batch.length - 1]!.id;
  }
}
