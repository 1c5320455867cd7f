import { Command } from 'commander';
import { listAll, ok, type Schemas } from '../api.js';
import { action, collect, examples, integer, keyValues, timeArgument, withOutput, type CliRuntime } from '../command-kit.js';
import { labelsCell, outputFormat, printDocument, printList, printOne, timeCell, type OutputOptions, type View } from '../output.js';
import { rerankerId, userId } from '../resolve.js';
import { saveProfile } from '../profiles.js';

type ApiKey = Schemas['ApiKeyResponse'];

export const KEY_VIEW: View<ApiKey> = {
  columns: [
    { header: 'ID', value: (k) => k.apiKeyId },
    { header: 'PREFIX', value: (k) => k.keyPrefix },
    { header: 'USER', value: (k) => k.userId },
    { header: 'LABELS', value: (k) => labelsCell(k.labels), maxWidth: 40 },
    { header: 'SCOPED', value: (k) => (k.scopes.permissions || k.scopes.rerankerIds || k.scopes.aliases ? 'yes' : 'no') },
    { header: 'EXPIRES', value: (k) => timeCell(k.expiresAt) },
    { header: 'REVOKED', value: (k) => timeCell(k.revokedAt) },
  ],
  id: (k) => k.apiKeyId,
  name: (k) => k.apiKeyId,
};

interface CreateKeyOptions extends OutputOptions {
  user?: string;
  label?: string[];
  expires?: number;
  permission?: string[];
  reranker?: string[];
  alias?: string[];
  saveProfile?: string;
}

export function keysCommand(runtime: CliRuntime): Command {
  const group = new Command('keys').description('API keys: create (the raw key is shown once), read, list, revoke').alias('key');

  examples(
    withOutput(group.command('create').description('create an API key'))
      .option('--user <id|me>', "whose key (admins: another user's; default: yours)")
      .option('--label <key=value>', 'label (repeatable)', collect)
      .option('--expires <time>', 'when it stops working: ISO 8601, epoch ms, or a duration from now (30d)', timeArgument('ahead'))
      .option('--permission <permission>', 'narrow the key to these permissions (repeatable)', collect)
      .option('--reranker <reranker>', 'narrow the key to these rerankers, by id or name (repeatable)', collect)
      .option('--alias <name>', 'narrow the key to these aliases (repeatable)', collect)
      .option('--save-profile <name>', 'store the new key as this rrctl profile instead of printing it'),
    [
      'rrctl keys create --label app=search-prod --permission EXECUTE_RERANKER_OWN --permission EXECUTE_ALIAS_OWN --alias rerank-english',
      'rrctl keys create --expires 30d --save-profile ci',
    ],
  ).action(
    action(runtime, async (ctx, _args, o: CreateKeyOptions) => {
      const api = await ctx.api();
      const scopes: Schemas['ApiKeyScopesDto'] = {
        ...(o.permission ? { permissions: o.permission.map((p) => p.toUpperCase()) as Schemas['Permission'][] } : {}),
        ...(o.reranker ? { rerankerIds: await Promise.all(o.reranker.map((ref) => rerankerId(api, ref))) } : {}),
        ...(o.alias ? { aliases: o.alias } : {}),
      };
      const body: Schemas['CreateApiKeyDto'] = {
        ...(o.user ? { userId: await userId(api, o.user) } : {}),
        ...(o.label ? { labels: keyValues(o.label, '--label') } : {}),
        ...(o.expires !== undefined ? { expiresAt: o.expires } : {}),
        ...(Object.keys(scopes).length > 0 ? { scopes } : {}),
      };
      const created = await ok(api.POST('/v1/apikeys', { body }));
      if (o.saveProfile !== undefined) {
        const { server } = await ctx.connection();
        await saveProfile(ctx.io, o.saveProfile, { server, apiKey: created.rawApiKey }, false);
        ctx.note(`saved the new key as profile ${o.saveProfile} (use it with --profile ${o.saveProfile})`);
        return printOne(ctx.io, o, KEY_VIEW, created.apiKey);
      }
      if (o.quiet) return printOne(ctx.io, o, KEY_VIEW, created.apiKey);
      const format = outputFormat(ctx.io, o);
      if (format === 'json' || format === 'yaml') return printDocument(ctx.io, format, created);
      printOne(ctx.io, o, KEY_VIEW, created.apiKey);
      if (format === 'table') ctx.io.stdout.write(`\nAPI key (shown only this once): ${created.rawApiKey}\n`);
    }),
  );

  withOutput(group.command('get').description("show a key's metadata and scopes").argument('<keyId>')).action(
    action(runtime, async (ctx, [id], o: OutputOptions) => {
      const api = await ctx.api();
      printOne(ctx.io, o, KEY_VIEW, await ok(api.GET('/v1/apikeys/{id}', { params: { path: { id: id! } } })));
    }),
  );

  withOutput(group.command('list').description('list keys (yours; admins: --user)'))
    .option('--user <id|me>', "another user's keys (admins)")
    .option('--limit <n>', 'stop after n', integer(1, 1_000_000))
    .action(
      action(runtime, async (ctx, _args, o: OutputOptions & { user?: string; limit?: number }) => {
        const api = await ctx.api();
        const user = o.user ? await userId(api, o.user) : undefined;
        const items = await listAll(async (pageSize, nextToken) => {
          const page = await ok(api.GET('/v1/apikeys', { params: { query: { pageSize, nextToken, userId: user } } }));
          return { items: page.apiKeys, nextToken: page.nextToken };
        }, o.limit);
        printList(ctx.io, o, KEY_VIEW, items);
      }),
    );

  group
    .command('revoke')
    .description('revoke keys (effective at once)')
    .argument('<keyId...>')
    .action(
      action(runtime, async (ctx, ids) => {
        const api = await ctx.api();
        for (const id of ids) {
          await ok(api.DELETE('/v1/apikeys/{id}', { params: { path: { id } } }));
          ctx.note(`revoked key ${id}`);
        }
      }),
    );

  return group;
}
