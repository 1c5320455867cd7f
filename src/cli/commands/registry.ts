import { Command } from 'commander';
import { stringify } from 'yaml';
import { ok, type ApiClient } from '../api.js';
import { action, collect, examples, type CliRuntime } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { colorsFor, printDocument } from '../output.js';
import { executePlan } from '../manifest/apply.js';
import { exportManifests } from '../manifest/export.js';
import { loadManifests } from '../manifest/load.js';
import { planChanges, type Plan } from '../manifest/plan.js';
import { appliedDocument, appliedLine, hasChanges, planDocument, renderPlan, resultSummary } from '../manifest/render.js';
import { KINDS, MANIFEST_SCHEMA, type Kind } from '../manifest/schema.js';
import { validateManifests } from '../manifest/validate.js';
import { labelQuery } from './rerankers.js';

interface ManifestOptions {
  filename?: string[];
  recursive?: boolean;
  allowInlineSecrets?: boolean;
  ownerSet?: string;
  prune?: boolean;
  forceConflicts?: boolean;
  output?: string;
  verbose?: boolean;
}

const OWNER_SET = /^[a-z0-9A-Z]([A-Za-z0-9._-]{0,253}[A-Za-z0-9])?$/;

function withManifestOptions(command: Command): Command {
  return command
    .option('-f, --filename <path>', 'a manifest file, a directory of them (.yaml, .yml, .json), or - for stdin (repeatable)', collect)
    .option('-R, --recursive', 'also read the directories inside the -f directories')
    .option('--allow-inline-secrets', 'accept literal secrets in the files (they are never printed or written)')
    .option('--owner-set <name>', 'this file set\'s name, stored as the rrctl.owner-set label on what it applies; --prune only deletes within it')
    .option('--prune', 'delete the objects of --owner-set that the files no longer declare (aliases before rerankers)')
    .option('--force-conflicts', 'overwrite concurrent edits (no If-Match) and take over objects of another owner set')
    .option('-o, --output <format>', 'text|json|yaml (default text)', 'text')
    .option('-v, --verbose', 'also list the objects that do not change');
}

/** Reads, validates and plans: nothing is changed until the whole plan is known to be possible. */
async function plan(ctx: CliContext, o: ManifestOptions): Promise<{ api: ApiClient; plan: Plan }> {
  if (!['text', 'json', 'yaml'].includes(o.output ?? 'text')) throw new UsageError('-o is text, json or yaml');
  if (o.ownerSet !== undefined && !OWNER_SET.test(o.ownerSet)) throw new UsageError('--owner-set is 1-255 of A-Z a-z 0-9 . _ - (a label value)');
  if (o.prune && o.ownerSet === undefined) throw new UsageError('--prune needs --owner-set: only objects of that set are ever deleted');
  const documents = await loadManifests(ctx, o.filename ?? [], Boolean(o.recursive));
  const objects = validateManifests(documents, { env: ctx.io.env, allowInlineSecrets: Boolean(o.allowInlineSecrets), ownerSet: o.ownerSet });
  const api = await ctx.api();
  const me = (await ok(api.GET('/v1/users/me'))).userId;
  const planned = await planChanges(objects, { api, me, ownerSet: o.ownerSet, prune: Boolean(o.prune), forceConflicts: Boolean(o.forceConflicts) });
  return { api, plan: planned };
}

function printPlan(ctx: CliContext, o: ManifestOptions, planned: Plan): void {
  if (o.output === 'json' || o.output === 'yaml') printDocument(ctx.io, o.output, planDocument(planned));
  else ctx.io.stdout.write(renderPlan(planned, colorsFor(ctx.io, ctx.io.stdout), Boolean(o.verbose)));
}

export function registryCommands(runtime: CliRuntime): Command[] {
  const diff = examples(
    withManifestOptions(new Command('diff').description('what apply would change, per object and field (secrets by origin, never by value); exits 0 no changes, 1 changes, >1 error')),
    ['rrctl diff -f registry/', 'rrctl export | rrctl diff -f -'],
  ).action(
    action(runtime, async (ctx, _args, o: ManifestOptions) => {
      try {
        const { plan: planned } = await plan(ctx, o);
        printPlan(ctx, o, planned);
        return hasChanges(planned) ? 1 : EXIT.OK;
      } catch (error) {
        // 1 means "changes" here, as with kubectl diff: a failure is always above 1.
        if (error instanceof CliError && error.exitCode === EXIT.SERVER) throw new CliError(error.message, EXIT.DIFF_SERVER);
        throw error;
      }
    }),
  );

  const apply = examples(
    withManifestOptions(new Command('apply').description('create and update what the manifests declare (rerankers, then aliases, then limits), each update conditional on the version read (If-Match)'))
      .option('--dry-run', 'print the plan and change nothing')
      .option('--confirm', 'print the plan and ask before applying it (answer on the terminal, or a line on stdin)'),
    [
      'rrctl apply -f registry/ --owner-set search-prod --prune',
      'COHERE_API_KEY=… rrctl apply -f cohere.yaml --dry-run',
      'rrctl export -l team=search | rrctl apply -f -      # a no-op',
    ],
  ).action(
    action(runtime, async (ctx, _args, o: ManifestOptions & { dryRun?: boolean; confirm?: boolean }) => {
      const { api, plan: planned } = await plan(ctx, o);
      const colors = colorsFor(ctx.io, ctx.io.stdout);
      const structured = o.output === 'json' || o.output === 'yaml';
      if (o.dryRun || o.confirm) printPlan(ctx, o, planned);
      if (o.dryRun) return void ctx.note('dry run: nothing was changed');
      if (o.confirm && hasChanges(planned) && !(await confirmed(ctx))) {
        ctx.note('not applied');
        return EXIT.SERVER;
      }
      if (!structured) for (const unchanged of planned.actions.filter((a) => a.op === 'unchanged')) ctx.io.stdout.write(`${appliedLine(unchanged)}\n`);
      const result = await executePlan(planned, {
        api,
        forceConflicts: Boolean(o.forceConflicts),
        ownerSet: o.ownerSet,
        onApplied: structured ? undefined : ({ action: done, id }) => void ctx.io.stdout.write(`${appliedLine(done, id)}\n`),
      });
      if (structured) printDocument(ctx.io, o.output as 'json' | 'yaml', appliedDocument(planned, result));
      else ctx.io.stdout.write(resultSummary(planned, result, colors));
      if (result.failed) {
        ctx.note(`error: ${result.failed.error.message}`);
        return result.failed.error.exitCode;
      }
    }),
  );

  const exportCommand = examples(
    new Command('export')
      .description('write manifests for what exists (yours, or --owner\'s), so that rrctl export | rrctl apply -f - changes nothing')
      .option('-l, --label <key=value>', 'only objects with this label (repeatable; limits have none and are then left out)', collect)
      .option('--kind <kind>', `only this kind: ${KINDS.join(', ')} (repeatable)`, collect)
      .option('--owner <userId>', "another user's objects (admins); written as spec.ownerId")
      .option('-o, --output <format>', 'yaml|json', 'yaml'),
    ['rrctl export > registry.yaml', 'rrctl export -l team=search --kind Reranker --kind Alias -o json'],
  ).action(
    action(runtime, async (ctx, _args, o: { label?: string[]; kind?: string[]; owner?: string; output: string }) => {
      if (o.output !== 'yaml' && o.output !== 'json') throw new UsageError('export writes yaml or json');
      const kinds = new Set<Kind>();
      for (const kind of o.kind ?? KINDS) {
        const match = KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
        if (!match) throw new UsageError(`--kind is one of ${KINDS.join(', ')}, not ${JSON.stringify(kind)}`);
        kinds.add(match);
      }
      const api = await ctx.api();
      const me = (await ok(api.GET('/v1/users/me'))).userId;
      const manifests = await exportManifests({ api, me, kinds, labelQuery: labelQuery(o.label), ownerId: o.owner });
      if (o.output === 'json') ctx.io.stdout.write(`${JSON.stringify(manifests, null, 2)}\n`);
      else ctx.io.stdout.write(manifests.map((manifest) => stringify(manifest)).join('---\n'));
    }),
  );

  const schema = new Command('schema')
    .description('print the JSON Schema of manifests (also docs/rrctl-manifest.schema.json), for editors')
    .action(
      action(runtime, async (ctx) => {
        ctx.io.stdout.write(`${JSON.stringify(MANIFEST_SCHEMA, null, 2)}\n`);
      }),
    );

  return [apply, diff, exportCommand, schema];
}

/** One line from the terminal (or stdin when piped): y or yes applies. */
async function confirmed(ctx: CliContext): Promise<boolean> {
  ctx.io.stderr.write('Apply these changes? [y/N] ');
  const answer = await ctx.stdin.readLine('the confirmation');
  return /^\s*y(es)?\s*$/i.test(answer);
}
