import { DomainError } from '../errors/domain-error.js';

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const MAX_URL_LENGTH = 2048;

/**
 * The stored, compared form of an endpoint URL: http(s) only, lowercase scheme and host,
 * IDN as punycode, no default port, dot segments resolved, duplicate and trailing
 * slashes removed, no fragment, percent-encoding normalized, query parameters sorted.
 * Credentials in the URL are refused: they belong in `credentials`.
 */
export function canonicalEndpointUrl(raw: string, field = 'endpointUrl'): string {
  const url = parseHttpUrl(raw, field);
  if (url.username || url.password) {
    throw DomainError.invalidArgument(`${field} must not contain user info; put secrets in credentials`);
  }
  const host = url.host.replace(/\.(?=$|:)/, '');
  const path = normalizePercentEncoding(collapseSlashes(url.pathname)).replace(/\/$/, '');
  return `${url.protocol}//${host}${path}${sortedQuery(url)}`;
}

/** An http(s) URL check for fields that are stored as given (e.g. monitoringEndpoint). */
export function parseHttpUrl(raw: string, field: string): URL {
  const value = raw.trim();
  if (value.length > MAX_URL_LENGTH) throw DomainError.invalidArgument(`${field} is longer than ${MAX_URL_LENGTH}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw DomainError.invalidArgument(`${field} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw DomainError.invalidArgument(`${field} must be an http or https URL`);
  }
  return url;
}

/** apiPath: leading slash ensured, duplicate and trailing slashes removed, no query or fragment. */
export function canonicalApiPath(raw: string): string {
  const value = raw.trim();
  if (value === '') throw DomainError.invalidArgument('apiPath must not be empty');
  if (/[?#]/.test(value)) throw DomainError.invalidArgument('apiPath must not contain a query or fragment');
  if (/[\s\\]/.test(value) || value.length > 512) {
    throw DomainError.invalidArgument('apiPath must be a URL path of at most 512 characters');
  }
  // Resolve dot segments and encode exactly as a URL path would be.
  const resolved = new URL(`http://x/${value.replace(/^\/+/, '')}`).pathname;
  const path = normalizePercentEncoding(collapseSlashes(resolved));
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}

function collapseSlashes(path: string): string {
  return path.replace(/\/{2,}/g, '/');
}

/** Decodes escapes of unreserved characters and upper-cases the hex of the rest. */
function normalizePercentEncoding(text: string): string {
  return text.replace(/%[0-9a-fA-F]{2}/g, (escape) => {
    const char = String.fromCharCode(parseInt(escape.slice(1), 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
}

function sortedQuery(url: URL): string {
  if (url.search === '' || url.search === '?') return '';
  const params = new URLSearchParams(url.search);
  params.sort();
  const query = params.toString();
  return query ? `?${query}` : '';
}
