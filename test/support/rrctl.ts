import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo, OutputStream } from '../../src/cli/io.js';

export interface RrctlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RrctlOptions {
  /** rrctl's environment (HOME and XDG_CONFIG_HOME point at `home`). */
  env?: Record<string, string>;
  stdin?: string;
  home: string;
  /** Run as on a terminal (stdout and stdin are TTYs). */
  tty?: boolean;
}

/** The built CLI, run as a user runs it (npm run build first; CI builds before the suite). */
export const RRCTL_BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export function requireBuiltCli(): void {
  if (!existsSync(RRCTL_BIN)) throw new Error(`${RRCTL_BIN} is missing: run npm run build before the CLI tests`);
}

const temporary: string[] = [];

/** A directory of its own (a HOME, a folder of manifests), removed by removeTemporaryDirs. */
export function tempHome(prefix = 'rrctl-home-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

/** The config files in them hold API keys: nothing is left behind. */
export function removeTemporaryDirs(): void {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function baseEnv(options: RrctlOptions): Record<string, string> {
  return { HOME: options.home, XDG_CONFIG_HOME: join(options.home, '.config'), NO_COLOR: '1', ...options.env };
}

/** rrctl in this process, with captured streams: the many fast cases. */
export async function rrctl(args: readonly string[], options: RrctlOptions): Promise<RrctlResult> {
  let stdout = '';
  let stderr = '';
  const stream = (append: (text: string) => void): OutputStream => ({ write: (text: string) => void append(text), isTTY: options.tty ?? false, columns: 200 });
  const stdin = Object.assign(Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]), { isTTY: options.tty ?? false });
  const io: CliIo = {
    stdout: stream((text) => (stdout += text)),
    stderr: stream((text) => (stderr += text)),
    stdin,
    env: baseEnv(options),
    homeDir: options.home,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** rrctl as a child process of the built dist/cli/main.js: real argv, environment, stdin and exit status. */
export function rrctlProcess(args: readonly string[], options: RrctlOptions): Promise<RrctlResult> {
  const child = startRrctl(args, options);
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  else child.stdin.end();
  return finished(child);
}

/** A running rrctl, for tests that act while it waits (a confirmation). */
export function startRrctl(args: readonly string[], options: RrctlOptions): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [RRCTL_BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...baseEnv(options) } });
}

export function finished(child: ChildProcessWithoutNullStreams): Promise<RrctlResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Resolves once the child has written `text` to stderr. */
export function waitForStderr(child: ChildProcessWithoutNullStreams, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        child.stderr.off('data', onData);
        resolve();
      }
    };
    child.stderr.on('data', onData);
    child.on('close', () => reject(new Error(`rrctl ended before writing ${JSON.stringify(text)}; stderr: ${seen}`)));
  });
}
