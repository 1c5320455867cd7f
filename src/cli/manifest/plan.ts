import { answered, listAll, ok, type ApiClient, type Schemas } from '../api.js';
import { ApiError } from '../errors.js';
import { UUID } from '../resolve.js';
import { canonicalApiPath, canonicalDecimal, canonicalEndpointUrl, canonicalUrl } from './canonical.js';
import { compareCredentials, keepsSecret } from './credentials-diff.js';
import { ManifestError, type ManifestProblem } from './load.js';
import type { Kind } from './schema.js';
import { OWNER_SET_LABEL, PROTECTED_LABEL, type ManifestObject } from './validate.js';

type Reranker = Schemas['RerankerResponse'];
type Alias = Schemas['AliasResponse'];
type Limits = Schemas['LimitsResponse'];

/** One field that apply changes; values are what the API shows (secrets only ever as their origin). */
export interface Change {
  field: string;
  from?: unknown;
  to?: unknown;
  note?: string;
}

/** A reranker this plan creates, named by alias targets before it has an id. */
export class PendingReranker {
  constructor(
    readonly ownerId: string,
    readonly name: string,
  ) {}

  get key(): string {
    return `${this.ownerId}/${this.name}`;
  }

  toJSON(): string {
    return `<new reranker ${this.name}>`;
  }
}

export interface PlannedAction {
  op: 'create' | 'update' | 'delete' | 'unchanged';
  kind: Kind;
  name: string;
  ownerId?: string;
  /** The existing object's id (rerankers, aliases) or the subject's (limits). */
  id?: string;
  /** The ETag read when planning: updates and deletes apply only to that version. */
  etag?: string;
  changes: Change[];
  /** The request body: may hold SecretSlots and PendingRerankers, filled in only when sent. */
  body?: Record<string, unknown>;
  /** Where a Limits object writes. */
  limitsPath?: '/v1/limits/users/{id}' | '/v1/limits/apikeys/{id}';
  reason?: string;
  /** The document it came from (not for prunes). */
  object?: ManifestObject;
}

export interface Plan {
  actions: PlannedAction[];
}

export interface PlanOptions {
  api: ApiClient;
  /** The caller's user id: the owner of objects that name none. */
  me: string;
  ownerSet?: string;
  prune: boolean;
  forceConflicts: boolean;
}

/** What the server holds for one manifest object, read before anything changes. */
interface Found<T> {
  current?: T;
  etag?: string;
}

/**
 * Reads what exists and works out, per object and field, what apply must change: in
 * dependency order (rerankers, aliases, limits, then prunes: aliases before the rerankers
 * they use). Every problem (a missing reference, an ownership conflict, a protected
 * prune, a kept secret that would have to be created) is found here, before any change.
 */
export async function planChanges(objects: readonly ManifestObject[], options: PlanOptions): Promise<Plan> {
  const problems: ManifestProblem[] = [];
  const problem = (object: ManifestObject, path: ReadonlyArray<string | number>, message: string): void => {
    const line = object.lineOf(path);
    problems.push({ source: object.source, field: path.join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]'), ...(line ? { line } : {}), message });
  };
  const owner = (object: ManifestObject): string => ((object.spec.ownerId as string | undefined) ?? options.me).toLowerCase();

  const rerankers = new Map<string, { id?: string; pending?: PendingReranker }>();
  const names = new Map<string, string>();
  const actions: PlannedAction[] = [];
  for (const object of objects.filter((o) => o.kind === 'Reranker')) {
    const action = await planReranker(object, owner(object), options, problem);
    if (!action) continue;
    actions.push(action);
    const key = `${owner(object)}/${object.name}`;
    if (action.id) {
      rerankers.set(key, { id: action.id });
      names.set(action.id, object.name);
    } else rerankers.set(key, { pending: new PendingReranker(owner(object), object.name) });
  }
  for (const object of objects.filter((o) => o.kind === 'Alias')) {
    const targets = await resolveTargets(object, owner(object), options.api, rerankers, names, problem);
    const action = targets && (await planAlias(object, owner(object), targets, names, options, problem));
    if (action) actions.push(action);
  }
  for (const object of objects.filter((o) => o.kind === 'Limits')) {
    const action = await planLimits(object, options, problem);
    if (action) actions.push(action);
  }
  if (options.prune) actions.push(...(await planPrunes(objects, actions, options, owner, problems)));
  if (problems.length > 0) throw new ManifestError(problems);
  return { actions };
}

type Problem = (object: ManifestObject, path: ReadonlyArray<string | number>, message: string) => void;

async function planReranker(object: ManifestObject, ownerId: string, options: PlanOptions, problem: Problem): Promise<PlannedAction | undefined> {
  const { api } = options;
  const byId = UUID.test(object.name);
  const found = await findReranker(api, object.name, ownerId, byId);
  const spec = object.spec;
  if (!found.current) {
    if (keepsSecret(spec.credentials)) return void problem(object, ['spec', 'credentials'], 'holds the export placeholder, which cannot create a secret: give ${ENV_VAR} or a secretRef');
    const labels = desiredLabels(object, {}, options);
    const body = {
      ...spec,
      ...(byId ? { rerankerId: object.name.toLowerCase() } : { name: object.name }),
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
    };
    return { op: 'create', kind: 'Reranker', name: object.name, ownerId, changes: [], body, object };
  }
  const current = found.current;
  if (current.ownerId !== ownerId) return void problem(object, ['metadata', 'name'], `reranker ${object.name} belongs to another owner (${current.ownerId})`);
  if (spec.providerType !== current.providerType) {
    return void problem(object, ['spec', 'providerType'], `cannot change from ${current.providerType}: delete the reranker and create it again`);
  }
  if (!ownershipAllows(object, current.labels, options, problem)) return undefined;
  const changes: Change[] = [];
  const body: Record<string, unknown> = {};
  const compare = (field: string, desired: unknown, actual: unknown, normalize: (value: unknown) => unknown = (v) => v ?? null): void => {
    if (!(field in spec)) return;
    if (JSON.stringify(normalize(desired)) === JSON.stringify(normalize(actual))) return;
    changes.push({ field, from: actual ?? null, to: desired ?? null });
    body[field] = desired;
  };
  const text = (normalizer: (value: string) => string) => (value: unknown) => (typeof value === 'string' ? normalizer(value) : (value ?? null));
  compare('displayName', spec.displayName, current.displayName);
  compare('description', spec.description, current.description);
  compare('endpointUrl', spec.endpointUrl, current.endpointUrl, text(canonicalEndpointUrl));
  compare('apiPath', spec.apiPath, current.apiPath, text(canonicalApiPath));
  compare('modelIdentifier', spec.modelIdentifier, current.modelIdentifier);
  compare('lexical', spec.lexical, current.lexical, lexicalKey);
  compare('supportedModalities', spec.supportedModalities, current.supportedModalities, (v) => [...((v as string[] | undefined) ?? [])].sort());
  compare('version', spec.version, current.version);
  compare('monitoringEndpoint', spec.monitoringEndpoint, current.monitoringEndpoint, text(canonicalUrl));
  compare('requestTimeoutMs', spec.requestTimeoutMs, current.requestTimeoutMs);
  compare('maxDocumentsPerRequest', spec.maxDocumentsPerRequest, current.maxDocumentsPerRequest);
  compare('maxTokensPerRequest', spec.maxTokensPerRequest, current.maxTokensPerRequest);
  compare('scoreNormalization', spec.scoreNormalization, current.scoreNormalization);
  compare('extraHeaders', spec.extraHeaders, current.extraHeaders, (v) => Object.entries((v as Record<string, string> | null | undefined) ?? {}).sort());
  compare('pricing', spec.pricing, current.pricing, pricingKey);
  if ('credentials' in spec) {
    const comparison = compareCredentials(spec.credentials as Record<string, unknown> | null, current.credentials ?? null, current.providerType);
    if (comparison.outcome !== 'same') {
      if (keepsSecret(spec.credentials)) {
        return void problem(object, ['spec', 'credentials'], `changes (${comparison.note}) but keeps the stored secret: give the secret (\${ENV_VAR}) to change the credential`);
      }
      changes.push({ field: 'credentials', note: comparison.note, ...(comparison.outcome === 'unknown' ? { to: 'unknown' } : {}) });
      body.credentials = spec.credentials;
    }
  }
  const labels = desiredLabels(object, current.labels, options);
  if (!sameLabels(labels, current.labels)) {
    changes.push({ field: 'labels', from: current.labels, to: labels });
    body.replaceLabels = labels;
  }
  const base = { kind: 'Reranker' as const, name: object.name, ownerId, id: current.rerankerId, ...(found.etag ? { etag: found.etag } : {}), object };
  return changes.length === 0 ? { ...base, op: 'unchanged', changes } : { ...base, op: 'update', changes, body };
}

async function findReranker(api: ApiClient, name: string, ownerId: string, byId: boolean): Promise<Found<Reranker>> {
  let id = byId ? name.toLowerCase() : undefined;
  if (!id) {
    const page = await ok(api.GET('/v1/rerankers', { params: { query: { name, ownerId, pageSize: 2 } } }));
    id = page.rerankers[0]?.rerankerId;
    if (!id) return {};
  }
  const found = await readOptional(api.GET('/v1/rerankers/{id}', { params: { path: { id } } }));
  return found ?? {};
}

/** A read that answers undefined for 404 (absent, or not visible to this key). */
async function readOptional<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Found<T> | undefined> {
  try {
    const { data, response } = await answered(call);
    return { current: data, ...(response.headers.get('etag') ? { etag: response.headers.get('etag')! } : {}) };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/** Labels as the file wants them, with rrctl's own: the owner set and protection. */
function desiredLabels(object: ManifestObject, current: Record<string, string>, options: PlanOptions): Record<string, string> {
  const labels: Record<string, string> = { ...(object.labels ?? current) };
  delete labels[PROTECTED_LABEL];
  if (object.protected) labels[PROTECTED_LABEL] = 'true';
  const ownerSet = options.ownerSet ?? object.labels?.[OWNER_SET_LABEL] ?? current[OWNER_SET_LABEL];
  if (ownerSet !== undefined) labels[OWNER_SET_LABEL] = ownerSet;
  return labels;
}

/** An object of another owner set is not taken over silently (--force-conflicts does). */
function ownershipAllows(object: ManifestObject, labels: Record<string, string>, options: PlanOptions, problem: Problem): boolean {
  const theirs = labels[OWNER_SET_LABEL];
  if (theirs === undefined || options.ownerSet === undefined || theirs === options.ownerSet || options.forceConflicts) return true;
  problem(object, ['metadata', 'name'], `${object.kind} ${object.name} belongs to owner set ${JSON.stringify(theirs)}, not ${JSON.stringify(options.ownerSet)} (--force-conflicts takes it over)`);
  return false;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}

/** BM25's parameters: key order does not matter, and no parameter at all is the service's defaults, like null. */
export function lexicalKey(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, parameter]) => parameter !== undefined && parameter !== null)
    .sort(([a], [b]) => a.localeCompare(b));
  return entries.length > 0 ? entries : null;
}

function pricingKey(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const pricing = value as Record<string, unknown>;
  return Object.entries(pricing)
    .map(([key, rate]) => [key, key === 'currency' ? rate : canonicalDecimal(rate)])
    .sort();
}

interface TargetPlan {
  rerankerId: string | PendingReranker;
  weight: number;
  priority: number;
}

/** Alias targets named by reranker name: of this file set (maybe not created yet), else on the server. */
async function resolveTargets(
  object: ManifestObject,
  ownerId: string,
  api: ApiClient,
  rerankers: Map<string, { id?: string; pending?: PendingReranker }>,
  names: Map<string, string>,
  problem: Problem,
): Promise<TargetPlan[] | undefined> {
  const targets: TargetPlan[] = [];
  let complete = true;
  const declared = object.spec.targets as Array<{ reranker: string; weight?: number; priority?: number }>;
  for (const [index, target] of declared.entries()) {
    const inFile = rerankers.get(`${ownerId}/${target.reranker}`);
    let id: string | PendingReranker | undefined = inFile?.id ?? inFile?.pending;
    if (id === undefined) {
      id = await serverReranker(api, target.reranker, ownerId);
      if (typeof id === 'string') names.set(id, target.reranker);
    }
    if (id === undefined) {
      problem(object, ['spec', 'targets', index, 'reranker'], `no reranker ${JSON.stringify(target.reranker)} in these manifests or on the server (owner ${ownerId})`);
      complete = false;
      continue;
    }
    targets.push({ rerankerId: id, weight: target.weight ?? 1, priority: target.priority ?? 0 });
  }
  return complete ? targets : undefined;
}

async function serverReranker(api: ApiClient, ref: string, ownerId: string): Promise<string | undefined> {
  if (UUID.test(ref)) return (await readOptional(api.GET('/v1/rerankers/{id}', { params: { path: { id: ref.toLowerCase() } } })))?.current?.rerankerId;
  const page = await ok(api.GET('/v1/rerankers', { params: { query: { name: ref, ownerId, pageSize: 2 } } }));
  return page.rerankers[0]?.rerankerId;
}

async function planAlias(
  object: ManifestObject,
  ownerId: string,
  targets: TargetPlan[],
  names: Map<string, string>,
  options: PlanOptions,
  problem: Problem,
): Promise<PlannedAction | undefined> {
  const { api } = options;
  const spec = object.spec;
  const found = await readOptional(api.GET('/v1/aliases/{name}', { params: { path: { name: object.name }, query: { ownerId } } }));
  const body: Record<string, unknown> = {};
  for (const field of ['description', 'strategy', 'lastResort'] as const) if (field in spec) body[field] = spec[field];
  if (!found?.current) {
    const labels = desiredLabels(object, {}, options);
    const create = { name: object.name, ...body, targets, ...(Object.keys(labels).length > 0 ? { labels } : {}), ...(spec.ownerId ? { ownerId: spec.ownerId } : {}) };
    return { op: 'create', kind: 'Alias', name: object.name, ownerId, changes: [], body: create, object };
  }
  const current = found.current;
  if (!ownershipAllows(object, current.labels, options, problem)) return undefined;
  const changes: Change[] = [];
  const update: Record<string, unknown> = {};
  for (const field of ['description', 'strategy', 'lastResort'] as const) {
    if (field in spec && (spec[field] ?? null) !== (current[field] ?? null)) {
      changes.push({ field, from: current[field] ?? null, to: spec[field] ?? null });
      update[field] = spec[field];
    }
  }
  const shown = (id: string | PendingReranker) => (typeof id === 'string' ? (names.get(id) ?? id) : id.name);
  const desiredTargets = targets.map((t) => ({ rerankerId: t.rerankerId, weight: t.weight, priority: t.priority }));
  const sameTargets =
    desiredTargets.length === current.targets.length &&
    desiredTargets.every((t, i) => t.rerankerId === current.targets[i]!.rerankerId && t.weight === current.targets[i]!.weight && t.priority === current.targets[i]!.priority);
  if (!sameTargets) {
    const describe = (list: ReadonlyArray<{ rerankerId: string | PendingReranker; weight: number; priority: number }>) =>
      list.map((t) => `${shown(t.rerankerId)} (weight ${t.weight}, priority ${t.priority})`);
    changes.push({ field: 'targets', from: describe(current.targets), to: describe(desiredTargets) });
    update.targets = desiredTargets;
  }
  const labels = desiredLabels(object, current.labels, options);
  if (!sameLabels(labels, current.labels)) {
    changes.push({ field: 'labels', from: current.labels, to: labels });
    update.replaceLabels = labels;
  }
  const base = { kind: 'Alias' as const, name: object.name, ownerId, id: current.aliasId, ...(found.etag ? { etag: found.etag } : {}), object };
  return changes.length === 0 ? { ...base, op: 'unchanged', changes } : { ...base, op: 'update', changes, body: update };
}

const LIMIT_FIELDS = ['requestsPerMinute', 'documentsPerMinute', 'concurrentCalls', 'monthlyDocuments', 'monthlyCost'] as const;

async function planLimits(object: ManifestObject, options: PlanOptions, problem: Problem): Promise<PlannedAction | undefined> {
  const spec = object.spec as { user?: string; apiKey?: string } & Partial<Record<(typeof LIMIT_FIELDS)[number], number | null>>;
  const limitsPath = spec.user !== undefined ? '/v1/limits/users/{id}' : '/v1/limits/apikeys/{id}';
  const id = (spec.user === 'me' ? options.me : (spec.user ?? spec.apiKey)!).toLowerCase();
  const found = await readOptional<Limits>(options.api.GET(limitsPath, { params: { path: { id } } }));
  if (!found?.current) return void problem(object, ['spec', spec.user !== undefined ? 'user' : 'apiKey'], `no ${spec.user !== undefined ? 'user' : 'API key'} ${id} (or not visible to this key)`);
  const overrides = found.current.overrides;
  const changes: Change[] = [];
  const body: Record<string, unknown> = {};
  for (const field of LIMIT_FIELDS) {
    if (!(field in spec)) continue;
    const desired = spec[field] ?? null;
    const actual = overrides[field] ?? null;
    const same = desired === null || actual === null ? desired === actual : canonicalDecimal(desired) === canonicalDecimal(actual);
    if (same) continue;
    changes.push({ field, from: actual, to: desired });
    body[field] = desired;
  }
  const base = { kind: 'Limits' as const, name: object.name, id, limitsPath, object } as const;
  return changes.length === 0 ? { ...base, op: 'unchanged', changes } : { ...base, op: 'update', changes, body };
}

/**
 * Objects carrying this owner set's label that the files no longer declare, among the
 * owners the files name (and the caller's own): aliases first, then rerankers.
 */
async function planPrunes(
  objects: readonly ManifestObject[],
  planned: readonly PlannedAction[],
  options: PlanOptions,
  owner: (object: ManifestObject) => string,
  problems: ManifestProblem[],
): Promise<PlannedAction[]> {
  const { api, ownerSet } = options;
  const owners = new Set([options.me.toLowerCase(), ...objects.filter((o) => o.kind !== 'Limits').map(owner)]);
  const keptRerankers = new Set(planned.filter((a) => a.kind === 'Reranker' && a.id).map((a) => a.id));
  const keptAliases = new Set(planned.filter((a) => a.kind === 'Alias').map((a) => `${a.ownerId}/${a.name}`));
  const label = { [`label.${OWNER_SET_LABEL}`]: ownerSet! };
  const aliases: PlannedAction[] = [];
  const rerankers: PlannedAction[] = [];
  const refuse = (kind: Kind, name: string): void => {
    problems.push({ source: { file: '--prune', document: 0 }, message: `${kind} ${name} is protected (metadata.protected): not deleting it; put it back in the files or remove its protection` });
  };
  for (const ownerId of owners) {
    const serverAliases = await listAll<Alias>(async (pageSize, nextToken) => {
      const page = await ok(api.GET('/v1/aliases', { params: { query: { ownerId, pageSize, nextToken, ...label } } }));
      return { items: page.aliases, nextToken: page.nextToken };
    });
    for (const alias of serverAliases.filter((a) => !keptAliases.has(`${a.ownerId}/${a.name}`))) {
      if (alias.labels[PROTECTED_LABEL] === 'true') refuse('Alias', alias.name);
      else aliases.push({ op: 'delete', kind: 'Alias', name: alias.name, ownerId: alias.ownerId, id: alias.aliasId, changes: [], reason: `not in the files of owner set ${ownerSet}` });
    }
    const serverRerankers = await listAll<Reranker>(async (pageSize, nextToken) => {
      const page = await ok(api.GET('/v1/rerankers', { params: { query: { ownerId, pageSize, nextToken, ...label } } }));
      return { items: page.rerankers, nextToken: page.nextToken };
    });
    for (const reranker of serverRerankers.filter((r) => !keptRerankers.has(r.rerankerId))) {
      const name = reranker.name ?? reranker.rerankerId;
      if (reranker.labels[PROTECTED_LABEL] === 'true') refuse('Reranker', name);
      else rerankers.push({ op: 'delete', kind: 'Reranker', name, ownerId: reranker.ownerId, id: reranker.rerankerId, changes: [], reason: `not in the files of owner set ${ownerSet}` });
    }
  }
  return [...aliases, ...rerankers];
}
