/**
 * The API's error model ({code, message, requestId, details?}) as the console sees it, and
 * which form field an error names, so the message is shown at that field.
 */
export interface ErrorBodyLike {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly requestId?: unknown;
  readonly details?: unknown;
}

export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  /** A response that is not the error model (a proxy's page, a network failure) still becomes one. */
  static from(status: number, body: unknown): ApiError {
    const error = (typeof body === 'object' && body !== null ? body : {}) as ErrorBodyLike;
    const code = typeof error.code === 'string' ? error.code : status === 0 ? 'NETWORK' : `HTTP_${status}`;
    const message =
      typeof error.message === 'string' ? error.message : status === 0 ? 'The service cannot be reached' : `The service answered ${status}`;
    const details = typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : undefined;
    return new ApiError(status, code, message, typeof error.requestId === 'string' ? error.requestId : undefined, details);
  }
}

export type FieldErrors = Record<string, string>;

/**
 * Splits an error into messages per form field and what is left for the whole form. A field
 * is named by `details.fields[].field` (the validation pipe), else by a known field path at
 * the start of the message (`endpointUrl: ...`, `credentials.apiKey.headerName must ...`):
 * services name the field they refuse that way. The longest known path wins, so
 * `credentials.apiKey.headerName` is not taken for `credentials`.
 */
export function fieldErrorsOf(error: ApiError, knownFields: readonly string[]): { fields: FieldErrors; form?: string } {
  const fields: FieldErrors = {};
  const listed = error.details?.fields;
  if (Array.isArray(listed)) {
    for (const item of listed) {
      if (typeof item !== 'object' || item === null) continue;
      const { field, problems } = item as { field?: unknown; problems?: unknown };
      if (typeof field !== 'string') continue;
      const target = closestKnown(field, knownFields);
      if (!target) continue;
      const text = Array.isArray(problems) ? problems.filter((p) => typeof p === 'string').join('; ') : error.message;
      fields[target] = fields[target] ? `${fields[target]}; ${text}` : text;
    }
  }
  if (Object.keys(fields).length === 0) {
    const named = leadingField(error.message, knownFields);
    if (named) fields[named] = error.message;
  }
  const placed = Object.keys(fields).length > 0;
  return placed ? { fields } : { fields, form: error.message };
}

/** `credentials.apiKey.inlineSecret` maps to the nearest field the form has (itself, else a parent). */
function closestKnown(path: string, knownFields: readonly string[]): string | undefined {
  const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  for (let length = parts.length; length > 0; length--) {
    const candidate = parts.slice(0, length).join('.');
    if (knownFields.includes(candidate)) return candidate;
  }
  return undefined;
}

function leadingField(message: string, knownFields: readonly string[]): string | undefined {
  const match = /^([A-Za-z][A-Za-z0-9_]*(?:(?:\.[A-Za-z0-9_]+)|\[\d+\])*)/.exec(message);
  if (!match?.[1]) return undefined;
  return closestKnown(match[1], knownFields);
}
