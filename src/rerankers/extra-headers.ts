import type { ValidationOptions } from 'class-validator';
import { ValidateProblem } from '../common/validation/problem-validator.js';
import { HTTP_TOKEN } from './credentials/credentials.dto.js';

export const MAX_EXTRA_HEADERS = 20;

/** Headers a reranker's extraHeaders may never set: auth, and what the HTTP client owns. */
export const RESERVED_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'cookie',
  'host',
  'content-length',
  'content-type',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);

export function extraHeadersProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of string values';
  const entries = Object.entries(value);
  if (entries.length > MAX_EXTRA_HEADERS) return `may hold at most ${MAX_EXTRA_HEADERS} headers`;
  for (const [name, item] of entries) {
    if (!HTTP_TOKEN.test(name) || name.length > 100) return `"${name}" is not an HTTP header name`;
    if (RESERVED_HEADERS.has(name.toLowerCase())) return `may not set "${name}": put secrets in credentials`;
    if (typeof item !== 'string' || item.length > 1024 || /[\r\n\0]/.test(item)) {
      return `value of "${name}" must be a single-line string of at most 1024 characters`;
    }
  }
  return undefined;
}

/** Non-secret headers sent upstream with every call: <= 20, no auth or transport headers. */
export const IsExtraHeaders = (options?: ValidationOptions): PropertyDecorator =>
  ValidateProblem('isExtraHeaders', extraHeadersProblem, options);
