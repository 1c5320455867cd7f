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
