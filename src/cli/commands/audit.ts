import { Command } from 'commander';
import { listAll, ok, type Operations, type Schemas } from '../api.js';
import { action, examples, integer, timeArgument, withOutput, type CliRuntime } from '../command-kit.js';
import { printList, timeCell, type OutputOptions, type View } from '../output.js';

type AuditEvent = Schemas['AuditEventResponse'];
type AuditQuery = NonNullable<Operations['AuditEventsController_list']['parameters']['query']>;

export const AUDIT_VIEW: View<AuditEvent> = {
  columns: [
    { header: 'TIME', value: (e) => timeCell(e.occurredAt) },
    { header: 'ACTION', value: (e) => e.action },
    { header: 'TARGET', value: (e) => (e.targetId ? `${e.targetType}/${e.targetId}` : e.targetType) },
    { header: 'ACTOR', value: (e) => e.actorUserId },
    { header: 'KEY', value: (e) => e.actorApiKeyId },
    { header: 'REQUEST', value: (e) => e.requestId },
  ],
  id: (e) => e.auditEventId,
  name: (e) => e.auditEventId,
};

interface AuditOptions extends OutputOptions {
  actor?: string;
  actorKey?: string;
  targetType?: string;
  target?: string;
  action?: string;
  from?: number;
  to?: number;
  limit: number;
}

export function auditCommand(runtime: CliRuntime): Command {
  return examples(
    withOutput(new Command('audit').description('the audit log, newest first (members: on what they own or did)'))
      .option('--actor <userId>', 'by this user')
      .option('--actor-key <keyId>', 'by this API key')
      .option('--target-type <type>', 'system|user|apikey|reranker|alias')
      .option('--target <id>', 'on this object')
      .option('--action <action>', 'e.g. reranker.update')
      .option('--from <time>', 'from (inclusive): ISO 8601, epoch ms, or a duration ago (24h)', timeArgument('ago'))
      .option('--to <time>', 'to (exclusive)', timeArgument('ago'))
      .option('--limit <n>', 'stop after n events', integer(1, 1_000_000), 100),
    ['rrctl audit --target-type reranker --action reranker.update --from 24h', 'rrctl audit --target 3f2a… -o yaml'],
  ).action(
    action(runtime, async (ctx, _args, o: AuditOptions) => {
      const api = await ctx.api();
      const filters = {
        actorUserId: o.actor,
        actorApiKeyId: o.actorKey,
        targetType: o.targetType,
        targetId: o.target,
        action: o.action,
        from: o.from,
        to: o.to,
      } as AuditQuery;
      const items = await listAll(async (pageSize, nextToken) => {
        const query: AuditQuery = { ...filters, pageSize, nextToken };
        const page = await ok(api.GET('/v1/audit-events', { params: { query } }));
        return { items: page.auditEvents, nextToken: page.nextToken };
      }, o.limit);
      printList(ctx.io, o, AUDIT_VIEW, items);
    }),
  );
}
