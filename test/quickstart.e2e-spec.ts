/**
 * The README's first screen must end in a ranked answer on a machine with no provider account
 * and no network. This runs its steps as written, read out of README.md (so the test fails
 * when the README drifts): the service started as `npm start` starts it, then the quickstart's
 * shell block in bash (curl and the real cohere-ai SDK), only the port changed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { marked, type Token, type Tokens } from 'marked';
import { root } from './support/compile-graph.mjs';
import { compileService, startServiceProcess, type ServiceProcess } from './support/service-process.js';

const README_PORT = /(localhost|127\.0\.0\.1):8080/g;
/** A marker the test prints between the block's commands, to tell their outputs apart. */
const BETWEEN = '@@quickstart-step@@';

/** The README's sections: a heading's text and the tokens under it, up to the next heading of its level or above. */
function section(tokens: Token[], heading: RegExp): Token[] {
  const start = tokens.findIndex((token) => token.type === 'heading' && heading.test((token as Tokens.Heading).text));
  if (start < 0) throw new Error(`README.md has no heading matching ${heading}`);
  const depth = (tokens[start] as Tokens.Heading).depth;
  const end = tokens.findIndex((token, index) => index > start && token.type === 'heading' && (token as Tokens.Heading).depth <= depth);
  return tokens.slice(start + 1, end < 0 ? undefined : end);
}

function firstBashBlock(tokens: Token[]): string {
  const block = tokens.find((token): token is Tokens.Code => token.type === 'code' && (token as Tokens.Code).lang === 'bash');
  if (!block) throw new Error('no bash block');
  return block.text;
}

interface Command {
  /** The command as the shell reads it (continuation lines and quoted line breaks kept). */
  readonly text: string;
  /** What the README says it prints: its trailing comment and the comment lines right after it. */
  readonly shown: string;
}

/**
 * The block's commands: a command goes on while a quote is open or a line ends in a
 * backslash; `#` outside quotes starts a comment, which documents the output.
 */
function commandsOf(block: string): Command[] {
  const commands: Array<{ text: string; shown: string }> = [];
  let text = '';
  let quote: '"' | "'" | null = null;
  for (const line of block.split('\n')) {
    if (quote === null && text === '' && /^\s*#/.test(line)) {
      if (commands.length > 0) commands.at(-1)!.shown += line.replace(/^\s*#\s?/, '') + '\n';
      continue;
    }
    let code = line;
    let comment = '';
    for (let i = 0; i < line.length; i++) {
      const char = line[i]!;
      if (quote === null && char === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
        code = line.slice(0, i);
        comment = line.slice(i + 1).trim();
        break;
      }
      if (char === '\\' && quote !== "'") i++;
      else if (quote === null && (char === '"' || char === "'")) quote = char;
      else if (char === quote) quote = null;
    }
    text += (text ? '\n' : '') + code.trimEnd();
    if (quote !== null || text.endsWith('\\')) continue;
    if (text.trim()) commands.push({ text, shown: comment ? `${comment}\n` : '' });
    text = '';
  }
  if (quote !== null || text.trim()) throw new Error(`the block ends inside a command: ${text}`);
  return commands;
}

/** `index` values in the order they appear in a JSON answer, a console.log of objects or a README comment. */
const indicesIn = (text: string) => [...text.matchAll(/"?index"?\s*:\s*(\d+)/g)].map((match) => Number(match[1]));

describe('the README quickstart', () => {
  const readme = marked.lexer(readFileSync(join(root, 'README.md'), 'utf8'));
  const quickstart = section(readme, /^Quickstart/);
  const block = firstBashBlock(quickstart);
  const commands = commandsOf(block);
  let dataDir: string;
  let service: ServiceProcess | undefined;

  beforeAll(() => {
    compileService();
    dataDir = mkdtempSync(join(tmpdir(), 'rr-quickstart-'));
  }, 120_000);

  afterAll(async () => {
    if (service) {
      service.kill('SIGKILL');
      await service.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads as init, register BM25, rerank with curl, rerank with the cohere-ai SDK by model name', () => {
    expect(commands).toHaveLength(4);
    const [init, register, curl, sdk] = commands.map((command) => command.text);
    expect(init).toMatch(/^export KEY=\$\(curl .*\/v1\/system\/init/);
    expect(register).toMatch(/\/v1\/rerankers /);
    expect(JSON.parse(/-d '([^']+)'/.exec(register!)![1]!)).toEqual({ displayName: 'BM25', providerType: 'LEXICAL', modelIdentifier: 'bm25' });
    expect(JSON.parse(/-d '([^']+)'/.exec(curl!)![1]!)).toMatchObject({ model: 'bm25' });
    expect(sdk).toMatch(/from 'cohere-ai'/);
    expect(sdk).toMatch(/model: 'bm25'/);
    // Each rerank documents the order it answers.
    for (const command of [commands[2]!, commands[3]!]) expect(indicesIn(command.shown).length).toBeGreaterThan(0);
  });

  it('leads from a fresh start to a ranked answer, by curl and by the SDK, with nothing but the service on 127.0.0.1', async () => {
    // The service as "The two commands" start it: its environment from the `npm start` line.
    const start = firstBashBlock(section(readme, /^The two commands/));
    const startLine = /((?:[A-Z_]+=\S+\s+)*)npm start/.exec(start);
    expect(startLine).not.toBeNull();
    const startEnv = Object.fromEntries(startLine![1]!.trim().split(/\s+/).filter(Boolean).map((pair) => pair.split('=') as [string, string]));
    service = await startServiceProcess({ NODE_ENV: 'development', DATA_DIR: dataDir, ...startEnv });
    const host = new URL(service.url!).host;

    const script = commands.map((command) => command.text.replace(README_PORT, host)).join(`\nprintf '\\n${BETWEEN}\\n'\n`);
    const { stdout } = await promisify(execFile)('bash', ['--norc', '--noprofile', '-euo', 'pipefail', '-c', script], {
      cwd: root,
      // Anything that tried to leave the machine would go to a closed port.
      env: { PATH: process.env.PATH ?? '', HOME: dataDir, HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost' },
      timeout: 60_000,
    });
    const outputs = stdout.split(`\n${BETWEEN}\n`);
    expect(outputs).toHaveLength(commands.length);
    const [initOut, registerOut, curlOut, sdkOut] = outputs as [string, string, string, string];

    expect(initOut.trim()).toBe('');
    expect(JSON.parse(registerOut)).toMatchObject({ providerType: 'LEXICAL', modelIdentifier: 'bm25', endpointUrl: null, apiPath: null, credentials: null });

    const ranked = JSON.parse(curlOut) as { model: string; results: Array<{ index: number; relevance_score: number; document?: { text: string } }> };
    expect(ranked.model).toBe('bm25');
    const curlShown = commands[2]!.shown;
    const shownOrder = indicesIn(curlShown);
    expect(ranked.results.map((result) => result.index).slice(0, shownOrder.length)).toEqual(shownOrder);
    expect(ranked.results[0]!.relevance_score).toBeGreaterThan(ranked.results.at(-1)!.relevance_score);
    const shownText = /"text":"([^"]+)"/.exec(curlShown)?.[1];
    if (shownText !== undefined) expect(ranked.results[0]!.document?.text).toBe(shownText);

    const sdkOrder = indicesIn(commands[3]!.shown);
    expect(indicesIn(sdkOut).slice(0, sdkOrder.length)).toEqual(sdkOrder);
    expect(sdkOut).toMatch(/relevanceScore: \d/);
  }, 120_000);
});
