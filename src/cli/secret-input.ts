import { UsageError } from './errors.js';
import { readAll, type CliIo } from './io.js';
import { readPrivateFile } from './private-files.js';

const MAX_SECRET_BYTES = 64 * 1024;

/** The ways a secret may reach rrctl: never an argument, where ps and shell history would keep it. */
export interface SecretFlags {
  stdin?: boolean;
  file?: string;
  prompt?: boolean;
}

/** The option names of one secret, for messages (`--api-key-stdin`...). */
export interface SecretFlagNames {
  stdin: string;
  file: string;
  prompt?: string;
}

/** Stdin can be read once: the first reader claims it (a manifest, documents, or a secret). */
export class StdinClaim {
  private owner: string | undefined;

  constructor(private readonly io: CliIo) {}

  async read(purpose: string, limit: number): Promise<string> {
    this.claim(purpose);
    return readAll(this.io.stdin, limit, purpose);
  }

  /** The first line (an answer to a question), without waiting for the end of the stream. */
  async readLine(purpose: string): Promise<string> {
    this.claim(purpose);
    let text = '';
    for await (const chunk of this.io.stdin) {
      text += chunk.toString();
      const end = text.indexOf('\n');
      if (end >= 0) return text.slice(0, end);
      if (text.length > 1024) break;
    }
    return text;
  }

  private claim(purpose: string): void {
    if (this.owner !== undefined) throw new UsageError(`stdin is already used for ${this.owner}; it cannot also give ${purpose}`);
    this.owner = purpose;
  }
}

/** The secret given by one of its flags (trailing line breaks removed), or undefined when none was used. */
export async function readSecret(io: CliIo, stdin: StdinClaim, flags: SecretFlags, names: SecretFlagNames, what: string): Promise<string | undefined> {
  const used = [flags.stdin && names.stdin, flags.file !== undefined && names.file, flags.prompt && names.prompt].filter(Boolean);
  if (used.length > 1) throw new UsageError(`${used.join(' and ')} both give ${what}: use one`);
  let value: string | undefined;
  if (flags.stdin) value = await stdin.read(what, MAX_SECRET_BYTES);
  else if (flags.file !== undefined) value = await readPrivateFile(flags.file, `The ${what} file`);
  else if (flags.prompt) value = await prompt(io, what, names);
  if (value === undefined) return undefined;
  const secret = value.replace(/[\r\n]+$/, '');
  if (secret === '') throw new UsageError(`${used[0]} gave an empty ${what}`);
  if (/[\r\n]/.test(secret)) throw new UsageError(`${used[0]} gave more than one line for ${what}`);
  return secret;
}

async function prompt(io: CliIo, what: string, names: SecretFlagNames): Promise<string> {
  if (!io.stdin.isTTY || !io.promptHidden) throw new UsageError(`${names.prompt} needs a terminal; pipe the ${what} to ${names.stdin} instead`);
  return io.promptHidden(`${what[0]!.toUpperCase()}${what.slice(1)}: `);
}
