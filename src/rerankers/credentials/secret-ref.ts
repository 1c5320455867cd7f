import { DomainError } from '../../common/errors/domain-error.js';

const ENV_REF = /^env:\/\/([A-Za-z_][A-Za-z0-9_]{0,127})$/;

/**
 * Secret references read the server's own secrets, so only `env://NAME` is accepted, and
 * only for NAMEs under a configured prefix. Other schemes (file://, vault://, gcp-sm://)
 * are refused as unsupported.
 */
export function validateSecretRef(uri: string, allowedPrefixes: readonly string[]): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1];
  if (scheme?.toLowerCase() !== 'env') {
    throw DomainError.invalidArgument(
      `credentials.apiKey.secretRef: ${scheme ? `the ${scheme}:// scheme is` : 'this reference is'} not supported; use env://NAME`,
    );
  }
  const name = ENV_REF.exec(uri)?.[1];
  if (!name) throw DomainError.invalidArgument('credentials.apiKey.secretRef.uri must be env://NAME');
  if (!allowedPrefixes.some((prefix) => name.startsWith(prefix))) {
    throw DomainError.invalidArgument(
      `credentials.apiKey.secretRef: env://${name} is outside the allowed prefixes (${allowedPrefixes.join(', ')})`,
    );
  }
  return uri;
}

/** Reads the secret a validated env:// reference names; undefined when the variable is unset. */
export function resolveSecretRef(uri: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = ENV_REF.exec(uri)?.[1];
  const value = name ? env[name] : undefined;
  return value === undefined || value === '' ? undefined : value;
}
