const MAX_LOGGED_MESSAGE_LENGTH = 200;

export interface LoggableError {
  type: string;
  code?: string | number;
  message: string;
  stack?: string;
}

/**
 * What of an unexpected error may reach the log: its name, code, the first line of its
 * message and its stack frames. Never the rest of the message, `meta` or `cause`: a
 * Prisma error prints the query's arguments there (an argon2 hash reached the log that way),
 * and a driver error's detail quotes the row.
 */
export function loggableError(error: unknown): LoggableError {
  if (!(error instanceof Error)) return { type: typeof error, message: 'non-Error value thrown' };
  const { code } = error as { code?: unknown };
  return {
    type: error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    message: firstLine(error.message),
    ...(error.stack ? { stack: stackFrames(error.stack) } : {}),
  };
}

function firstLine(message: string): string {
  const line = message.split('\n').find((candidate) => candidate.trim() !== '') ?? '';
  return line.trim().slice(0, MAX_LOGGED_MESSAGE_LENGTH);
}

/** `error.stack` starts with the whole message; keep only the `at ...` lines. */
function stackFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}
