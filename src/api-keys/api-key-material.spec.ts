import { hashKeySecret, issueApiKey, parseApiKey, verifyKeySecret } from './api-key-material.js';

describe('API key material', () => {
  it('issues keys that parse back to their id and secret', () => {
    const key = issueApiKey();
    expect(key.raw).toMatch(/^rrk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(key.raw)).toEqual({ id: key.id, secret: key.secret });
    expect(key.raw.startsWith(key.displayPrefix)).toBe(true);
    expect(key.displayPrefix).not.toContain(key.secret);
  });

  it('carries at least 128 random bits of secret', () => {
    expect(Buffer.from(issueApiKey().secret, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(issueApiKey().secret).not.toBe(issueApiKey().secret);
  });

  it.each(['', 'rrk_', 'Bearer x', `rrk_${'g'.repeat(32)}_${'a'.repeat(43)}`, `rrk_${'a'.repeat(32)}_${'a'.repeat(42)}`])(
    'rejects %j without a lookup',
    (raw) => {
      expect(parseApiKey(raw)).toBeUndefined();
    },
  );

  it('hashes with argon2id at the configured cost and verifies only the right secret', async () => {
    const key = issueApiKey();
    const hash = await hashKeySecret(key.secret, { memoryKib: 1024, timeCost: 2 });
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=2\$/);
    expect(hash).not.toContain(key.secret);
    await expect(verifyKeySecret(hash, key.secret)).resolves.toBe(true);
    await expect(verifyKeySecret(hash, issueApiKey().secret)).resolves.toBe(false);
    await expect(verifyKeySecret('not a hash', key.secret)).resolves.toBe(false);
  });

  it('verifies a hash stored before the cost was configurable (64 MiB, t=3): the hash carries its parameters', async () => {
    const stored = '$argon2id$v=19$m=65536,p=1,t=3$rGpsX3Zci56WbMfmlTy+4A$px4X5apTGAiBo25cE1N5x1vg8XY0ZViq4JWBfJwXPcw';
    await expect(verifyKeySecret(stored, 'a-secret-issued-before-argon2-was-configurable')).resolves.toBe(true);
    await expect(verifyKeySecret(stored, 'another secret')).resolves.toBe(false);
  });
});
