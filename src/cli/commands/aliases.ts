import { Command } from 'commander';
import { answered, listAll, ok, type ApiClient, type Schemas } from '../api.js';
import { action, collect, examples, integer, keyValues, withOutput, type CliRuntime } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { labelsCell, printList, printOne, type OutputOptions, type View } from '../output.js';
import { rerankerId } from '../resolve.js';
import { labelQuery } from './rerankers.js';

type Alias = Schemas['AliasResponse'];

export const ALIAS_VIEW: View<Alias> = {
  columns: [
    { header: 'NAME', value: (a) => a.name },
    { header: 'STRATEGY', value: (a) => a.strategy },
    { header: 'TARGETS', value: (a) => a.targets.map((t) => `${t.rerankerId.slice(0, 8)} w${t.weight} p${t.priority}`).join(', '), maxWidth: 60 },
    { header: 'LAST RESORT', value: (a) => a.lastResort },
    { header: 'LABELS', value: (a) => labelsCell(a.labels), maxWidth: 40 },
  ],
  id: (a) => a.aliasId,
  name: (a) => a.name,
};

interface AliasFieldOptions {
  target?: string[];
  strategy?: string;
  lastResort?: string;
  description?: string;
  owner?: string;
}

const TARGET_HELP = 'a reranker (id or name) the alias routes to, with optional weight and priority: cohere,weight=3,priority=0 (repeatable, in order)';

function withAliasFields(command: Command): Command {
  return command
    .option('--target <reranker[,weight=N][,priority=N]>', TARGET_HELP, collect)
    .option('--strategy <strategy>', 'FALLBACK (by priority, then as listed) or WEIGHTED')
    .option('--last-resort <mode>', 'LEXICAL (rank with BM25 when every target failed) or none')
    .option('--description <text>', 'description')
    .option('--owner <userId>', "another user's alias (admins)");
}

export function aliasesCommand(runtime: CliRuntime): Command {
  const group = new Command('aliases').description('named routes over rerankers (failover, weights, a lexical last resort)').alias('alias');

  examples(
    withOutput(withAliasFields(group.command('create').description('create an alias').argument('<name>', 'the alias name (what clients send as model)')))
      .option('--label <key=value>', 'label (repeatable)', collect),
    ['rrctl aliases create rerank-english --target cohere,weight=3 --target jina --strategy WEIGHTED --last-resort LEXICAL'],
  ).action(
    action(runtime, async (ctx, [name], o: AliasFieldOptions & OutputOptions & { label?: string[] }) => {
      const api = await ctx.api();
      if (!o.target) throw new UsageError('create needs at least one --target');
      const body = {
        name: name!,
        ...(await aliasFields(api, o)),
        ...(o.label ? { labels: keyValues(o.label, '--label') } : {}),
        ...(o.owner ? { ownerId: o.owner } : {}),
      } as Schemas['CreateAliasDto'];
      printOne(ctx.io, o, ALIAS_VIEW, await ok(api.POST('/v1/aliases', { body })));
    }),
  );

  withOutput(group.command('get').description('show an alias').argument('<name>').option('--owner <userId>', "another user's alias (admins)")).action(
    action(runtime, async (ctx, [name], o: OutputOptions & { owner?: string }) => {
      const api = await ctx.api();
      printOne(ctx.io, o, ALIAS_VIEW, await ok(api.GET('/v1/aliases/{name}', { params: { path: { name: name! }, query: { ownerId: o.owner } } })));
    }),
  );

  withOutput(group.command('list').description('list aliases (every page, or up to --limit)'))
    .option('-l, --label <key=value>', 'only with this label (repeatable; all must match)', collect)
    .option('--owner <userId>', "another user's aliases (admins)")
    .option('--limit <n>', 'stop after n', integer(1, 1_000_000))
    .action(
      action(runtime, async (ctx, _args, o: OutputOptions & { label?: string[]; owner?: string; limit?: number }) => {
        const api = await ctx.api();
        const labels = labelQuery(o.label);
        const items = await listAll(async (pageSize, nextToken) => {
          const page = await ok(api.GET('/v1/aliases', { params: { query: { pageSize, nextToken, ownerId: o.owner, ...labels } } }));
          return { items: page.aliases, nextToken: page.nextToken };
        }, o.limit);
        printList(ctx.io, o, ALIAS_VIEW, items);
      }),
    );

  examples(
    withOutput(withAliasFields(group.command('update').description('change an alias (only what is given; --target replaces every target)').argument('<name>')))
      .option('--unset <field>', 'clear a field (repeatable): description, last-resort', collect)
      .option('--label <key=value>', 'add or change a label (repeatable)', collect)
      .option('--remove-label <key>', 'remove a label (repeatable)', collect)
      .option('--if-match <etag>', 'apply only if the alias still has this ETag'),
    ['rrctl aliases update rerank-english --target jina --label tier=gold'],
  ).action(
    action(runtime, async (ctx, [name], o: AliasFieldOptions & OutputOptions & { unset?: string[]; label?: string[]; removeLabel?: string[]; ifMatch?: string }) => {
      const api = await ctx.api();
      const fields: Record<string, unknown> = await aliasFields(api, o);
      for (const flag of o.unset ?? []) {
        const field = ({ description: 'description', 'last-resort': 'lastResort' } as Record<string, string>)[flag];
        if (!field) throw new UsageError(`--unset takes description or last-resort, not ${JSON.stringify(flag)}`);
        if (field in fields) throw new UsageError(`--unset ${flag} and a value for it: choose one`);
        fields[field] = null;
      }
      const path = { name: name! };
      const query = { ownerId: o.owner };
      const merge = keyValues(o.label, '--label');
      let ifMatch = o.ifMatch;
      if (o.removeLabel) {
        const current = await answered(api.GET('/v1/aliases/{name}', { params: { path, query } }));
        const labels = { ...current.data.labels, ...merge };
        for (const key of o.removeLabel) delete labels[key];
        fields.replaceLabels = labels;
        ifMatch ??= current.response.headers.get('etag') ?? undefined;
      } else if (merge) {
        fields.mergeLabels = merge;
      }
      if (Object.keys(fields).length === 0) throw new UsageError('nothing to change: give at least one field');
      const header = ifMatch ? { 'If-Match': ifMatch } : {};
      const updated = await ok(api.PATCH('/v1/aliases/{name}', { params: { path, query, header }, body: fields as Schemas['UpdateAliasDto'] }));
      printOne(ctx.io, o, ALIAS_VIEW, updated);
    }),
  );

  group
    .command('delete')
    .description('delete aliases')
    .argument('<name...>')
    .option('--owner <userId>', "another user's aliases (admins)")
    .action(
      action(runtime, async (ctx, names, o: { owner?: string }) => {
        const api = await ctx.api();
        for (const name of names) {
          await ok(api.DELETE('/v1/aliases/{name}', { params: { path: { name }, query: { ownerId: o.owner } } }));
          ctx.note(`deleted alias ${name}`);
        }
      }),
    );

  return group;
}

async function aliasFields(api: ApiClient, o: AliasFieldOptions): Promise<Record<string, unknown>> {
  const fields: Record<string, unknown> = {};
  if (o.target) fields.targets = await Promise.all(o.target.map((spec) => target(api, spec, o.owner)));
  if (o.strategy !== undefined) fields.strategy = o.strategy.toUpperCase();
  if (o.lastResort !== undefined) fields.lastResort = o.lastResort.toLowerCase() === 'none' ? null : o.lastResort.toUpperCase();
  if (o.description !== undefined) fields.description = o.description;
  return fields;
}

/** `cohere,weight=3,priority=1`: names and ids cannot hold commas or equals signs. */
async function target(api: ApiClient, spec: string, owner?: string): Promise<Schemas['AliasTargetDto']> {
  const [ref, ...settings] = spec.split(',');
  if (!ref) throw new UsageError(`--target ${JSON.stringify(spec)} names no reranker`);
  const result: Schemas['AliasTargetDto'] = { rerankerId: await rerankerId(api, ref, owner) } as Schemas['AliasTargetDto'];
  for (const setting of settings) {
    const [key, value] = setting.split('=');
    const number = Number(value);
    if ((key !== 'weight' && key !== 'priority') || value === undefined || !Number.isInteger(number)) {
      throw new UsageError(`--target ${JSON.stringify(spec)}: expected weight=N or priority=N after the reranker`);
    }
    result[key] = number;
  }
  return result;
}
