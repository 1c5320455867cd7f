/**
 * The forms the server stores URLs and rates in (README: "canonical form"), so a manifest
 * that writes them differently (`https://API.cohere.com/`) is not a change forever. rrctl
 * talks to the service over HTTP only and cannot import its code; canonical.spec.ts checks
 * these against the server's own functions on the same inputs.
 */

const UNRESERVED = /[A-Za-z0-9\-._~]/;

export function canonicalEndpointUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return raw;
  }
  const host = url.host.replace(/\.(?=$|:)/, '');
  const path = normalizePercentEncoding(collapseSlashes(url.pathname)).replace(/\/$/, '');
  return `${url.protocol}//${host}${path}${sortedQuery(url)}`;
}

export function canonicalApiPath(raw: string): string {
  const value = raw.trim();
  if (value === '' || /[?#\s\\]/.test(value)) return raw;
  const resolved = new URL(`http://x/${value.replace(/^\/+/, '')}`).pathname;
  const path = normalizePercentEncoding(collapseSlashes(resolved));
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}

/** monitoringEndpoint is stored as the URL parser prints it. */
export function canonicalUrl(raw: string): string {
  try {
    return new URL(raw.trim()).toString();
  } catch {
    return raw;
  }
}

/** A non-negative decimal (number or string) as digits without redundant zeros. */
export function canonicalDecimal(raw: unknown): string {
  const text = typeof raw === 'number' ? raw.toFixed(9) : String(raw).trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return text;
  const [whole, fraction = ''] = text.split('.');
  const digits = whole!.replace(/^0+(?=\d)/, '');
  const decimals = fraction.replace(/0+$/, '');
  return decimals ? `${digits}.${decimals}` : digits;
}

function collapseSlashes(path: string): string {
  return path.replace(/\/{2,}/g, '/');
}

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
