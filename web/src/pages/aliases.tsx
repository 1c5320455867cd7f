import { useEffect, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso/router';
import { api, body, unwrap, type Schemas } from '../api.js';
import { ErrorNotice, Field, Loading, Notice, Pager, TextField, formatTime, shortId } from '../components/ui.js';
import { asApiError, useLoad, usePaging } from '../hooks.js';
import { type ApiError, fieldErrorsOf } from '../lib/api-error.js';
import { addTarget, moveTarget, removeTarget, setPriority, setWeight, sortTargets, type TargetRow } from '../lib/alias-targets.js';
import { labelsToText, parseLabels, sameLabels } from '../lib/labels.js';
import { useSession } from '../session.js';

type Alias = Schemas['AliasResponse'];
const PAGE_SIZE = 25;
const DAY_MS = 86_400_000;

export function AliasesPage() {
  const { permissions } = useSession();
  const paging = usePaging('aliases');
  const page = useLoad(
    () => body(api.GET('/v1/aliases', { params: { query: { pageSize: PAGE_SIZE, ...(paging.token ? { nextToken: paging.token } : {}) } } })),
    [paging.token],
  );
  return (
    <section>
      <div class="page-head">
        <h1>Aliases</h1>
        {permissions.can('CREATE', 'ALIAS') && (
          <a class="button primary" href="/console/aliases/new">
            New alias
          </a>
        )}
      </div>
      <ErrorNotice error={page.error} />
      {!page.data ? (
        !page.error && <Loading what="aliases" />
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Strategy</th>
                <th scope="col">Targets</th>
                <th scope="col">Last resort</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {page.data.aliases.length === 0 && (
                <tr>
                  <td colSpan={5}>No aliases yet.</td>
                </tr>
              )}
              {page.data.aliases.map((alias) => (
                <tr key={alias.aliasId}>
                  <td>
                    <a href={`/console/aliases/${encodeURIComponent(alias.name)}`}>{alias.name}</a>
                  </td>
                  <td>{alias.strategy}</td>
                  <td>{alias.targets.length}</td>
                  <td>{alias.lastResort ?? 'none'}</td>
                  <td>{formatTime(alias.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={paging.page} hasNext={Boolean(page.data.nextToken)} onNext={() => paging.next(page.data!.nextToken!)} onPrevious={paging.previous} />
        </>
      )}
    </section>
  );
}

interface AliasForm {
  name: string;
  description: string;
  strategy: 'FALLBACK' | 'WEIGHTED';
  lexical: boolean;
  labels: string;
  targets: TargetRow[];
}

const ALIAS_FIELDS: Record<string, keyof AliasForm> = {
  name: 'name',
  description: 'description',
  strategy: 'strategy',
  lastResort: 'lexical',
  labels: 'labels',
  replaceLabels: 'labels',
  targets: 'targets',
};

function formOf(alias: Alias): AliasForm {
  return {
    name: alias.name,
    description: alias.description ?? '',
    strategy: alias.strategy,
    lexical: alias.lastResort === 'LEXICAL',
    labels: labelsToText(alias.labels),
    targets: sortTargets(alias.targets),
  };
}

export function AliasEditPage() {
  const { params } = useRoute();
  const location = useLocation();
  const { permissions } = useSession();
  const editing = params.name !== undefined;
  const canSave = editing ? permissions.can('UPDATE', 'ALIAS') : permissions.can('CREATE', 'ALIAS');
  const [alias, setAlias] = useState<Alias>();
  const [loadError, setLoadError] = useState<ApiError>();
  const [form, setForm] = useState<AliasForm>({ name: '', description: '', strategy: 'FALLBACK', lexical: false, labels: '', targets: [] });
  const [errors, setErrors] = useState<Partial<Record<keyof AliasForm, string>>>({});
  const [formError, setFormError] = useState<ApiError | string>();
  const [saved, setSaved] = useState<string>();
  const [newTarget, setNewTarget] = useState('');
  const rerankers = useLoad(async () => (permissions.can('LIST', 'RERANKER') ? (await body(api.GET('/v1/rerankers', { params: { query: { pageSize: 100 } } }))).rerankers : []), []);
  const served = useLoad(async () => {
    if (!editing || !permissions.can('READ', 'USAGE')) return undefined;
    const report = await body(api.GET('/v1/usage', { params: { query: { from: String(Date.now() - DAY_MS), granularity: 'day', groupBy: 'reranker', alias: params.name } } }));
    const byReranker = new Map<string, number>();
    for (const bucket of report.buckets) byReranker.set(bucket.rerankerId ?? '(none)', (byReranker.get(bucket.rerankerId ?? '(none)') ?? 0) + bucket.calls);
    return byReranker;
  }, [params.name]);

  useEffect(() => {
    if (!params.name) return;
    unwrap(api.GET('/v1/aliases/{name}', { params: { path: { name: params.name } } })).then(
      ({ data }) => {
        setAlias(data);
        setForm(formOf(data));
      },
      (error: unknown) => setLoadError(asApiError(error)),
    );
  }, [params.name]);

  const nameOf = (id: string) => rerankers.data?.find((r) => r.rerankerId === id)?.displayName ?? shortId(id);
  const update = (patch: Partial<AliasForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setSaved(undefined);
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setErrors({});
    setFormError(undefined);
    let labels: Record<string, string>;
    try {
      labels = parseLabels(form.labels);
    } catch (error) {
      setErrors({ labels: `labels: ${(error as Error).message}` });
      return;
    }
    const targets = form.targets.map(({ rerankerId, priority, weight }) => ({ rerankerId, priority, weight }));
    try {
      if (!editing) {
        const created = await body(
          api.POST('/v1/aliases', {
            body: { name: form.name.trim(), strategy: form.strategy, targets, lastResort: form.lexical ? 'LEXICAL' : null, labels, ...(form.description.trim() ? { description: form.description } : {}) } as never,
          }),
        );
        location.route(`/console/aliases/${encodeURIComponent(created.name)}`);
        return;
      }
      const before = formOf(alias!);
      const changes: Record<string, unknown> = {};
      if (form.description !== before.description) changes.description = form.description.trim() ? form.description : null;
      if (form.strategy !== before.strategy) changes.strategy = form.strategy;
      if (form.lexical !== before.lexical) changes.lastResort = form.lexical ? 'LEXICAL' : null;
      if (!sameLabels(labels, parseLabels(before.labels))) changes.replaceLabels = labels;
      if (JSON.stringify(targets) !== JSON.stringify(before.targets.map(({ rerankerId, priority, weight }) => ({ rerankerId, priority, weight })))) changes.targets = targets;
      if (Object.keys(changes).length === 0) {
        setSaved('Nothing changed.');
        return;
      }
      const updated = await body(api.PATCH('/v1/aliases/{name}', { params: { path: { name: alias!.name } }, body: changes as never }));
      setAlias(updated);
      setForm(formOf(updated));
      setSaved(`Saved at ${formatTime(updated.updatedAt)}.`);
    } catch (failure) {
      const error = asApiError(failure);
      const { fields, form: rest } = fieldErrorsOf(error, Object.keys(ALIAS_FIELDS));
      const mapped: Partial<Record<keyof AliasForm, string>> = {};
      for (const [path, message] of Object.entries(fields)) mapped[ALIAS_FIELDS[path]!] = message;
      setErrors(mapped);
      setFormError(rest ? error : undefined);
    }
  };

  const remove = async () => {
    try {
      await unwrap(api.DELETE('/v1/aliases/{name}', { params: { path: { name: alias!.name } } }));
      location.route('/console/aliases');
    } catch (error) {
      setFormError(asApiError(error));
    }
  };

  if (loadError) return <ErrorNotice error={loadError} title="Alias" />;
  if (editing && !alias) return <Loading what="the alias" />;
  return (
    <section>
      <div class="page-head">
        <h1>{editing ? `Alias: ${alias!.name}` : 'New alias'}</h1>
        <a href="/console/aliases">Back to the list</a>
      </div>
      <form class="form" onSubmit={(e) => void save(e)} aria-label="Alias" noValidate>
        {!editing && <TextField label="Name (what clients send as model)" value={form.name} onValue={(name) => update({ name })} error={errors.name} required spellcheck={false} />}
        <TextField label="Description" value={form.description} onValue={(description) => update({ description })} error={errors.description} disabled={!canSave} />
        <div class="row">
          <Field label="Strategy" error={errors.strategy}>
            {(aria) => (
              <select {...aria} value={form.strategy} disabled={!canSave} onChange={(e) => update({ strategy: e.currentTarget.value as AliasForm['strategy'] })}>
                <option value="FALLBACK">FALLBACK: in priority order</option>
                <option value="WEIGHTED">WEIGHTED: share by weight within a priority</option>
              </select>
            )}
          </Field>
          <div class={errors.lexical ? 'check field-invalid' : 'check'}>
            <input id="lexical" type="checkbox" checked={form.lexical} disabled={!canSave} onChange={(e) => update({ lexical: e.currentTarget.checked })} />
            <label for="lexical">Lexical (BM25) last resort when every target fails</label>
          </div>
        </div>
        <fieldset>
          <legend>Targets</legend>
          {errors.targets && (
            <p class="field-error" role="alert">
              {errors.targets}
            </p>
          )}
          <table data-testid="alias-targets">
            <thead>
              <tr>
                <th scope="col">Reranker</th>
                <th scope="col">Priority</th>
                <th scope="col">Weight</th>
                {editing && <th scope="col">Calls (24 h)</th>}
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {form.targets.length === 0 && (
                <tr>
                  <td colSpan={5}>No targets yet: add one below.</td>
                </tr>
              )}
              {form.targets.map((t, i) => (
                <tr key={t.rerankerId}>
                  <td>
                    <a href={`/console/rerankers/${t.rerankerId}`}>{nameOf(t.rerankerId)}</a>
                  </td>
                  <td>
                    <input
                      aria-label={`Priority of ${nameOf(t.rerankerId)}`}
                      class="narrow"
                      inputMode="numeric"
                      value={String(t.priority)}
                      disabled={!canSave}
                      onChange={(e) => update({ targets: setPriority(form.targets, t.rerankerId, Number(e.currentTarget.value) || 0) })}
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`Weight of ${nameOf(t.rerankerId)}`}
                      class="narrow"
                      inputMode="numeric"
                      value={String(t.weight)}
                      disabled={!canSave}
                      onChange={(e) => update({ targets: setWeight(form.targets, t.rerankerId, Number(e.currentTarget.value) || 0) })}
                    />
                  </td>
                  {editing && <td>{served.data?.get(t.rerankerId) ?? 0}</td>}
                  <td class="nowrap">
                    <button type="button" aria-label={`Move ${nameOf(t.rerankerId)} up`} disabled={!canSave || i === 0} onClick={() => update({ targets: moveTarget(form.targets, i, -1) })}>
                      ↑
                    </button>
                    <button
                      type="button"
                      aria-label={`Move ${nameOf(t.rerankerId)} down`}
                      disabled={!canSave || i === form.targets.length - 1}
                      onClick={() => update({ targets: moveTarget(form.targets, i, 1) })}
                    >
                      ↓
                    </button>
                    <button type="button" aria-label={`Remove ${nameOf(t.rerankerId)}`} disabled={!canSave} onClick={() => update({ targets: removeTarget(form.targets, t.rerankerId) })}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {canSave && (
            <div class="row">
              <Field label="Add a target (reranker id)">
                {(aria) => (
                  <>
                    <input {...aria} list="alias-reranker-options" value={newTarget} onInput={(e) => setNewTarget(e.currentTarget.value)} spellcheck={false} />
                    <datalist id="alias-reranker-options">
                      {(rerankers.data ?? []).map((r) => (
                        <option key={r.rerankerId} value={r.rerankerId} label={r.displayName} />
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
              <button
                type="button"
                disabled={!newTarget.trim()}
                onClick={() => {
                  update({ targets: addTarget(form.targets, newTarget.trim().toLowerCase()) });
                  setNewTarget('');
                }}
              >
                Add target
              </button>
            </div>
          )}
          {editing && served.data && served.data.has('LEXICAL') && <p>The lexical last resort served {served.data.get('LEXICAL')} calls in the last 24 hours.</p>}
        </fieldset>
        <Field label="Labels (key=value, one per line)" error={errors.labels}>
          {(aria) => <textarea {...aria} rows={2} value={form.labels} disabled={!canSave} onInput={(e) => update({ labels: e.currentTarget.value })} />}
        </Field>
        <ErrorNotice error={formError} />
        {saved && <Notice tone="success">{saved}</Notice>}
        {canSave && (
          <div class="actions">
            <button type="submit" class="primary">
              {editing ? 'Save changes' : 'Create alias'}
            </button>
            {editing && permissions.can('DELETE', 'ALIAS') && (
              <button type="button" class="danger" onClick={() => void remove()}>
                Delete alias
              </button>
            )}
          </div>
        )}
      </form>
    </section>
  );
}
