import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { type CliRuntime } from './command-kit.js';
import { aliasesCommand } from './commands/aliases.js';
import { auditCommand } from './commands/audit.js';
import { healthCommand } from './commands/health.js';
import { helpCommand } from './commands/help.js';
import { keysCommand } from './commands/keys.js';
import { limitsCommand } from './commands/limits.js';
import { loginCommand, profilesCommand } from './commands/profiles.js';
import { registryCommands } from './commands/registry.js';
import { rerankCommand } from './commands/rerank.js';
import { rerankersCommand } from './commands/rerankers.js';
import { systemCommand } from './commands/system.js';
import { usageCommand } from './commands/usage.js';
import { usersCommand } from './commands/users.js';
import { CliError, EXIT } from './errors.js';
import type { CliIo } from './io.js';

/** Help is wrapped at a fixed width so `rrctl help` and docs/cli.md are the same text everywhere. */
export const HELP_WIDTH = 100;

export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** The whole command tree; `runtime.exitCode` receives the status of the command that runs. */
export function buildProgram(runtime: CliRuntime): Command {
  const { io } = runtime;
  const program = new Command('rrctl')
    .description('The admin CLI of reranker-registry: manage rerankers, aliases, keys, users and limits, and keep the registry as code.')
    .version(cliVersion(), '-V, --version')
    .configureHelp({ helpWidth: HELP_WIDTH, sortSubcommands: false })
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .exitOverride()
    .showHelpAfterError('(rrctl help <command> shows its options)')
    .helpCommand(false)
    .option('--server <url>', 'the service, e.g. http://127.0.0.1:8080 (env RRCTL_SERVER; else the profile)')
    .option('--profile <name>', 'the profile from rrctl login to use (env RRCTL_PROFILE; else the current one)')
    .option('--api-key-stdin', 'read the API key from stdin (else env RRCTL_API_KEY, else the profile)')
    .option('--api-key-file <path>', 'read the API key from a file only its owner can read (mode 0600)')
    .addOption(new Option('--request-timeout <seconds>', 'give up on a request after this long').default('120'))
    .addHelpText(
      'after',
      `
Exit status: 0 ok; 1 the server refused or failed (its code and message on stderr); 2 usage error
(command line, manifest or local file); 3 not found. diff: 0 no changes, 1 changes, >1 error.
Output: -o table|json|yaml|name on every read; table on a terminal, json when piped. --quiet: ids.
Colours only on a terminal, never with NO_COLOR. Secrets are never taken as arguments.
`,
    );
  for (const command of [
    loginCommand(runtime),
    profilesCommand(runtime),
    rerankersCommand(runtime),
    aliasesCommand(runtime),
    keysCommand(runtime),
    usersCommand(runtime),
    limitsCommand(runtime),
    usageCommand(runtime),
    auditCommand(runtime),
    rerankCommand(runtime),
    ...registryCommands(runtime),
    systemCommand(runtime),
    healthCommand(runtime),
    helpCommand(runtime),
  ]) {
    program.addCommand(command);
  }
  inheritSettings(program);
  return program;
}

/**
 * Commands are built apart and added, so commander does not copy the root's output,
 * exit and help settings into them: copy them down the tree once.
 */
function inheritSettings(parent: Command): void {
  for (const child of parent.commands) {
    child.copyInheritedSettings(parent);
    inheritSettings(child);
  }
}

/** Runs one command line (argv without node and the script) and answers its exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const runtime: CliRuntime = { io, exitCode: EXIT.OK };
  const program = buildProgram(runtime);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return runtime.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const done = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code);
      return done ? EXIT.OK : EXIT.USAGE;
    }
    if (error instanceof CliError) {
      io.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`error: ${(error as Error).message ?? String(error)}\n`);
    return EXIT.SERVER;
  }
}
