import { Command } from 'commander';
import { apiClient, ok } from '../api.js';
import { action, examples, type CliRuntime } from '../command-kit.js';
import { API_KEY_FLAGS, checkServerUrl, requestTimeoutMs } from '../context.js';
import { UsageError } from '../errors.js';
import { printList, type OutputOptions, type View } from '../output.js';
import { configPath, readConfig, saveProfile, writeConfig } from '../profiles.js';
import { readSecret } from '../secret-input.js';

interface ProfileRow {
  name: string;
  server: string;
  current: boolean;
  /** `rrk_<key id>`: the public part of the key, never its secret. */
  keyPrefix: string;
}

const PROFILE_VIEW: View<ProfileRow> = {
  columns: [
    { header: 'CURRENT', value: (p) => (p.current ? '*' : '') },
    { header: 'NAME', value: (p) => p.name },
    { header: 'SERVER', value: (p) => p.server },
    { header: 'KEY', value: (p) => p.keyPrefix },
  ],
  id: (p) => p.name,
  name: (p) => p.name,
};

export function loginCommand(runtime: CliRuntime): Command {
  return examples(
    new Command('login')
      .description(`check an API key against a server and store both as a profile in ~/.config/rrctl/config.yaml (mode 0600); it becomes the current profile`)
      .option(API_KEY_FLAGS.prompt, 'ask for the key (hidden; the default on a terminal)'),
    [
      'rrctl login --server http://127.0.0.1:8080 --api-key-prompt',
      'printenv RR_KEY | rrctl login --profile prod --server https://rerank.example.com --api-key-stdin',
    ],
  ).action(
    action(runtime, async (ctx, _args, o: { apiKeyPrompt?: boolean }) => {
      const { io, globals } = ctx;
      const name = globals.profile ?? (io.env.RRCTL_PROFILE || 'default');
      const existing = (await readConfig(io)).profiles[name];
      const server = globals.server ?? io.env.RRCTL_SERVER ?? existing?.server;
      if (server === undefined) throw new UsageError('login needs --server URL (or RRCTL_SERVER)');
      checkServerUrl(server);
      const prompt = o.apiKeyPrompt ?? (!globals.apiKeyStdin && globals.apiKeyFile === undefined && !io.env.RRCTL_API_KEY && Boolean(io.stdin.isTTY));
      const apiKey =
        (await readSecret(io, ctx.stdin, { stdin: globals.apiKeyStdin, file: globals.apiKeyFile, prompt }, API_KEY_FLAGS, 'API key')) ??
        (io.env.RRCTL_API_KEY || undefined);
      if (apiKey === undefined) throw new UsageError(`login needs the key: ${API_KEY_FLAGS.stdin}, ${API_KEY_FLAGS.file}, ${API_KEY_FLAGS.prompt} or RRCTL_API_KEY`);
      const me = await ok(apiClient({ server, apiKey, timeoutMs: requestTimeoutMs(globals.requestTimeout) }).GET('/v1/users/me'));
      await saveProfile(io, name, { server, apiKey }, true);
      ctx.note(`logged in to ${server} as ${me.email} (${me.role}); profile ${name} saved in ${configPath(io)}`);
    }),
  );
}

export function profilesCommand(runtime: CliRuntime): Command {
  const group = new Command('profiles').description('the profiles rrctl login stored (never their keys)').alias('profile');
  group
    .command('list', { isDefault: true })
    .description('list profiles (the default)')
    .option('-o, --output <format>', 'table|json|yaml|name')
    .option('-q, --quiet', 'print only names')
    .action(
      action(runtime, async (ctx, _args, o: OutputOptions) => {
        const config = await readConfig(ctx.io);
        const rows = Object.entries(config.profiles).map(([name, profile]) => ({
          name,
          server: profile.server,
          current: name === config.current,
          keyPrefix: keyPrefix(profile.apiKey),
        }));
        printList(ctx.io, o, PROFILE_VIEW, rows);
      }),
    );
  group
    .command('use')
    .description('make a profile the current one')
    .argument('<name>')
    .action(
      action(runtime, async (ctx, [name]) => {
        const config = await readConfig(ctx.io);
        if (!(name! in config.profiles)) throw new UsageError(`no profile ${JSON.stringify(name)}; see rrctl profiles`);
        await writeConfig(ctx.io, { ...config, current: name });
      }),
    );
  group
    .command('remove')
    .description('forget a profile and its key')
    .argument('<name>')
    .action(
      action(runtime, async (ctx, [name]) => {
        const config = await readConfig(ctx.io);
        if (!(name! in config.profiles)) throw new UsageError(`no profile ${JSON.stringify(name)}; see rrctl profiles`);
        delete config.profiles[name!];
        const { current, ...rest } = config;
        await writeConfig(ctx.io, current === name ? rest : config);
      }),
    );
  return group;
}

/** The key prefix the API shows (`rrk_` and 8 hex digits of the key id): enough to recognize a key, useless to use one. */
function keyPrefix(apiKey: string): string {
  const match = /^rrk_[0-9a-f]{8}/.exec(apiKey);
  return match ? match[0] : '(not an rrk_ key)';
}
