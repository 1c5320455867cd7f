/** rrctl's exit statuses (docs/cli.md). `diff` also exits 1 when it found changes. */
export const EXIT = {
  OK: 0,
  /** The server refused or failed (its code and message are on stderr), or was unreachable. */
  SERVER: 1,
  /** The command line, a manifest or a local file is wrong; nothing was sent that changes anything. */
  USAGE: 2,
  /** What was named does not exist (or is not visible to this key). */
  NOT_FOUND: 3,
  /** `diff` only: the server failed (1 already means "changes"). */
  DIFF_SERVER: 4,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** A mistake on the command line, in a manifest or in a local file. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.USAGE);
  }
}

export interface ErrorBody {
  code: string;
  message: string;
  requestId?: string;
  details?: Record<string, unknown>;
}

/** The service answered with its error model. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(`${body.code}: ${body.message}${body.requestId ? ` (request ${body.requestId})` : ''}`, body.code === 'NOT_FOUND' ? EXIT.NOT_FOUND : EXIT.SERVER);
  }

  get code(): string {
    return this.body.code;
  }
}
