import { posix } from 'node:path';
import { DomainError } from '../common/errors/domain-error.js';
import type { AppConfig } from '../config/app-config.js';

/** A parsed secret reference: which server secret it names. */
export type SecretRef =
  | { readonly scheme: 'env'; readonly name: string }
  /** KV v2 secret `path` under `mount`; `field` absent: the secret's only key, else its `value` key. */
  | { readonly scheme: 'vault'; readonly mount: string; readonly path: string; readonly field?: string }
  | { readonly scheme: 'file'; readonly path: string };

/** What this server lets references name. */
export interface SecretRefPolicy {
  readonly envPrefixes: readonly string[];
  readonly vaultConfigured: boolean;
  readonly fileDirs: readonly string[];
}

const ENV_REF = /^env:\/\/([A-Za-z_][A-Za-z0-9_]{0,127})$/;
const VAULT_SEGMENT = '[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}';
const VAULT_REF = new RegExp(`^vault://(${VAULT_SEGMENT})/(${VAULT_SEGMENT}(?:/${VAULT_SEGMENT})*)(?:#([A-Za-z0-9._-]{1,128}))?$`);
const FILE_REF = /^file:\/\/(\/[^?#%\0]*)$/;
const SHAPES = 'env://NAME, vault://<mount>/<path>[#<field>] or file:///<absolute path>';

export function secretRefPolicy(config: AppConfig): SecretRefPolicy {
  return {
    envPrefixes: config.secrets.secretRefEnvPrefixes,
    vaultConfigured: config.secretSources.vault !== undefined,
    fileDirs: config.secretSources.fileDirs,
  };
}

/** The reference's parts, or undefined when it has none of the accepted shapes. */
export function parseSecretRef(uri: string): SecretRef | undefined {
  const env = ENV_REF.exec(uri);
  if (env) return { scheme: 'env', name: env[1]! };
  const vault = VAULT_REF.exec(uri);
  if (vault) {
    const [, mount, path, field] = vault;
    // `.` and `..` segments would be resolved by Vault's router: refuse them rather than guess.
    if (`${mount}/${path}`.split('/').some((segment) => /^\.+$/.test(segment))) return undefined;
    return { scheme: 'vault', mount: mount!, path: path!, ...(field ? { field } : {}) };
  }
  const file = FILE_REF.exec(uri)?.[1];
  if (file && posix.normalize(file) === file && !file.endsWith('/')) return { scheme: 'file', path: file };
  return undefined;
}

/**
 * Checks at registration that a reference has an accepted shape and names something this
 * server lets references read: an env variable under a configured prefix, Vault when it is
 * configured, a file under SECRET_FILE_DIRS (checked again, symlinks resolved, at each read).
 */
export function validateSecretRef(uri: string, policy: SecretRefPolicy): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme !== 'env' && scheme !== 'vault' && scheme !== 'file') {
    throw DomainError.invalidArgument(
      `credentials.apiKey.secretRef: ${scheme ? `the ${scheme}:// scheme is` : 'this reference is'} not supported; use ${SHAPES}`,
    );
  }
  const ref = parseSecretRef(uri);
  if (!ref) throw DomainError.invalidArgument(`credentials.apiKey.secretRef.uri is not a valid ${scheme}:// reference; use ${SHAPES}`);
  switch (ref.scheme) {
    case 'env':
      if (!policy.envPrefixes.some((prefix) => ref.name.startsWith(prefix))) {
        throw DomainError.invalidArgument(
          `credentials.apiKey.secretRef: env://${ref.name} is outside the allowed prefixes (${policy.envPrefixes.join(', ')})`,
        );
      }
      break;
    case 'vault':
      if (!policy.vaultConfigured) {
        throw DomainError.invalidArgument('credentials.apiKey.secretRef: vault:// references are not configured on this server (VAULT_ADDR)');
      }
      break;
    case 'file':
      if (policy.fileDirs.length === 0) {
        throw DomainError.invalidArgument('credentials.apiKey.secretRef: file:// references are not configured on this server (SECRET_FILE_DIRS)');
      }
      if (!isUnderAny(ref.path, policy.fileDirs)) {
        throw DomainError.invalidArgument(`credentials.apiKey.secretRef: ${ref.path} is outside the allowed directories (${policy.fileDirs.join(', ')})`);
      }
      break;
  }
  return uri;
}

/** Whether `path` lies strictly inside one of `dirs` (all absolute and normalized). */
export function isUnderAny(path: string, dirs: readonly string[]): boolean {
  return dirs.some((dir) => path.startsWith(`${dir}/`));
}
