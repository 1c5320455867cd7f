import { Command } from 'commander';
import type { CliRuntime } from '../command-kit.js';
import { UsageError } from '../errors.js';

export function helpCommand(runtime: CliRuntime): Command {
  return new Command('help')
    .description('help for rrctl or one of its commands; --all: the reference of every command (docs/cli.md)')
    .argument('[command...]', 'e.g. rerankers create')
    .option('--all', 'every command, one after another')
    .action((names: string[], options: { all?: boolean }, command: Command) => {
      const root = command.parent!;
      if (options.all) {
        if (names.length > 0) throw new UsageError('help --all takes no command');
        runtime.io.stdout.write(referenceText(root));
        return;
      }
      runtime.io.stdout.write(helpText(findCommand(root, names)));
    });
}

function findCommand(root: Command, names: readonly string[]): Command {
  let command = root;
  for (const name of names) {
    const next = command.commands.find((child) => child.name() === name || child.aliases().includes(name));
    if (!next) throw new UsageError(`no command ${JSON.stringify(names.join(' '))}; see rrctl help`);
    command = next;
  }
  return command;
}

/** What `rrctl <command> --help` prints, captured (commander writes help, with its added text, to the output it is given). */
export function helpText(command: Command): string {
  let text = '';
  const output = command.configureOutput();
  command.configureOutput({ ...output, writeOut: (chunk) => void (text += chunk) });
  try {
    command.outputHelp();
  } finally {
    command.configureOutput(output);
  }
  return text;
}

/** Every command of the tree, depth first, with its full name (`rrctl rerankers create`). */
export function everyCommand(root: Command): Array<{ path: string; command: Command }> {
  const found: Array<{ path: string; command: Command }> = [];
  const visit = (command: Command, path: string): void => {
    found.push({ path, command });
    for (const child of command.commands) visit(child, `${path} ${child.name()}`);
  };
  visit(root, root.name());
  return found;
}

/** `rrctl help --all`: the help of every command, each under a line naming it. */
export function referenceText(root: Command): string {
  return everyCommand(root)
    .map(({ path, command }) => `== ${path} ==\n\n${helpText(command)}`)
    .join('\n');
}

/** The same help texts as Markdown, for docs/cli.md (a test checks the two agree). */
export function referenceMarkdown(root: Command): string {
  return everyCommand(root)
    .map(({ path, command }) => `### \`${path}\`\n\n\`\`\`text\n${helpText(command).trimEnd()}\n\`\`\`\n`)
    .join('\n');
}

export const REFERENCE_START = '<!-- The reference below is `rrctl help --all`, written by `npm run docs:cli`; a test checks it. -->';
export const REFERENCE_END = '<!-- End of the generated reference. -->';

/** docs/cli.md with its generated reference replaced by `reference`. */
export function withReference(markdown: string, reference: string): string {
  const start = markdown.indexOf(REFERENCE_START);
  const end = markdown.indexOf(REFERENCE_END);
  if (start < 0 || end < start) throw new Error('docs/cli.md has lost the markers around its generated reference');
  return `${markdown.slice(0, start + REFERENCE_START.length)}\n\n${reference}\n${markdown.slice(end)}`;
}
