/** Prisma's known request errors, recognized by name and code without importing the runtime. */
function isPrismaError(error: unknown, code: string): boolean {
  const { name, code: actual } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === 'PrismaClientKnownRequestError' && actual === code;
}

/** P2002: a unique constraint failed. */
export function isUniqueViolation(error: unknown): boolean {
  return isPrismaError(error, 'P2002');
}

/** P2025: the record to update or delete does not exist. */
export function isRecordNotFound(error: unknown): boolean {
  return isPrismaError(error, 'P2025');
}

/** P2003: a foreign key refused the write (e.g. deleting a row others still reference). */
export function isForeignKeyViolation(error: unknown): boolean {
  return isPrismaError(error, 'P2003');
}

/**
 * Rethrows a failed write keeping only what callers branch on (name, code), never Prisma's
 * message, meta or cause: those can print the query's arguments (a secret hash) into a log.
 */
export function rethrowWithoutArguments(error: unknown): never {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  const safe = new Error(`Database write failed${typeof code === 'string' ? ` (${code})` : ''}`);
  if (typeof name === 'string') safe.name = name;
  if (typeof code === 'string') Object.assign(safe, { code });
  throw safe;
}

/**
 * The SQLSTATE PostgreSQL (or PGlite) answered a raw query with, when the error carries one:
 * Prisma's P2010 keeps it in `meta.driverAdapterError.cause.originalCode`.
 */
export function sqlStateOf(error: unknown): string | undefined {
  const { meta } = (error ?? {}) as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } };
  const code = meta?.driverAdapterError?.cause?.originalCode;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Whether the database refused the data itself (SQLSTATE class 22, data exception: a value
 * out of range, an overflow; class 23, integrity): the same rows would fail again however
 * often they are sent, unlike a lost connection or a timeout.
 */
export function isRefusedData(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}
