import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from '../generated/openapi.js';
import { ApiError, CliError, EXIT, type ErrorBody } from './errors.js';

export type Schemas = components['schemas'];
export type Operations = operations;
export type ApiClient = Client<paths>;

/** What every openapi-fetch call resolves to. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or the server's error as an ApiError (exit 1, or 3 for NOT_FOUND). */
export async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
  return (await answered(call)).data;
}

/** The body and the response (for ETag and Location). */
export async function answered<T>(call: Promise<Answer<T>>): Promise<{ data: T; response: Response }> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, errorBody(response, error));
  return { data: data as T, response };
}

/** The error model's fields, or the status when something else (a proxy) answered. */
function errorBody(response: Response, error: unknown): ErrorBody {
  if (typeof error === 'object' && error !== null && typeof (error as ErrorBody).code === 'string') {
    const { code, message, requestId, details } = error as ErrorBody;
    return { code, message: String(message), ...(requestId ? { requestId } : {}), ...(details ? { details } : {}) };
  }
  return { code: `HTTP_${response.status}`, message: response.statusText || 'the server answered without the error model' };
}

export interface Connection {
  server: string;
  apiKey?: string;
  timeoutMs: number;
}

/** The typed client (openapi-fetch over the checked-in OpenAPI document) for one server and key. */
export function apiClient(connection: Connection): ApiClient {
  const server = connection.server.replace(/\/+$/, '');
  return createClient<paths>({
    baseUrl: server,
    headers: { 'user-agent': 'rrctl', ...(connection.apiKey ? { 'x-api-key': connection.apiKey } : {}) },
    fetch: async (request) => {
      try {
        return await fetch(new Request(request, { signal: AbortSignal.any([request.signal, AbortSignal.timeout(connection.timeoutMs)]) }));
      } catch (error) {
        // A caller's own deadline (ping --timeout) is the caller's to report.
        if (request.signal.aborted) throw error;
        throw unreachable(server, error, connection.timeoutMs);
      }
    },
  });
}

function unreachable(server: string, error: unknown, timeoutMs: number): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return new CliError(`${server} did not answer within ${timeoutMs / 1000} s`, EXIT.SERVER);
  return new CliError(`cannot reach ${server}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, EXIT.SERVER);
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

const MAX_PAGE_SIZE = 1000;

/** Follows `nextToken` until the last page, or until `limit` items. */
export async function listAll<T>(fetchPage: (pageSize: number, nextToken?: string) => Promise<Page<T>>, limit?: number): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const wanted = limit === undefined ? MAX_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, limit - items.length);
    const page = await fetchPage(wanted, nextToken);
    items.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken !== undefined && (limit === undefined || items.length < limit));
  return limit === undefined ? items : items.slice(0, limit);
}
