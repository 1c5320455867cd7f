import { Command } from 'commander';
import { ok } from '../api.js';
import { action, examples, type CliRuntime } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { outputFormat, printDocument, renderTable, type OutputOptions } from '../output.js';
import { saveProfile } from '../profiles.js';
import { readSecret } from '../secret-input.js';

const INIT_TOKEN_FLAGS = { stdin: '--init-token-stdin', file: '--init-token-file' } as const;

export function systemCommand(runtime: CliRuntime): Command {
  const group = new Command('system').description('first start and what the service is');

  examples(
    group
      .command('init')
      .description('create the root user and its API key, once (the key is shown only this once)')
      .option('--email <email>', 'the root user\'s email (default root@localhost)')
      .option('--display-name <text>', 'the root user\'s name (default Root)')
      .option(INIT_TOKEN_FLAGS.stdin, 'read SYSTEM_INIT_TOKEN from stdin (else env RRCTL_INIT_TOKEN)')
      .option(`${INIT_TOKEN_FLAGS.file} <path>`, 'read SYSTEM_INIT_TOKEN from a file (mode 0600)')
      .option('--save-profile <name>', 'store the root key as this rrctl profile (made current) instead of printing it')
      .option('-o, --output <format>', 'table|json|yaml'),
    ['rrctl --server http://127.0.0.1:8080 system init --save-profile local'],
  ).action(
    action(runtime, async (ctx, _args, o: OutputOptions & { email?: string; displayName?: string; initTokenStdin?: boolean; initTokenFile?: string; saveProfile?: string }) => {
      const format = outputFormat(ctx.io, o);
      if (format === 'name') throw new UsageError('system init prints table, json or yaml');
      const token =
        (await readSecret(ctx.io, ctx.stdin, { stdin: o.initTokenStdin, file: o.initTokenFile }, INIT_TOKEN_FLAGS, 'init token')) ??
        (ctx.io.env.RRCTL_INIT_TOKEN || undefined);
      const api = await ctx.publicApi();
      const body = { ...(o.email ? { email: o.email } : {}), ...(o.displayName ? { displayName: o.displayName } : {}) };
      const answer = await ok(api.POST('/v1/system/init', { body, params: { header: token ? { 'x-init-token': token } : {} } }));
      if (answer.alreadyInitialized) {
        ctx.note('the service was already initialized: no key was created');
        if (format !== 'table') printDocument(ctx.io, format, answer);
        return;
      }
      if (o.saveProfile !== undefined) {
        const { server } = await ctx.connection();
        await saveProfile(ctx.io, o.saveProfile, { server, apiKey: answer.rootApiKey }, true);
        ctx.note(`saved the root key as profile ${o.saveProfile} (now the current profile)`);
        const { rootApiKey: _kept, ...shown } = answer;
        return format === 'table' ? void ctx.io.stdout.write(`root user ${answer.userId}\n`) : printDocument(ctx.io, format, shown);
      }
      if (format !== 'table') return printDocument(ctx.io, format, answer);
      ctx.io.stdout.write(`root user ${answer.userId}\nroot API key (shown only this once): ${answer.rootApiKey}\n`);
    }),
  );

  group
    .command('info')
    .description('version, database kind and whether init has run')
    .option('-o, --output <format>', 'table|json|yaml')
    .action(
      action(runtime, async (ctx, _args, o: OutputOptions) => {
        const format = outputFormat(ctx.io, o);
        if (format === 'name') throw new UsageError('system info prints table, json or yaml');
        const info = await ok((await ctx.publicApi()).GET('/v1/system/info', { params: { header: {} } }));
        if (format !== 'table') return printDocument(ctx.io, format, info);
        ctx.io.stdout.write(
          renderTable(ctx.io, [{ header: 'VERSION', value: (i: typeof info) => i.version }, { header: 'DATABASE', value: (i) => i.databaseKind }, { header: 'INITIALIZED', value: (i) => i.initialized }], [info]),
        );
      }),
    );
  return group;
}
