import { answered, ok, type ApiClient, type Schemas } from '../api.js';
import { ApiError, CliError, EXIT } from '../errors.js';
import { PendingReranker, type Plan, type PlannedAction } from './plan.js';
import { withSecrets } from './secrets.js';
import { OWNER_SET_LABEL, PROTECTED_LABEL } from './validate.js';

export interface ActionOutcome {
  action: PlannedAction;
  /** The id of what was created, updated or deleted. */
  id?: string;
}

export interface ApplyResult {
  applied: ActionOutcome[];
  failed?: { action: PlannedAction; error: CliError };
  notAttempted: PlannedAction[];
}

export interface ApplyOptions {
  api: ApiClient;
  /** Send no If-Match: overwrite concurrent edits. */
  forceConflicts: boolean;
  ownerSet?: string;
  /** Told of each action once it is done, so progress shows as it happens. */
  onApplied?: (outcome: ActionOutcome) => void;
}

/**
 * Runs a plan in its order and stops at the first failure: what was applied, what failed
 * and what was not attempted are reported exactly, and since every step is keyed by name
 * a re-run converges (created objects are found, changed ones compare equal).
 */
export async function executePlan(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const created = new Map<string, string>();
  const applied: ActionOutcome[] = [];
  const pending = plan.actions.filter((action) => action.op !== 'unchanged');
  for (const [index, action] of pending.entries()) {
    try {
      const id = await run(action, options, created);
      const outcome = { action, ...(id ? { id } : {}) };
      applied.push(outcome);
      options.onApplied?.(outcome);
    } catch (error) {
      // Whatever went wrong, what was applied before it is reported.
      const failure = error instanceof CliError ? conflictExplained(error, action) : new CliError((error as Error).message ?? String(error), EXIT.SERVER);
      return { applied, failed: { action, error: failure }, notAttempted: pending.slice(index + 1) };
    }
  }
  return { applied, notAttempted: [] };
}

async function run(action: PlannedAction, options: ApplyOptions, created: Map<string, string>): Promise<string | undefined> {
  const { api } = options;
  const header = action.etag && !options.forceConflicts ? { 'If-Match': action.etag } : {};
  const body = () => withSecrets(resolvePending(action.body ?? {}, created));
  if (action.kind === 'Reranker') {
    if (action.op === 'create') {
      const reranker = await ok(api.POST('/v1/rerankers', { body: body() as Schemas['CreateRerankerDto'] }));
      created.set(`${action.ownerId}/${action.name}`, reranker.rerankerId);
      return reranker.rerankerId;
    }
    if (action.op === 'update') {
      await ok(api.PATCH('/v1/rerankers/{id}', { params: { path: { id: action.id! }, header }, body: body() as Schemas['UpdateRerankerDto'] }));
      return action.id;
    }
    await stillPrunable(api.GET('/v1/rerankers/{id}', { params: { path: { id: action.id! } } }), action, options);
    await ok(api.DELETE('/v1/rerankers/{id}', { params: { path: { id: action.id! }, query: {} } }));
    return action.id;
  }
  if (action.kind === 'Alias') {
    const path = { name: action.name };
    const query = { ownerId: action.ownerId };
    if (action.op === 'create') return (await ok(api.POST('/v1/aliases', { body: body() as Schemas['CreateAliasDto'] }))).aliasId;
    if (action.op === 'update') {
      await ok(api.PATCH('/v1/aliases/{name}', { params: { path, query, header }, body: body() as Schemas['UpdateAliasDto'] }));
      return action.id;
    }
    await stillPrunable(api.GET('/v1/aliases/{name}', { params: { path, query } }), action, options);
    await ok(api.DELETE('/v1/aliases/{name}', { params: { path, query } }));
    return action.id;
  }
  await ok(api.PUT(action.limitsPath!, { params: { path: { id: action.id! } }, body: body() as Schemas['UpdateLimitsDto'] }));
  return action.id;
}

/**
 * A prune deletes only what still carries this owner set's label and no protection: an
 * object relabelled or protected since the plan was read is left alone.
 */
async function stillPrunable(read: Promise<{ data?: { labels: Record<string, string> }; error?: unknown; response: Response }>, action: PlannedAction, options: ApplyOptions): Promise<void> {
  const { data } = await answered(read);
  if (data.labels[OWNER_SET_LABEL] !== options.ownerSet || data.labels[PROTECTED_LABEL] === 'true') {
    throw new CliError(`PRECONDITION_FAILED: ${action.kind} ${action.name} changed since it was read (owner set or protection): not deleted`, EXIT.SERVER);
  }
}

/** Alias targets that name rerankers this run created get their ids. */
function resolvePending(value: Record<string, unknown>, created: Map<string, string>): Record<string, unknown> {
  if (!Array.isArray(value.targets)) return value;
  const targets = (value.targets as Array<{ rerankerId: string | PendingReranker }>).map((target) => {
    if (!(target.rerankerId instanceof PendingReranker)) return target;
    const id = created.get(target.rerankerId.key);
    if (!id) throw new CliError(`reranker ${target.rerankerId.name} was not created`, EXIT.SERVER);
    return { ...target, rerankerId: id };
  });
  return { ...value, targets };
}

function conflictExplained(error: CliError, action: PlannedAction): CliError {
  if (error instanceof ApiError && error.code === 'PRECONDITION_FAILED') {
    return new CliError(
      `${error.message}: ${action.kind} ${action.name} was changed by someone else since it was read; nothing of it was overwritten. Run diff to see the new state, or apply --force-conflicts to overwrite`,
      EXIT.SERVER,
    );
  }
  return error;
}
