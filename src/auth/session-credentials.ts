import type { IncomingHttpHeaders } from 'node:http';
import { parse } from 'cookie';
import { DomainError } from '../common/errors/domain-error.js';
import type { Principal } from './principal.js';

/**
 * The console's second way to present a credential: a session cookie, opened by exchanging
 * an API key (src/sessions). auth/ owns how a request presents itself; the sessions module
 * implements the lookup behind SESSION_AUTHENTICATOR.
 */
export const SESSION_COOKIE = 'rr_session';
/**
 * Header every state-changing request authenticated by the cookie must carry. A page on
 * another site cannot add a custom header without a CORS preflight, which this service never
 * grants, so a forged form post or fetch from elsewhere is refused even though the browser
 * would send the cookie (SameSite=Strict already keeps it off cross-site requests; this is the
 * second lock).
 */
export const CSRF_HEADER = 'x-rr-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SessionAuthenticator {
  /** The session's principal, or undefined when the token names no live session. */
  authenticate(token: string): Promise<{ readonly principal: Principal } | undefined>;
}
export const SESSION_AUTHENTICATOR = Symbol('SESSION_AUTHENTICATOR');

/** The session token a request carries, if any (a malformed one is no token). */
export function presentedSessionToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.cookie;
  if (!header) return undefined;
  const token = parse(header)[SESSION_COOKIE];
  return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : undefined;
}

/** A state-changing request authenticated by the cookie must carry `x-rr-csrf: 1`, else 403 CSRF_HEADER_MISSING. */
export function assertCsrfHeader(method: string, headers: IncomingHttpHeaders): void {
  if (SAFE_METHODS.has(method.toUpperCase()) || headers[CSRF_HEADER] === '1') return;
  throw new DomainError('CSRF_HEADER_MISSING', `A change made with the console session must send the header ${CSRF_HEADER}: 1`);
}
