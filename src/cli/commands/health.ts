import { Command } from 'commander';
import { action, type CliRuntime } from '../command-kit.js';
import { EXIT, UsageError } from '../errors.js';
import { colorsFor, outputFormat, printDocument, type OutputOptions } from '../output.js';

export function healthCommand(runtime: CliRuntime): Command {
  return new Command('health')
    .description('is the service up (/healthz) and ready (/readyz: its database answers)? exits 1 when not')
    .option('-o, --output <format>', 'table|json|yaml')
    .action(
      action(runtime, async (ctx, _args, o: OutputOptions) => {
        const format = outputFormat(ctx.io, o);
        if (format === 'name') throw new UsageError('health prints table, json or yaml');
        const api = await ctx.publicApi();
        const live = await api.GET('/healthz');
        const ready = await api.GET('/readyz');
        const report = {
          server: (await ctx.connection()).server,
          live: live.response.ok,
          ready: ready.response.ok,
          ...(ready.data ? { database: ready.data.database } : {}),
          ...(ready.error ? { reason: (ready.error as { message?: string }).message } : {}),
        };
        if (format !== 'table') printDocument(ctx.io, format, report);
        else {
          const colors = colorsFor(ctx.io, ctx.io.stdout);
          const mark = (good: boolean) => (good ? colors.green('yes') : colors.red('no'));
          ctx.io.stdout.write(`${report.server}: live ${mark(report.live)}, ready ${mark(report.ready)}${report.database ? ` (${report.database})` : ''}${report.reason ? ` - ${report.reason}` : ''}\n`);
        }
        return report.live && report.ready ? EXIT.OK : EXIT.SERVER;
      }),
    );
}
