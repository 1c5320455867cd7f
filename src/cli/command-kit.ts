import { InvalidArgumentError, type Command } from 'commander';
import { CliContext, type GlobalOptions } from './context.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { OUTPUT_FORMATS } from './output.js';

/** A command's work: returns its exit status (0 when it returns nothing). */
export type Handler<Options> = (ctx: CliContext, args: string[], options: Options) => Promise<number | void>;

/** What the commands share: the streams, and where the exit status of the one that ran goes. */
export interface CliRuntime {
  readonly io: CliIo;
  exitCode: number;
}

/** Adapts a handler to commander's action signature (positional arguments, options, the command). */
export function action<Options>(runtime: CliRuntime, handler: Handler<Options>): (...args: unknown[]) => Promise<void> {
  return async (...all: unknown[]) => {
    const command = all[all.length - 1] as Command;
    const options = command.opts() as Options;
    const args = all.slice(0, -2).flatMap((value) => (Array.isArray(value) ? value : value === undefined ? [] : [String(value)]));
    const ctx = new CliContext(runtime.io, command.optsWithGlobals() as GlobalOptions);
    runtime.exitCode = (await handler(ctx, args, options)) ?? 0;
  };
}

/** `-o/--output` and `--quiet`, on every command that reads. */
export function withOutput(command: Command): Command {
  return command
    .option('-o, --output <format>', `${OUTPUT_FORMATS.join('|')} (default: table on a terminal, json when piped)`)
    .option('-q, --quiet', 'print only ids, one per line');
}

/** For repeatable options: `--label a=1 --label b=2`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `k=v` pairs (labels, headers) into a map; a key given twice is a mistake. */
export function keyValues(pairs: readonly string[] | undefined, flag: string): Record<string, string> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag} takes key=value, not ${JSON.stringify(pair)}`);
    const key = pair.slice(0, at);
    if (key in map) throw new UsageError(`${flag} ${key} is given twice`);
    map[key] = pair.slice(at + 1);
  }
  return map;
}

/** An argument parser for whole numbers in a range. */
export function integer(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return value;
  };
}

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration like 500ms, 30s, 15m, 24h, 7d, in milliseconds. */
export function durationMs(raw: string): number {
  const match = DURATION.exec(raw.trim());
  if (!match) throw new InvalidArgumentError(`expected a duration like 500ms, 30s, 15m, 24h or 7d`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/**
 * A time: ISO 8601 with an offset, epoch milliseconds, or a duration measured from now
 * (into the past for `ago`, the future otherwise): `--from 24h`, `--expires 30d`.
 */
export function timeArgument(direction: 'ago' | 'ahead'): (raw: string) => number {
  return (raw) => {
    const value = raw.trim();
    if (/^\d{10,}$/.test(value)) return Number(value);
    if (DURATION.test(value)) return Date.now() + (direction === 'ago' ? -1 : 1) * durationMs(value);
    const parsed = Date.parse(value);
    if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(parsed)) {
      throw new InvalidArgumentError('expected ISO 8601 (2026-11-01T00:00:00Z), epoch milliseconds, or a duration (24h, 7d)');
    }
    return parsed;
  };
}

/** Help shown under a command's options: a few examples. */
export function examples(command: Command, lines: readonly string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
}
