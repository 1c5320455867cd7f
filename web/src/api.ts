/**
 * The console's only way to the service: openapi-fetch typed with the types generated from
 * the checked-in openapi.json. Same origin, the session cookie rides along, and every
 * request carries the CSRF header (a custom header a cross-site page cannot send without a
 * CORS preflight, which the service never grants), so a cookie-authenticated change is
 * accepted only from this page.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from '../../src/generated/openapi.js';
import { ApiError } from './lib/api-error.js';

export type Schemas = components['schemas'];
export const CSRF_HEADER = 'x-rr-csrf';

const signedOutListeners = new Set<() => void>();

/** Called when a request answers 401: the session ended (key revoked, expired, signed out elsewhere). */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export const api = createClient<paths>({
  baseUrl: window.location.origin,
  credentials: 'same-origin',
  headers: { [CSRF_HEADER]: '1' },
});

api.use({
  onResponse({ response, request }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/v1/console/session')) {
      for (const listener of signedOutListeners) listener();
    }
    return undefined;
  },
});

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or an ApiError with the API's code and message (a network failure too). */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<{ data: T; response: Response }> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch {
    throw ApiError.from(0, undefined);
  }
  if (!result.response.ok) throw ApiError.from(result.response.status, result.error);
  return { data: result.data as T, response: result.response };
}

export async function body<T>(call: Promise<FetchResult<T>>): Promise<T> {
  return (await unwrap(call)).data;
}
