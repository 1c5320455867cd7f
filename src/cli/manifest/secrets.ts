import { KEPT_SECRET } from './schema.js';

/** Where a secret field of a manifest takes its value from. */
export type SecretOrigin = { kind: 'env'; variable: string } | { kind: 'literal' } | { kind: 'kept' };

const values = new WeakMap<SecretSlot, string>();

/**
 * A secret field of a manifest, as the rest of rrctl sees it: its origin, never its value.
 * Plans, diffs and error messages print it through toJSON/toString (`${COHERE_API_KEY}`,
 * `<inline secret>`); only the request body that carries it to the server reads the value
 * (`secretValue`), so no output path can print a secret by mistake.
 */
export class SecretSlot {
  constructor(
    readonly origin: SecretOrigin,
    value?: string,
  ) {
    if (value !== undefined) values.set(this, value);
  }

  toString(): string {
    if (this.origin.kind === 'env') return `\${${this.origin.variable}}`;
    return this.origin.kind === 'kept' ? KEPT_SECRET : '<inline secret>';
  }

  toJSON(): string {
    return this.toString();
  }
}

/** The value to send; undefined for a kept secret (the server has it). */
export function secretValue(slot: SecretSlot): string | undefined {
  return values.get(slot);
}

/** A copy of `value` with every SecretSlot replaced by its secret: only for a request body. */
export function withSecrets<T>(value: T): T {
  if (value instanceof SecretSlot) {
    const secret = secretValue(value);
    if (secret === undefined) throw new Error('a kept secret cannot be sent');
    return secret as T;
  }
  if (Array.isArray(value)) return value.map((item) => withSecrets(item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withSecrets(item)])) as T;
  }
  return value;
}

/** Paths of the fields that hold secrets, under a Reranker's spec. */
export const SECRET_PATHS: ReadonlyArray<readonly string[]> = [
  ['credentials', 'apiKey', 'inlineSecret'],
  ['credentials', 'awsSigV4', 'accessKeyId'],
  ['credentials', 'awsSigV4', 'secretAccessKey'],
  ['credentials', 'awsSigV4', 'sessionToken'],
];

export const ENV_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
