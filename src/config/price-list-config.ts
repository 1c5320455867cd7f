import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import type { EnvReader } from './env-reader.js';

/**
 * The deployment's price list as written: `PRICE_LIST` (JSON) or `PRICE_LIST_FILE` (a JSON
 * file, read once at boot), an object of `"<PROVIDER>/<model>"`, `"<PROVIDER>/*"` or `"*"`
 * to pricing. Read here; each entry is checked by usage's PriceList (the pricing rules live
 * there), which refuses to start on a bad one with a ConfigError naming PRICE_LIST.
 */
export function loadPriceList(env: EnvReader): Readonly<Record<string, unknown>> | undefined {
  const inline = env.raw('PRICE_LIST');
  const file = env.raw('PRICE_LIST_FILE');
  if (inline !== undefined && file !== undefined) throw new ConfigError('PRICE_LIST', 'and PRICE_LIST_FILE cannot both be set');
  if (inline === undefined && file === undefined) return undefined;
  let text: string;
  try {
    text = inline ?? readFileSync(file!, 'utf8');
  } catch (error) {
    throw new ConfigError('PRICE_LIST_FILE', `cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('PRICE_LIST', 'must be JSON: an object of "<PROVIDER>/<model>", "<PROVIDER>/*" or "*" to pricing');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('PRICE_LIST', 'must be a JSON object of "<PROVIDER>/<model>", "<PROVIDER>/*" or "*" to pricing');
  }
  return parsed as Record<string, unknown>;
}
