import { Command } from 'commander';
import { answered, listAll, ok, type ApiClient, type Schemas } from '../api.js';
import { action, collect, durationMs, examples, integer, keyValues, withOutput, type CliRuntime } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { colorsFor, labelsCell, printList, printOne, type OutputOptions, type View } from '../output.js';
import { findReranker, rerankerId, type Reranker } from '../resolve.js';
import { BUILTIN_PROVIDER_TYPES, PROVIDER_TYPES } from '../provider-types.js';
import { rerankerFields, withRerankerFieldOptions, withUnsetOption, type RerankerFieldOptions } from './reranker-fields.js';

export const RERANKER_VIEW: View<Reranker> = {
  columns: [
    { header: 'NAME', value: (r) => r.name },
    { header: 'ID', value: (r) => r.rerankerId },
    { header: 'PROVIDER', value: (r) => r.providerType },
    { header: 'MODEL', value: (r) => r.modelIdentifier, maxWidth: 40 },
    { header: 'ENDPOINT', value: (r) => endpointCell(r), maxWidth: 60 },
    { header: 'LABELS', value: (r) => labelsCell(r.labels), maxWidth: 40 },
  ],
  id: (r) => r.rerankerId,
  name: (r) => r.name ?? r.rerankerId,
};

/** Built-in types (LEXICAL, LOCAL) answer a null endpoint: they run inside the service. */
export function endpointCell(reranker: Pick<Reranker, 'endpointUrl' | 'apiPath'>): string {
  return reranker.endpointUrl === null ? 'built in' : `${reranker.endpointUrl}${reranker.apiPath ?? ''}`;
}

interface OwnerOption {
  owner?: string;
}

export function rerankersCommand(runtime: CliRuntime): Command {
  const group = new Command('rerankers').description('register, read, change, delete and ping rerankers').alias('reranker');

  examples(
    withOutput(withRerankerFieldOptions(group.command('create').description('register a reranker'))
      .requiredOption('--provider <type>', `provider type: ${PROVIDER_TYPES.join(' ')}`)
      .option('--label <key=value>', 'label (repeatable)', collect)
      .option('--owner <userId>', "another user's reranker (admins)")
      .option('--id <uuid>', 'choose the reranker id (409 if in use)')),
    [
      'printenv COHERE_API_KEY | rrctl rerankers create --name cohere --provider COHERE \\',
      '    --endpoint https://api.cohere.com --model rerank-v3.5 --secret-stdin',
      'rrctl rerankers create --name tei --provider TEI --endpoint http://127.0.0.1:8081 --model bge-reranker-base',
      'rrctl rerankers create --name bm25 --provider LEXICAL --model bm25 --bm25-k1 1.2 --bm25-b 0.75',
    ],
  ).action(
    action(runtime, async (ctx, _args, o: RerankerFieldOptions & OutputOptions & OwnerOption & { provider: string; label?: string[]; id?: string }) => {
      const fields = await rerankerFields(ctx, o);
      const builtin = BUILTIN_PROVIDER_TYPES.includes(o.provider.toUpperCase());
      for (const field of builtin ? (['modelIdentifier'] as const) : (['endpointUrl', 'modelIdentifier'] as const)) {
        if (fields[field] === undefined) throw new UsageError(`create needs --${field === 'endpointUrl' ? 'endpoint' : 'model'}`);
      }
      const displayName = fields.displayName ?? fields.name;
      if (displayName === undefined) throw new UsageError('create needs --display-name or --name');
      const api = await ctx.api();
      const body = {
        ...fields,
        displayName,
        providerType: o.provider.toUpperCase(),
        ...(o.label ? { labels: keyValues(o.label, '--label') } : {}),
        ...(o.owner ? { ownerId: o.owner } : {}),
        ...(o.id ? { rerankerId: o.id } : {}),
      } as Schemas['CreateRerankerDto'];
      printOne(ctx.io, o, RERANKER_VIEW, await ok(api.POST('/v1/rerankers', { body })));
    }),
  );

  withOutput(group.command('get').description('show a reranker').argument('<reranker>', 'id or name').option('--owner <userId>', 'the owner, when names repeat across owners')).action(
    action(runtime, async (ctx, [ref], o: OutputOptions & OwnerOption) => {
      printOne(ctx.io, o, RERANKER_VIEW, await findReranker(await ctx.api(), ref!, o.owner));
    }),
  );

  examples(
    withOutput(group.command('list').description('list rerankers (every page, or up to --limit)'))
      .option('--provider <type>', 'only this provider type')
      .option('-l, --label <key=value>', 'only with this label (repeatable; all must match)', collect)
      .option('--name <name>', 'only with this name')
      .option('--owner <userId>', "another user's rerankers (admins)")
      .option('--limit <n>', 'stop after n', integer(1, 1_000_000)),
    ['rrctl rerankers list -l env=prod -o yaml', 'rrctl rerankers list --provider COHERE --quiet'],
  ).action(
    action(runtime, async (ctx, _args, o: OutputOptions & OwnerOption & { provider?: string; label?: string[]; name?: string; limit?: number }) => {
      const api = await ctx.api();
      const labels = labelQuery(o.label);
      const items = await listAll(async (pageSize, nextToken) => {
        const providerType = o.provider?.toUpperCase() as Schemas['ProviderType'] | undefined;
        const query = { pageSize, nextToken, ownerId: o.owner, providerType, name: o.name, ...labels };
        const page = await ok(api.GET('/v1/rerankers', { params: { query } }));
        return { items: page.rerankers, nextToken: page.nextToken };
      }, o.limit);
      printList(ctx.io, o, RERANKER_VIEW, items);
    }),
  );

  examples(
    withOutput(withUnsetOption(withRerankerFieldOptions(group.command('update').description('change a reranker (only what is given)').argument('<reranker>', 'id or name'))))
      .option('--label <key=value>', 'add or change a label (repeatable)', collect)
      .option('--remove-label <key>', 'remove a label (repeatable)', collect)
      .option('--owner <userId>', 'the owner, when names repeat across owners')
      .option('--if-match <etag>', 'apply only if the reranker still has this ETag'),
    ['rrctl rerankers update cohere --display-name "Cohere v3.5" --label tier=gold', 'rrctl rerankers update cohere --secret-ref vault://secret/rerankers/cohere#api_key'],
  ).action(
    action(runtime, async (ctx, [ref], o: RerankerFieldOptions & OutputOptions & OwnerOption & { label?: string[]; removeLabel?: string[]; ifMatch?: string }) => {
      const fields = await rerankerFields(ctx, o);
      const api = await ctx.api();
      const current = await answered(api.GET('/v1/rerankers/{id}', { params: { path: { id: await rerankerId(api, ref!, o.owner) } } }));
      const merge = keyValues(o.label, '--label');
      let ifMatch = o.ifMatch;
      if (o.removeLabel) {
        // Removing needs the whole label set: replace it, conditional on the version it was read from.
        const labels = { ...current.data.labels, ...merge };
        for (const key of o.removeLabel) delete labels[key];
        fields.replaceLabels = labels;
        ifMatch ??= current.response.headers.get('etag') ?? undefined;
      } else if (merge) {
        fields.mergeLabels = merge;
      }
      // --bm25-k1 alone keeps the stored b (the API replaces lexical as a whole).
      const stored = current.data.lexical;
      if (fields.lexical && stored) fields.lexical = { ...stored, ...(fields.lexical as Record<string, number>) };
      if (Object.keys(fields).length === 0) throw new UsageError('nothing to change: give at least one field');
      const updated = await ok(
        api.PATCH('/v1/rerankers/{id}', {
          params: { path: { id: current.data.rerankerId }, header: ifMatch ? { 'If-Match': ifMatch } : {} },
          body: fields as Schemas['UpdateRerankerDto'],
        }),
      );
      printOne(ctx.io, o, RERANKER_VIEW, updated);
    }),
  );

  group
    .command('delete')
    .description('delete rerankers')
    .argument('<reranker...>', 'ids or names')
    .option('--force', 'also remove them from the aliases that route to them')
    .option('--owner <userId>', 'the owner, when names repeat across owners')
    .action(
      action(runtime, async (ctx, refs, o: OwnerOption & { force?: boolean }) => {
        const api = await ctx.api();
        for (const ref of refs) {
          const id = await rerankerId(api, ref, o.owner);
          await ok(api.DELETE('/v1/rerankers/{id}', { params: { path: { id }, query: o.force ? { force: true } : {} } }));
          ctx.note(`deleted reranker ${ref}`);
        }
      }),
    );

  examples(
    group
      .command('ping')
      .description('send a one-document rerank and time it; exits 1 if a probe failed')
      .argument('<reranker>', 'id or name')
      .option('--count <n>', 'probes to send', integer(1, 10_000), 1)
      .option('--interval <duration>', 'pause between probes', durationMs, 1000)
      .option('--timeout <duration>', 'give up on one probe after', durationMs, 30_000)
      .option('--owner <userId>', 'the owner, when names repeat across owners')
      .option('-o, --output <format>', 'table|json (default: table on a terminal, json when piped)'),
    ['rrctl rerankers ping cohere --count 5 --interval 500ms'],
  ).action(action(runtime, (ctx, [ref], o: PingOptions) => ping(ctx, ref!, o)));

  return group;
}

/** `label.<key>=<value>` query parameters. */
export function labelQuery(pairs: readonly string[] | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(keyValues(pairs, '--label') ?? {}).map(([key, value]) => [`label.${key}`, value]));
}

interface PingOptions extends OwnerOption {
  count: number;
  interval: number;
  timeout: number;
  output?: string;
}

interface Probe {
  probe: number;
  ok: boolean;
  httpStatus: number | null;
  rttMs: number | null;
  error?: string;
}

async function ping(ctx: CliContext, ref: string, o: PingOptions): Promise<number> {
  if (o.output !== undefined && o.output !== 'table' && o.output !== 'json') throw new UsageError('ping prints table or json');
  const json = o.output === 'json' || (o.output === undefined && !ctx.io.stdout.isTTY);
  const api = await ctx.api();
  const id = await rerankerId(api, ref, o.owner);
  const colors = colorsFor(ctx.io, ctx.io.stdout);
  const probes: Probe[] = [];
  for (let probe = 1; probe <= o.count; probe++) {
    if (probe > 1) await new Promise((resolve) => setTimeout(resolve, o.interval));
    const result = await probeOnce(api, id, o.timeout, probe);
    probes.push(result);
    if (!json) {
      const outcome = result.ok ? colors.green('ok') : colors.red('failed');
      const detail = result.error ? `  ${result.error}` : '';
      ctx.io.stdout.write(`probe ${probe}: ${outcome}  http=${result.httpStatus ?? '-'}  rtt=${result.rttMs === null ? '-' : `${result.rttMs.toFixed(1)} ms`}${detail}\n`);
    }
  }
  const summary = pingSummary(probes);
  if (json) ctx.io.stdout.write(`${JSON.stringify({ rerankerId: id, probes, summary }, null, 2)}\n`);
  else {
    const rtt = summary.rttMs ? `; rtt min/avg/max ${summary.rttMs.min.toFixed(1)}/${summary.rttMs.avg.toFixed(1)}/${summary.rttMs.max.toFixed(1)} ms` : '';
    ctx.io.stdout.write(`${summary.sent} probes, ${summary.ok} ok, ${summary.failed} failed${rtt}\n`);
  }
  return summary.failed > 0 ? 1 : 0;
}

/** One ping; a probe that the server refuses or that times out is a failed probe, not the end of the run. */
async function probeOnce(api: ApiClient, id: string, timeoutMs: number, probe: number): Promise<Probe> {
  try {
    const answer = await ok(api.POST('/v1/rerankers/{id}/ping', { params: { path: { id } }, signal: AbortSignal.timeout(timeoutMs) }));
    return { probe, ok: answer.ok, httpStatus: answer.httpStatus, rttMs: answer.rttMs, ...(answer.errorMessage ? { error: answer.errorMessage } : {}) };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return { probe, ok: false, httpStatus: null, rttMs: null, error: `no answer within ${timeoutMs} ms` };
    if ((error as { code?: string }).code === 'NOT_FOUND') throw error;
    return { probe, ok: false, httpStatus: null, rttMs: null, error: (error as Error).message };
  }
}

export function pingSummary(probes: readonly Probe[]) {
  const times = probes.filter((p) => p.ok && p.rttMs !== null).map((p) => p.rttMs!);
  const okCount = probes.filter((p) => p.ok).length;
  return {
    sent: probes.length,
    ok: okCount,
    failed: probes.length - okCount,
    ...(times.length > 0
      ? { rttMs: { min: Math.min(...times), avg: times.reduce((a, b) => a + b, 0) / times.length, max: Math.max(...times) } }
      : {}),
  };
}
