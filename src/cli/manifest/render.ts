import type { Colors } from '../output.js';
import type { ApplyResult } from './apply.js';
import type { Plan, PlannedAction } from './plan.js';

const MAX_VALUE_WIDTH = 120;

function label(action: PlannedAction): string {
  return `${action.kind} ${action.name}${action.id && action.kind !== 'Limits' ? ` (${action.id})` : ''}`;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > MAX_VALUE_WIDTH ? `${text.slice(0, MAX_VALUE_WIDTH - 1)}…` : text;
}

/** The plan as text: one line per object that changes, one per changed field; secrets only by origin. */
export function renderPlan(plan: Plan, colors: Colors, verbose: boolean): string {
  const lines: string[] = [];
  for (const action of plan.actions) {
    if (action.op === 'unchanged') {
      if (verbose) lines.push(`  ${label(action)}: unchanged`);
      continue;
    }
    if (action.op === 'create') lines.push(colors.green(`+ create ${label(action)}`));
    if (action.op === 'delete') lines.push(colors.red(`- delete ${label(action)}${action.reason ? `: ${action.reason}` : ''}`));
    if (action.op === 'update') lines.push(colors.yellow(`~ update ${label(action)}`));
    for (const change of action.changes) {
      if (change.note) lines.push(`    ${change.field}: ${change.to === 'unknown' ? 'unknown' : 'changed'} (${change.note})`);
      else lines.push(`    ${change.field}: ${shown(change.from)} -> ${shown(change.to)}`);
    }
  }
  const count = (op: PlannedAction['op']) => plan.actions.filter((a) => a.op === op).length;
  lines.push(`Plan: ${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete, ${count('unchanged')} unchanged.`);
  return `${lines.join('\n')}\n`;
}

/** The plan as data (-o json|yaml): secrets print as their origin, pending rerankers by name. */
export function planDocument(plan: Plan): unknown {
  return {
    actions: plan.actions.map((action) => ({
      op: action.op,
      kind: action.kind,
      name: action.name,
      ...(action.id ? { id: action.id } : {}),
      ...(action.ownerId ? { ownerId: action.ownerId } : {}),
      ...(action.reason ? { reason: action.reason } : {}),
      ...(action.changes.length > 0 ? { changes: JSON.parse(JSON.stringify(action.changes)) } : {}),
    })),
  };
}

export function hasChanges(plan: Plan): boolean {
  return plan.actions.some((action) => action.op !== 'unchanged');
}

const DONE: Record<PlannedAction['op'], string> = { create: 'created', update: 'updated', delete: 'deleted', unchanged: 'unchanged' };

/** `reranker/cohere created (id)`: one line per object, as apply goes. */
export function appliedLine(action: PlannedAction, id?: string): string {
  return `${action.kind.toLowerCase()}/${action.name} ${DONE[action.op]}${id && action.op === 'create' ? ` (${id})` : ''}`;
}

/** The failure, what was not attempted, and the count of what was done. */
export function resultSummary(plan: Plan, result: ApplyResult, colors: Colors): string {
  const lines: string[] = [];
  const unchanged = plan.actions.filter((a) => a.op === 'unchanged').length;
  if (result.failed) {
    const { action, error } = result.failed;
    lines.push(colors.red(`${action.kind.toLowerCase()}/${action.name} FAILED (${action.op}): ${error.message}`));
    for (const skipped of result.notAttempted) lines.push(`${skipped.kind.toLowerCase()}/${skipped.name} not attempted (${skipped.op})`);
    lines.push(`Applied ${result.applied.length} of ${result.applied.length + 1 + result.notAttempted.length} changes (${unchanged} unchanged); 1 failed, ${result.notAttempted.length} not attempted. What was applied stays; fix the failure and apply again.`);
  } else {
    lines.push(`Applied ${result.applied.length} change${result.applied.length === 1 ? '' : 's'} (${unchanged} unchanged).`);
  }
  return `${lines.join('\n')}\n`;
}

export function appliedDocument(plan: Plan, result: ApplyResult): unknown {
  const entry = (action: PlannedAction, id?: string) => ({ op: action.op, kind: action.kind, name: action.name, ...((id ?? action.id) ? { id: id ?? action.id } : {}) });
  return {
    applied: result.applied.map(({ action, id }) => entry(action, id)),
    unchanged: plan.actions.filter((a) => a.op === 'unchanged').map((a) => entry(a)),
    ...(result.failed ? { failed: { ...entry(result.failed.action), error: result.failed.error.message } } : {}),
    notAttempted: result.notAttempted.map((a) => entry(a)),
  };
}
