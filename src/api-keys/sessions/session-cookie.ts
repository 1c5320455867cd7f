import { createHash, randomBytes } from 'node:crypto';
import { serialize } from 'cookie';
import { SESSION_COOKIE } from '../../auth/session-credentials.js';

const TOKEN_BYTES = 32;

/** A new session token: 256 random bits, the only copy goes to the browser. */
export function newSessionToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** What the database keeps of a token: its SHA-256 (the token has 256 bits of entropy, so no salt or stretching is needed). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries it), Secure over TLS. */
export function sessionCookie(token: string, maxAgeMs: number, secure: boolean): string {
  return serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', secure, maxAge: Math.floor(maxAgeMs / 1000) });
}

export function clearedSessionCookie(secure: boolean): string {
  return serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', secure, maxAge: 0 });
}
