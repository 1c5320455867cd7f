import { posix } from 'node:path';
import { ConfigError } from './config-error.js';
import type { EnvReader } from './env-reader.js';
import { Secret } from './secret.js';

export type VaultAuth =
  | { readonly kind: 'token'; readonly token: Secret<string> }
  | { readonly kind: 'approle'; readonly roleId: Secret<string>; readonly secretId: Secret<string> };

export interface VaultConfig {
  /** Vault's origin (scheme, host, port): the only place the Vault token is ever sent. */
  readonly address: string;
  readonly auth: VaultAuth;
  /** Sent as X-Vault-Namespace (Vault Enterprise / HCP). */
  readonly namespace: string | undefined;
  readonly timeoutMs: number;
}

/** Where secret references other than env:// may read from. */
export interface SecretSourcesConfig {
  /** vault:// references; undefined when VAULT_ADDR is unset (vault:// refused). */
  readonly vault: VaultConfig | undefined;
  /** file:// references may only name files under these absolute directories; empty: file:// refused. */
  readonly fileDirs: readonly string[];
  /** How long a secret read through a reference is used before it is read again. */
  readonly cacheTtlMs: number;
  /** After an upstream 401 a reference is read again at its source at most once per this long (the cache answers meanwhile). */
  readonly rereadCooldownMs: number;
  /** Deadline of one file:// read (a hung file system); past it the secret is unavailable (503). */
  readonly fileTimeoutMs: number;
}

export function loadSecretSourcesConfig(env: EnvReader): SecretSourcesConfig {
  return {
    vault: loadVaultConfig(env),
    fileDirs: env.list('SECRET_FILE_DIRS').map(parseFileDir),
    cacheTtlMs: env.integer('SECRET_REF_CACHE_TTL_MS', 300_000, { min: 0, max: 86_400_000 }),
    rereadCooldownMs: env.integer('SECRET_REF_REREAD_COOLDOWN_MS', 30_000, { min: 0, max: 86_400_000 }),
    fileTimeoutMs: env.integer('SECRET_FILE_TIMEOUT_MS', 2_000, { min: 10, max: 60_000 }),
  };
}

function loadVaultConfig(env: EnvReader): VaultConfig | undefined {
  const address = env.raw('VAULT_ADDR');
  const token = env.raw('VAULT_TOKEN');
  const roleId = env.raw('VAULT_ROLE_ID');
  const secretId = env.raw('VAULT_SECRET_ID');
  if ((roleId === undefined) !== (secretId === undefined)) {
    throw new ConfigError(roleId ? 'VAULT_SECRET_ID' : 'VAULT_ROLE_ID', 'is required with the other half of the AppRole (VAULT_ROLE_ID and VAULT_SECRET_ID)');
  }
  if (address === undefined) {
    if (token !== undefined || roleId !== undefined) throw new ConfigError('VAULT_ADDR', 'is required when VAULT_TOKEN or VAULT_ROLE_ID is set');
    return undefined;
  }
  if (token !== undefined && roleId !== undefined) {
    throw new ConfigError('VAULT_TOKEN', 'and VAULT_ROLE_ID/VAULT_SECRET_ID are exclusive: choose one way to authenticate to Vault');
  }
  if (token === undefined && roleId === undefined) {
    throw new ConfigError('VAULT_ADDR', 'needs VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID (AppRole)');
  }
  const auth: VaultAuth =
    token !== undefined ? { kind: 'token', token: new Secret(token) } : { kind: 'approle', roleId: new Secret(roleId!), secretId: new Secret(secretId!) };
  return {
    address: parseVaultAddress(address),
    auth,
    namespace: env.raw('VAULT_NAMESPACE'),
    timeoutMs: env.integer('VAULT_TIMEOUT_MS', 5_000, { min: 100, max: 120_000 }),
  };
}

function parseVaultAddress(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('VAULT_ADDR', 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('VAULT_ADDR', 'must be an http:// or https:// URL');
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigError('VAULT_ADDR', 'must be an origin only, like https://vault.internal:8200 (no path, query or user info)');
  }
  return url.origin;
}

function parseFileDir(dir: string): string {
  const trimmed = dir.replace(/\/+$/, '');
  if (!posix.isAbsolute(trimmed) || posix.normalize(trimmed) !== trimmed) {
    throw new ConfigError('SECRET_FILE_DIRS', `holds "${dir}": each entry must be a normalized absolute directory other than /`);
  }
  return trimmed;
}
