import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config-error.js';
import { type EnvReader } from './env-reader.js';
import { Secret } from './secret.js';

export interface EncryptionKey {
  readonly id: string;
  readonly key: Secret<Buffer>;
}

export interface SecretsConfig {
  /** The first key is the active one; the others only decrypt (rotation). */
  readonly encryptionKeys: readonly EncryptionKey[];
  /** Keys credential fingerprints; independent of encryption keys so rotation keeps them. */
  readonly fingerprintKey: Secret<Buffer>;
  /** Where the keys came from: the environment, or the generated key file (dev only). */
  readonly source: 'environment' | 'key-file';
  /** env:// secret references may only name variables starting with one of these. */
  readonly secretRefEnvPrefixes: readonly string[];
}

const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
export const KEY_FILE_NAME = 'secrets.json';

interface KeyFile {
  encryptionKey: string;
  fingerprintKey: string;
}

export function loadSecretsConfig(env: EnvReader, dataDir: string, production: boolean): SecretsConfig {
  const encryptionValue = env.raw('SECRETS_ENCRYPTION_KEY');
  const fingerprintValue = env.raw('SECRETS_FINGERPRINT_KEY');
  const secretRefEnvPrefixes = env.list('SECRET_REF_ENV_PREFIXES');
  const prefixes = secretRefEnvPrefixes.length > 0 ? secretRefEnvPrefixes : ['RERANKER_SECRET_'];

  if (encryptionValue && fingerprintValue) {
    return {
      encryptionKeys: parseEncryptionKeys(encryptionValue),
      fingerprintKey: parseKey('SECRETS_FINGERPRINT_KEY', fingerprintValue),
      source: 'environment',
      secretRefEnvPrefixes: prefixes,
    };
  }
  if (production) {
    const missing = encryptionValue ? 'SECRETS_FINGERPRINT_KEY' : 'SECRETS_ENCRYPTION_KEY';
    throw new ConfigError(missing, 'is required when NODE_ENV=production');
  }
  const file = readOrCreateKeyFile(dataDir);
  return {
    encryptionKeys: parseEncryptionKeys(encryptionValue ?? `local:${file.encryptionKey}`),
    fingerprintKey: parseKey('SECRETS_FINGERPRINT_KEY', fingerprintValue ?? file.fingerprintKey),
    source: 'key-file',
    secretRefEnvPrefixes: prefixes,
  };
}

/** `id:base64[,id:base64...]`, active key first; a bare base64 value gets the id "default". */
function parseEncryptionKeys(value: string): EncryptionKey[] {
  const keys = value.split(',').map((entry) => {
    const separator = entry.indexOf(':');
    const id = separator === -1 ? 'default' : entry.slice(0, separator).trim();
    const material = separator === -1 ? entry : entry.slice(separator + 1);
    if (!KEY_ID.test(id)) {
      throw new ConfigError('SECRETS_ENCRYPTION_KEY', `has an invalid key id "${id}" (letters, digits, _ and -)`);
    }
    return { id, key: parseKey('SECRETS_ENCRYPTION_KEY', material) };
  });
  const ids = new Set(keys.map((key) => key.id));
  if (ids.size !== keys.length) throw new ConfigError('SECRETS_ENCRYPTION_KEY', 'repeats a key id');
  return keys;
}

function parseKey(variable: string, value: string): Secret<Buffer> {
  const bytes = Buffer.from(value.trim(), 'base64');
  if (bytes.length !== KEY_BYTES) {
    throw new ConfigError(variable, `must be ${KEY_BYTES} bytes encoded as base64 (openssl rand -base64 32)`);
  }
  return new Secret(bytes);
}

function readOrCreateKeyFile(dataDir: string): KeyFile {
  const path = join(dataDir, KEY_FILE_NAME);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    const fresh: KeyFile = {
      encryptionKey: randomBytes(KEY_BYTES).toString('base64'),
      fingerprintKey: randomBytes(KEY_BYTES).toString('base64'),
    };
    try {
      writeFileSync(path, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(path, 0o600);
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeyFile>;
    if (typeof parsed.encryptionKey !== 'string' || typeof parsed.fingerprintKey !== 'string') {
      throw new Error('missing fields');
    }
    return { encryptionKey: parsed.encryptionKey, fingerprintKey: parsed.fingerprintKey };
  } catch (error) {
    throw new ConfigError('DATA_DIR', `holds an unreadable key file ${path}: ${(error as Error).message}`);
  }
}
