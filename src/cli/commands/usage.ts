import { Command } from 'commander';
import { ok, type Operations, type Schemas } from '../api.js';
import { action, examples, timeArgument, type CliRuntime } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { outputFormat, printDocument, renderTable, timeCell } from '../output.js';

type Bucket = Schemas['UsageBucket'];

const GROUPS = ['reranker', 'alias', 'apiKey', 'owner'] as const;

export function usageCommand(runtime: CliRuntime): Command {
  return examples(
    new Command('usage')
      .description('calls, documents, units and cost over time (members: their own; admins: anyone\'s)')
      .option('--from <time>', 'start, inclusive: ISO 8601, epoch ms, or a duration ago (24h); default 24 hours before --to', timeArgument('ago'))
      .option('--to <time>', 'end, exclusive; default now', timeArgument('ago'))
      .option('--granularity <unit>', 'minute|hour|day', 'hour')
      .option('--group-by <what>', GROUPS.join('|'))
      .option('--owner <userId>', "another owner's usage (admins)")
      .option('-o, --output <format>', 'table|json|yaml (default: table on a terminal, json when piped)'),
    ['rrctl usage --from 7d --granularity day --group-by reranker', 'rrctl usage --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z -o json'],
  ).action(
    action(runtime, async (ctx, _args, o: { from?: number; to?: number; granularity: string; groupBy?: string; owner?: string; output?: string }) => {
      const format = outputFormat(ctx.io, o);
      if (format === 'name') throw new UsageError('usage prints table, json or yaml');
      if (o.groupBy !== undefined && !(GROUPS as readonly string[]).includes(o.groupBy)) throw new UsageError(`--group-by is one of ${GROUPS.join(', ')}`);
      const api = await ctx.api();
      const query = {
        ...(o.from !== undefined ? { from: String(o.from) } : {}),
        ...(o.to !== undefined ? { to: String(o.to) } : {}),
        granularity: o.granularity,
        ...(o.groupBy ? { groupBy: o.groupBy } : {}),
        ...(o.owner ? { ownerId: o.owner } : {}),
      } as NonNullable<Operations['UsageController_report']['parameters']['query']>;
      const report = await ok(api.GET('/v1/usage', { params: { query } }));
      if (format !== 'table') return printDocument(ctx.io, format, report);
      ctx.io.stdout.write(
        renderTable<Bucket>(
          ctx.io,
          [
            { header: 'START', value: (b) => timeCell(b.start) },
            ...(report.groupBy ? [{ header: report.groupBy.toUpperCase(), value: (b: Bucket) => groupValue(b, report.groupBy!) }] : []),
            { header: 'CALLS', value: (b) => b.calls },
            { header: 'ERRORS', value: (b) => b.calls - (b.outcomes.ok ?? 0) - (b.outcomes.degraded ?? 0) },
            { header: 'DOCUMENTS', value: (b) => b.documents },
            { header: 'UNITS', value: (b) => b.searchUnits },
            { header: 'TOKENS', value: (b) => b.tokens },
            { header: 'COST', value: (b) => b.cost.map((c) => `${c.amount} ${c.currency}`).join(', ') },
            { header: 'LATENCY AVG MS', value: (b) => b.latencyMsAvg.toFixed(1) },
          ],
          report.buckets,
        ),
      );
    }),
  );
}

function groupValue(bucket: Bucket, groupBy: NonNullable<Schemas['UsageReport']['groupBy']>): string | null | undefined {
  if (groupBy === 'reranker') return bucket.rerankerId;
  if (groupBy === 'alias') return bucket.alias;
  if (groupBy === 'apiKey') return bucket.apiKeyId;
  return bucket.ownerId;
}
