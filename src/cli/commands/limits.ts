import { Command, InvalidArgumentError } from 'commander';
import { ok, type ApiClient, type Schemas } from '../api.js';
import { action, examples, withOutput, type CliRuntime } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { outputFormat, printOne, renderTable, timeCell, type OutputOptions, type View } from '../output.js';
import { userId } from '../resolve.js';

type Limits = Schemas['LimitsResponse'];
export const LIMIT_NAMES = ['requestsPerMinute', 'documentsPerMinute', 'concurrentCalls', 'monthlyDocuments', 'monthlyCost'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

const LIMITS_VIEW: View<Limits> = { columns: [], id: (l) => l.id, name: (l) => `${l.subject.toLowerCase()}/${l.id}` };

/** `user` or `key`, and who: a user id or `me`, or an API key id. */
export async function limitsSubject(api: ApiClient, kind: string, ref: string): Promise<{ path: '/v1/limits/users/{id}' | '/v1/limits/apikeys/{id}'; id: string }> {
  if (kind === 'user') return { path: '/v1/limits/users/{id}', id: await userId(api, ref) };
  if (kind === 'key') return { path: '/v1/limits/apikeys/{id}', id: ref };
  throw new UsageError(`limits apply to a user or a key, not ${JSON.stringify(kind)}`);
}

/** A limit, or "default" (sent as null; commander would turn a null from a parser into ''). */
function limitValue(raw: string): number | 'default' {
  if (raw === 'default') return raw;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError('expected a number (0: unlimited) or "default"');
  return value;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

export function limitsCommand(runtime: CliRuntime): Command {
  const group = new Command('limits').description('rate limits and monthly quotas of a user or a key, and what is used of them');

  examples(
    withOutput(group.command('get').description('show the overrides, the limits in force and what is used now').argument('<user|key>').argument('<id>', 'user id or me; key id')),
    ['rrctl limits get user me', 'rrctl limits get key 1c0e… -o yaml'],
  ).action(
    action(runtime, async (ctx, [kind, ref], o: OutputOptions) => {
      const api = await ctx.api();
      const subject = await limitsSubject(api, kind!, ref!);
      printLimits(ctx.io, o, await ok(api.GET(subject.path, { params: { path: { id: subject.id } } })));
    }),
  );

  const set = group.command('set').description('set limits (admins): a number, 0 for unlimited, or "default"; others unchanged').argument('<user|key>').argument('<id>', 'user id or me; key id');
  for (const name of LIMIT_NAMES) set.option(`--${kebab(name)} <n|default>`, name === 'monthlyCost' ? 'cost per calendar month (UTC)' : name, limitValue);
  examples(withOutput(set), ['rrctl limits set key 1c0e… --requests-per-minute 600 --monthly-cost 250', 'rrctl limits set user 9a7b… --requests-per-minute default']).action(
    action(runtime, async (ctx, [kind, ref], o: OutputOptions & Partial<Record<LimitName, number | 'default'>>) => {
      const body = Object.fromEntries(LIMIT_NAMES.filter((name) => o[name] !== undefined).map((name) => [name, o[name] === 'default' ? null : o[name]]));
      if (Object.keys(body).length === 0) throw new UsageError(`nothing to set: give at least one of ${LIMIT_NAMES.map((n) => `--${kebab(n)}`).join(', ')}`);
      const api = await ctx.api();
      const subject = await limitsSubject(api, kind!, ref!);
      printLimits(ctx.io, o, await ok(api.PUT(subject.path, { params: { path: { id: subject.id } }, body: body as Schemas['UpdateLimitsDto'] })));
    }),
  );
  return group;
}

function printLimits(io: Parameters<typeof printOne>[0], o: OutputOptions, limits: Limits): void {
  if (o.quiet || outputFormat(io, o) !== 'table') return printOne(io, o, LIMITS_VIEW, limits);
  const rows = LIMIT_NAMES.map((name) => ({ name, override: limits.overrides[name], effective: limits.effective[name], usage: limits.usage[name] }));
  io.stdout.write(`${limits.subject} ${limits.id} (user ${limits.userId}), month ${limits.month}\n`);
  io.stdout.write(
    renderTable(
      io,
      [
        { header: 'LIMIT', value: (r) => r.name },
        { header: 'OVERRIDE', value: (r) => (r.override === null ? 'default' : r.override) },
        { header: 'IN FORCE', value: (r) => (r.effective === 0 ? 'unlimited' : r.effective) },
        { header: 'USED', value: (r) => r.usage.used },
        { header: 'REMAINING', value: (r) => r.usage.remaining },
        { header: 'RESETS', value: (r) => timeCell(r.usage.resetsAt) },
      ],
      rows,
    ),
  );
}
