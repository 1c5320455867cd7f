import type { ValidationOptions } from 'class-validator';
import { ValidateProblem } from '../common/validation/problem-validator.js';

/**
 * What a reranker may put in the headers sent upstream (its credential header and
 * extraHeaders), checked at registration so a bad header is a 400 there rather than a
 * failure on every call that also opens the circuit breaker.
 */

export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_HEADER_NAME_LENGTH = 100;

/** Framing, hop-by-hop and transport headers: the HTTP client owns them (Proxy-* too). */
const TRANSPORT_HEADERS = new Set([
  'host',
  'cookie',
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'accept-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'http2-settings',
]);

/** Names that mean something to a plain JavaScript object (`__proto__`, `constructor`, ...). */
const OBJECT_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype'].map((name) => name.toLowerCase()));

/**
 * A field value as it goes on the wire: tab, visible ASCII, space and Latin-1 letters.
 * No control characters (C0, DEL, C1), so no line breaks or NUL, and nothing above U+00FF.
 */
const HEADER_VALUE = /^[\t\x20-\x7e\xa0-\xff]*$/;

export function headerNameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !HTTP_TOKEN.test(value) || value.length > MAX_HEADER_NAME_LENGTH) {
    return `must be an HTTP header name of at most ${MAX_HEADER_NAME_LENGTH} characters`;
  }
  const name = value.toLowerCase();
  if (TRANSPORT_HEADERS.has(name) || name.startsWith('proxy-')) return `may not be "${value}": the HTTP client sets that header`;
  if (OBJECT_KEYS.has(name)) return `may not be "${value}"`;
  return undefined;
}

export function headerValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !HEADER_VALUE.test(value)) {
    return 'must hold only printable Latin-1 characters (no control characters or line breaks, nothing above U+00FF)';
  }
  return undefined;
}

/** An upstream header name, as accepted for credentials.apiKey.headerName and extraHeaders. */
export const IsHeaderName = (options?: ValidationOptions): PropertyDecorator => ValidateProblem('isHeaderName', headerNameProblem, options);

/** A value that is sent in an upstream header (credential prefix and secret, extra header values). */
export const IsHeaderValue = (options?: ValidationOptions): PropertyDecorator => ValidateProblem('isHeaderValue', headerValueProblem, options);

/**
 * The headers of one upstream request, later sources winning (names lowercased), in an
 * object without a prototype so no name can reach Object.prototype.
 */
export function upstreamHeaders(...sources: ReadonlyArray<Readonly<Record<string, string>> | null | undefined>): Record<string, string> {
  const headers = Object.create(null) as Record<string, string>;
  for (const source of sources) {
    for (const [name, value] of Object.entries(source ?? {})) headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** Header maps compared by name and value, whatever their order; null is none. */
export function sameHeaders(a: Readonly<Record<string, string>> | null, b: Readonly<Record<string, string>> | null): boolean {
  const entriesOf = (headers: Readonly<Record<string, string>> | null) => Object.entries(headers ?? {});
  const left = entriesOf(a);
  return left.length === entriesOf(b).length && left.every(([name, value]) => b?.[name] === value);
}
