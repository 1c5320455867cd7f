import type { RerankersRepository } from '../rerankers.repository.js';
import type { CredentialCipher } from './credential-cipher.js';

export interface RotationResult {
  rotated: number;
  /** Changed by someone else between read and write; their write is already under the active key. */
  skipped: number;
}

const BATCH = 500;

/** Re-encrypts every inline secret that is not yet under the active key. */
export async function rotateCredentials(rerankers: RerankersRepository, cipher: CredentialCipher): Promise<RotationResult> {
  const result: RotationResult = { rotated: 0, skipped: 0 };
  let afterId: string | undefined;
  for (;;) {
    const batch = await rerankers.findSealedUnderOtherKey(cipher.activeKeyId, afterId, BATCH);
    if (batch.length === 0) return result;
    for (const row of batch) {
      const previous = { ciphertext: row.credentialsCiphertext!, keyId: row.credentialsKeyId! };
      const binding = { rerankerId: row.id, ownerId: row.ownerId };
      const next = cipher.encrypt(cipher.decrypt(previous, binding), binding);
      if (await rerankers.replaceSealedSecret(row.id, previous, next)) result.rotated++;
      else result.skipped++;
    }
    afterId = batch[batch.length - 1]!.id;
  }
}
