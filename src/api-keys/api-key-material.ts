import { randomBytes, randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import type { Argon2Config } from '../config/app-config.js';

/**
 * Raw key: `rrk_<key id: 32 hex>_<secret: 256 random bits, base64url>`. The key id is the
 * row's UUID, used for lookup; only an argon2id hash of the secret is stored.
 */
const KEY_PATTERN = /^rrk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export interface IssuedKey {
  readonly id: string;
  readonly raw: string;
  readonly secret: string;
  /** Public, for display: enough to recognize a key, useless to use one. */
  readonly displayPrefix: string;
}

export interface ParsedKey {
  readonly id: string;
  readonly secret: string;
}

export function issueApiKey(): IssuedKey {
  const id = randomUUID();
  const hex = id.replaceAll('-', '');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, raw: `rrk_${hex}_${secret}`, displayPrefix: `rrk_${hex.slice(0, 8)}` };
}

/** Splits a presented key; undefined when it cannot be one of ours (no lookup needed). */
export function parseApiKey(raw: string): ParsedKey | undefined {
  const match = KEY_PATTERN.exec(raw);
  if (!match) return undefined;
  const hex = match[1]!;
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { id, secret: match[2]! };
}

/** argon2id with the configured cost (AUTH_ARGON2_*; production refuses less than OWASP's minimum). */
export function hashKeySecret(secret: string, { memoryKib, timeCost }: Argon2Config): Promise<string> {
  return argon2.hash(secret, { type: argon2.argon2id, memoryCost: memoryKib, timeCost, parallelism: 1 });
}

/** Constant-time comparison inside argon2; the hash names its own parameters, so any cost verifies. */
export function verifyKeySecret(hash: string, secret: string): Promise<boolean> {
  return argon2.verify(hash, secret).catch(() => false);
}
