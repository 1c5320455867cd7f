import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { compileModuleGraph, root } from './compile-graph.mjs';

/** Compiles the service (src/main.ts and all it imports) into dist/, as `npm run build` would. */
export function compileService(): void {
  compileModuleGraph([join(root, 'src', 'main.ts')]);
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The service as a process of its own (`node dist/main.js`), as it runs in production. */
export interface ServiceProcess {
  readonly pid: number;
  /** Where it listens, once it does; undefined when it exited first. */
  readonly url: string | undefined;
  /** Everything it wrote so far to stdout and stderr. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<Exit>;
  kill(signal: NodeJS.Signals): void;
}

const LISTENING = /"url":"(http:\/\/[^"]+)","msg":"reranker-registry listening"/;

/** Starts `node dist/main.js` on a free port with `env`; resolves once it listens or exits. */
export async function startServiceProcess(env: Record<string, string>, startupMs = 60_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [join(root, 'dist', 'main.js')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const started = Date.now();
  let url: string | undefined;
  let done = false;
  void exited.then(() => (done = true));
  while (!done && url === undefined && Date.now() - started < startupMs) {
    url = LISTENING.exec(stdout)?.[1];
    if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!done && url === undefined) {
    child.kill('SIGKILL');
    throw new Error(`the service did not listen within ${startupMs} ms:\n${stdout}\n${stderr}`);
  }
  return { pid: child.pid!, url, stdout: () => stdout, stderr: () => stderr, exited, kill: (signal) => void child.kill(signal) };
}
