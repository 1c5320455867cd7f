import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import type { ValidationOptions } from 'class-validator';
import { ValidateProblem } from '../common/validation/problem-validator.js';
import { headerNameProblem, headerValueProblem } from './header-rules.js';

export const MAX_EXTRA_HEADERS = 20;
const MAX_VALUE_LENGTH = 1024;

/** Credential headers: a secret belongs in `credentials`, where it is encrypted and never returned. */
const AUTH_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key']);

export function extraHeadersProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of string values';
  const entries = Object.entries(value);
  if (entries.length > MAX_EXTRA_HEADERS) return `may hold at most ${MAX_EXTRA_HEADERS} headers`;
  for (const [name, item] of entries) {
    const nameProblem = headerNameProblem(name);
    if (nameProblem) return `name "${name}" ${nameProblem}`;
    if (AUTH_HEADERS.has(name.toLowerCase())) return `may not set "${name}": put secrets in credentials`;
    if (typeof item !== 'string' || item.length > MAX_VALUE_LENGTH) return `value of "${name}" must be a string of at most ${MAX_VALUE_LENGTH} characters`;
    const valueProblem = headerValueProblem(item);
    if (valueProblem) return `value of "${name}" ${valueProblem}`;
  }
  return undefined;
}

/**
 * Non-secret headers sent upstream with every call: <= 20, no auth, transport or hop-by-hop
 * headers. Checked on the object as sent: class-transformer would silently drop names
 * such as `constructor` or `toString`, which must be refused instead.
 */
export const IsExtraHeaders = (options?: ValidationOptions) =>
  applyDecorators(
    Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => obj[key]),
    ValidateProblem('isExtraHeaders', extraHeadersProblem, options),
  );
