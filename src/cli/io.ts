import { homedir } from 'node:os';
import { UsageError } from './errors.js';

/** Where a command writes: a stream that may be a terminal. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Where a command reads piped input (manifests, documents, secrets) from. */
export interface InputStream extends AsyncIterable<Buffer | string> {
  readonly isTTY?: boolean;
}

/**
 * Everything rrctl touches outside itself, so the same commands run in a child process
 * (the real thing) and in process in tests with captured streams.
 */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: InputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  /** Reads one line without echoing it, from the terminal; undefined when there is none. */
  readonly promptHidden?: (question: string) => Promise<string>;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    homeDir: homedir(),
    promptHidden: async (question) => {
      // read (npm) mutes the echo on a TTY; it is only offered when stdin is one.
      const { read } = await import('read');
      return read({ prompt: question, silent: true, replace: '', output: process.stderr });
    },
  };
}

/** Reads a whole stream (stdin) as UTF-8, refusing more than `limit` bytes. */
export async function readAll(input: InputStream, limit: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) throw new UsageError(`${what} is larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
