import { canonicalApiPath as serverApiPath, canonicalEndpointUrl as serverEndpointUrl } from '../../common/validation/url-canonicalization.js';

/**
 * The forms the server stores URLs and rates in, so that a manifest writing them another
 * way (`https://API.cohere.com/`) does not show as a change forever. The URL rules are the
 * server's own functions; a value they refuse is compared as written (the server will
 * refuse it on apply, with its message).
 */
export function canonicalEndpointUrl(raw: string): string {
  return leniently(serverEndpointUrl, raw);
}

export function canonicalApiPath(raw: string): string {
  return leniently(serverApiPath, raw);
}

/** monitoringEndpoint is stored as the URL parser prints it. */
export function canonicalUrl(raw: string): string {
  return leniently((value) => new URL(value.trim()).toString(), raw);
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

function leniently(canonical: (value: string) => string, raw: string): string {
  try {
    return canonical(raw);
  } catch {
    return raw;
  }
}
