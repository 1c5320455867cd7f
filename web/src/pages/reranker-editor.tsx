import { useEffect, useState } from 'preact/hooks';
import { api, body, unwrap, type Schemas } from '../api.js';
import { ErrorNotice, Field, Loading, Notice, TextField, formatTime } from '../components/ui.js';
import { asApiError } from '../hooks.js';
import { ApiError, fieldErrorsOf } from '../lib/api-error.js';
import { latencyStats } from '../lib/latency-stats.js';
import {
  BM25_MODEL,
  FormProblem,
  LEXICAL_RANGES,
  RERANKER_FIELDS,
  apiPathFor,
  choiceKinds,
  createBody,
  emptyForm,
  formFromReranker,
  isBuiltin,
  patchBody,
  switchProvider,
  type CredentialChoice,
  type ProviderInfo,
  type RerankerFormState,
  type StoredReranker,
} from '../lib/reranker-form.js';
import { rebaseEdits, changedFields } from '../lib/rebase.js';
import { useSession } from '../session.js';

type Reranker = Schemas['RerankerResponse'];
type Ping = Schemas['PingResponse'];
type Errors = Partial<Record<keyof RerankerFormState, string>>;

const CREDENTIAL_LABELS: Record<CredentialChoice, string> = {
  NONE: 'None (a server that needs no key)',
  KEEP: 'Keep the stored credential',
  API_KEY_INLINE: 'API key, stored encrypted',
  API_KEY_REF: 'API key held by the server (secret reference)',
  GCP_ADC: "The service's Google identity (ADC)",
  AWS_KEYS: 'AWS access keys (SigV4)',
  AWS_CHAIN: "The service's AWS identity (default chain)",
};

interface Loaded {
  readonly reranker: Reranker;
  readonly etag: string;
  readonly original: RerankerFormState;
}

interface Conflict {
  readonly current: Reranker;
  readonly etag: string;
  readonly theirs: string[];
}

/** The model field's hint for built-in types: LEXICAL has one model, LOCAL's must be on the server. */
function modelExtras(type: string, holdsServerResources: boolean): Record<string, unknown> {
  if (type === 'LEXICAL') return { hint: `BM25 is LEXICAL's only model: ${BM25_MODEL}` };
  if (type !== 'LOCAL') return {};
  return {
    placeholder: 'cross-encoder/ms-marco-MiniLM-L-6-v2',
    hint: `An ONNX cross-encoder run by the service: registering it needs the USE_SERVER_RESOURCES permission${holdsServerResources ? '' : ' (this key does not hold it)'}, and the model's files in the server's MODELS_DIR (npm run models:pull), allowed by LOCAL_MODELS_ALLOWED.`,
  };
}

function providerOf(catalog: readonly ProviderInfo[], type: string): ProviderInfo {
  return catalog.find((p) => p.providerType === type) ?? catalog[0]!;
}

export function RerankerEditor({ rerankerId, catalog, onDone }: { rerankerId?: string; catalog: readonly ProviderInfo[]; onDone(path: string): void }) {
  const { permissions } = useSession();
  const [loaded, setLoaded] = useState<Loaded>();
  const [loadError, setLoadError] = useState<ApiError>();
  const [state, setState] = useState<RerankerFormState>(() => emptyForm(providerOf(catalog, 'COHERE')));
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<ApiError | string>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [probe, setProbe] = useState<Ping>();
  const [conflict, setConflict] = useState<Conflict>();
  const [inUse, setInUse] = useState<string[]>();
  const [pings, setPings] = useState<Array<Ping & { n: number }>>([]);
  const [pingCount, setPingCount] = useState('5');

  const provider = providerOf(catalog, state.providerType);
  const builtin = isBuiltin(provider);
  const editing = rerankerId !== undefined;
  const canSave = editing ? permissions.can('UPDATE', 'RERANKER') : permissions.can('CREATE', 'RERANKER');

  const load = async () => {
    if (!rerankerId) return;
    try {
      const { data, response } = await unwrap(api.GET('/v1/rerankers/{id}', { params: { path: { id: rerankerId } } }));
      const original = formFromReranker(data as unknown as StoredReranker, providerOf(catalog, data.providerType));
      setLoaded({ reranker: data, etag: response.headers.get('etag') ?? '', original });
      setState(original);
    } catch (error) {
      setLoadError(asApiError(error));
    }
  };
  useEffect(() => void load(), [rerankerId]);

  const set = <K extends keyof RerankerFormState>(key: K, value: RerankerFormState[K]) => {
    setState((s) => ({ ...s, [key]: value }));
    setSaved(undefined);
  };

  /** Shows an API error at the field it names; the typed values stay as they are. */
  const showError = (error: unknown) => {
    if (error instanceof FormProblem) {
      setErrors({ [error.field]: error.message });
      setFormError(undefined);
      return;
    }
    const apiError = asApiError(error);
    const { fields, form } = fieldErrorsOf(apiError, Object.keys(RERANKER_FIELDS));
    const mapped: Errors = {};
    for (const [path, message] of Object.entries(fields)) mapped[RERANKER_FIELDS[path]!] = message;
    setErrors(mapped);
    setFormError(form ? apiError : undefined);
  };

  const run = async (label: string, action: () => Promise<void>) => {
    setBusy(label);
    setErrors({});
    setFormError(undefined);
    try {
      await action();
    } catch (error) {
      showError(error);
    } finally {
      setBusy(undefined);
    }
  };

  const test = () =>
    run('Testing', async () => {
      setProbe(undefined);
      const result = editing
        ? await body(api.POST('/v1/rerankers/{id}/probe', { params: { path: { id: rerankerId } }, body: patchBody(loaded!.original, state, provider) as never }))
        : await body(api.POST('/v1/rerankers/probe', { body: createBody(state, provider) as never }));
      setProbe(result);
    });

  const save = (event: Event) => {
    event.preventDefault();
    void run('Saving', async () => {
      if (!editing) {
        const created = await body(api.POST('/v1/rerankers', { body: createBody(state, provider) as never }));
        onDone(`/console/rerankers/${created.rerankerId}`);
        return;
      }
      const changes = patchBody(loaded!.original, state, provider);
      if (Object.keys(changes).length === 0) {
        setSaved('Nothing changed.');
        return;
      }
      try {
        const { data, response } = await unwrap(
          api.PATCH('/v1/rerankers/{id}', { params: { path: { id: rerankerId } }, body: changes as never, headers: { 'if-match': loaded!.etag } }),
        );
        const original = formFromReranker(data as unknown as StoredReranker, provider);
        setLoaded({ reranker: data, etag: response.headers.get('etag') ?? '', original });
        setState(original);
        setConflict(undefined);
        setSaved(`Saved at ${formatTime(data.updatedAt)}.`);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'PRECONDITION_FAILED') {
          const { data, response } = await unwrap(api.GET('/v1/rerankers/{id}', { params: { path: { id: rerankerId } } }));
          const theirs = changedFields(loaded!.original, formFromReranker(data as unknown as StoredReranker, provider));
          setConflict({ current: data, etag: response.headers.get('etag') ?? '', theirs });
          return;
        }
        throw error;
      }
    });
  };

  /** Puts the user's edits on top of the version someone else saved; the next Save sends them with its ETag. */
  const keepMine = () => {
    if (!conflict || !loaded) return;
    const theirs = formFromReranker(conflict.current as unknown as StoredReranker, provider);
    setState(rebaseEdits(loaded.original, state, theirs));
    setLoaded({ reranker: conflict.current, etag: conflict.etag, original: theirs });
    setConflict(undefined);
  };

  const discardMine = () => {
    if (!conflict) return;
    const theirs = formFromReranker(conflict.current as unknown as StoredReranker, provider);
    setLoaded({ reranker: conflict.current, etag: conflict.etag, original: theirs });
    setState(theirs);
    setConflict(undefined);
  };

  const remove = (force: boolean) =>
    run('Deleting', async () => {
      try {
        await unwrap(api.DELETE('/v1/rerankers/{id}', { params: { path: { id: rerankerId! }, query: force ? { force: true } : {} } }));
        onDone('/console/rerankers');
      } catch (error) {
        if (error instanceof ApiError && error.code === 'IN_USE') {
          const aliases = Array.isArray(error.details?.aliases) ? (error.details.aliases as Array<{ name?: unknown }>) : [];
          setInUse(aliases.map((alias) => String(alias.name)));
          return;
        }
        throw error;
      }
    });

  const ping = () =>
    run('Pinging', async () => {
      const times = Math.min(20, Math.max(1, Number(pingCount) || 1));
      const results: Array<Ping & { n: number }> = [];
      setPings([]);
      for (let n = 1; n <= times; n++) {
        results.push({ ...(await body(api.POST('/v1/rerankers/{id}/ping', { params: { path: { id: rerankerId! } } }))), n });
        setPings([...results]);
      }
    });

  if (loadError) return <ErrorNotice error={loadError} title="Reranker" />;
  if (editing && !loaded) return <Loading what="the reranker" />;

  const credentialChoices = (['NONE', ...(editing && loaded?.reranker.credentials ? ['KEEP'] : []), 'API_KEY_INLINE', 'API_KEY_REF', 'GCP_ADC', 'AWS_KEYS', 'AWS_CHAIN'] as CredentialChoice[]).filter(
    (choice) =>
      choice === 'NONE' ||
      choice === 'KEEP' ||
      (choiceKinds(choice).some((kind) => provider.credentialKinds.includes(kind)) &&
        (choice !== 'API_KEY_REF' || permissions.has('USE_SECRET_REF')) &&
        (choice !== 'GCP_ADC' && choice !== 'AWS_CHAIN' ? true : permissions.has('USE_SERVER_IDENTITY'))),
  );
  const text = (key: keyof RerankerFormState, label: string, extra: Record<string, unknown> = {}) => (
    <TextField label={label} error={errors[key]} value={state[key] as string} onValue={(v) => set(key, v as never)} disabled={!canSave} {...extra} />
  );
  const stats = latencyStats(pings);

  return (
    <section>
      <div class="page-head">
        <h1>{editing ? `Reranker: ${loaded!.reranker.displayName}` : 'New reranker'}</h1>
        <a href="/console/rerankers">Back to the list</a>
      </div>
      {conflict && (
        <div class="notice notice-warning" role="alert">
          <p>
            <strong>Someone else changed this reranker</strong> after you opened it ({formatTime(conflict.current.updatedAt)}). Nothing was saved. Their changes:{' '}
            {conflict.theirs.length ? conflict.theirs.join(', ') : 'fields this form does not show'}.
          </p>
          <button type="button" onClick={keepMine}>
            Put my edits on top of theirs
          </button>{' '}
          <button type="button" onClick={discardMine}>
            Discard my edits
          </button>
        </div>
      )}
      <form onSubmit={save} class="form" aria-label="Reranker" noValidate>
        <fieldset>
          <legend>{builtin ? 'Ranker' : 'Upstream'}</legend>
          <Field label="Provider type" error={errors.providerType}>
            {(aria) => (
              <select
                {...aria}
                value={state.providerType}
                disabled={editing || !canSave}
                onChange={(e) => setState((s) => switchProvider(s, provider, providerOf(catalog, e.currentTarget.value)))}
              >
                {catalog.map((p) => (
                  <option key={p.providerType} value={p.providerType}>
                    {p.displayName}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {text('displayName', 'Display name', { required: true, maxLength: 255 })}
          {!builtin && text('endpointUrl', 'Endpoint URL', { required: true, type: 'url', placeholder: provider.defaultEndpointUrl ?? 'https://…', spellcheck: false })}
          {text('modelIdentifier', 'Model', { required: true, spellcheck: false, ...modelExtras(provider.providerType, permissions.has('USE_SERVER_RESOURCES')) })}
          {!builtin && text('apiPath', 'API path', { placeholder: apiPathFor(provider, state.modelIdentifier || '<model>'), spellcheck: false, hint: 'Empty: the provider default' })}
          {state.providerType === 'LEXICAL' && (
            <div class="row">
              {text('lexicalK1', 'BM25 k1', { inputMode: 'decimal', placeholder: '1.2', hint: `Term saturation, ${LEXICAL_RANGES.k1.min} to ${LEXICAL_RANGES.k1.max}; empty: Okapi's default, 1.2` })}
              {text('lexicalB', 'BM25 b', { inputMode: 'decimal', placeholder: '0.75', hint: `Length normalization, ${LEXICAL_RANGES.b.min} to ${LEXICAL_RANGES.b.max}; empty: Okapi's default, 0.75` })}
            </div>
          )}
          {text('description', 'Description')}
        </fieldset>
        {builtin ? (
          <p class="hint" data-testid="builtin-note">
            {provider.displayName} runs inside the service: no endpoint, API path or credential to give.
          </p>
        ) : (
          <fieldset>
            <legend>Credential</legend>
            <Field label="How the upstream is authenticated" error={errors.credential}>
              {(aria) => (
                <select {...aria} value={state.credential} disabled={!canSave} onChange={(e) => set('credential', e.currentTarget.value as CredentialChoice)}>
                  {credentialChoices.map((choice) => (
                    <option key={choice} value={choice}>
                      {CREDENTIAL_LABELS[choice]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {state.credential === 'KEEP' && loaded?.reranker.credentials && (
              <p class="hint">
                Stored: {loaded.reranker.credentials.kind.replace('CREDENTIAL_KIND_', '')}
                {loaded.reranker.credentials.apiKey?.secretHint ? ` ending ${loaded.reranker.credentials.apiKey.secretHint}` : ''}
                {loaded.reranker.credentials.apiKey?.secretRef ? ` from ${loaded.reranker.credentials.apiKey.secretRef.uri}` : ''}. The secret is never shown; choose another option to replace it.
              </p>
            )}
            {state.credential === 'API_KEY_INLINE' && text('inlineSecret', 'API key', { type: 'password', autoComplete: 'off', spellcheck: false })}
            {state.credential === 'API_KEY_REF' && text('secretRefUri', 'Secret reference', { placeholder: 'vault://secret/rerankers/cohere#api_key', spellcheck: false })}
            {(state.credential === 'API_KEY_INLINE' || state.credential === 'API_KEY_REF') && (
              <div class="row">
                {text('headerName', 'Header name')}
                {text('prefix', 'Value prefix', { hint: 'e.g. "Bearer " (with the space), or empty' })}
              </div>
            )}
            {state.credential === 'GCP_ADC' && (
              <div class="row">
                {text('gcpScopes', 'OAuth scopes', { hint: 'Space separated; empty: cloud-platform' })}
                {text('gcpQuotaProjectId', 'Quota project')}
              </div>
            )}
            {(state.credential === 'AWS_KEYS' || state.credential === 'AWS_CHAIN') && (
              <div class="row">
                {text('awsRegion', 'Region', { placeholder: 'us-east-1' })}
                {text('awsService', 'Signing service')}
              </div>
            )}
            {state.credential === 'AWS_KEYS' && (
              <div class="row">
                {text('awsAccessKeyId', 'Access key id', { autoComplete: 'off' })}
                {text('awsSecretAccessKey', 'Secret access key', { type: 'password', autoComplete: 'off' })}
                {text('awsSessionToken', 'Session token (temporary keys)', { type: 'password', autoComplete: 'off' })}
              </div>
            )}
          </fieldset>
        )}
        <fieldset>
          <legend>Calls</legend>
          <div class="row">
            {text('requestTimeoutMs', 'Timeout (ms)', { inputMode: 'numeric', placeholder: '30000' })}
            {text('maxDocumentsPerRequest', 'Documents per upstream request', { inputMode: 'numeric', placeholder: provider.maxDocumentsPerRequest === null ? 'all at once' : String(provider.maxDocumentsPerRequest) })}
            <Field label="Score normalization" error={errors.scoreNormalization}>
              {(aria) => (
                <select {...aria} value={state.scoreNormalization} disabled={!canSave} onChange={(e) => set('scoreNormalization', e.currentTarget.value as RerankerFormState['scoreNormalization'])}>
                  {!editing && <option value="">Default ({provider.defaultScoreNormalization})</option>}
                  <option value="NONE">NONE</option>
                  <option value="SIGMOID">SIGMOID</option>
                </select>
              )}
            </Field>
          </div>
          <Field label="Labels (key=value, one per line)" error={errors.labels}>
            {(aria) => <textarea {...aria} rows={3} value={state.labels} disabled={!canSave} onInput={(e) => set('labels', e.currentTarget.value)} />}
          </Field>
          {!editing && permissions.canAny('CREATE', 'RERANKER') && text('ownerId', 'Owner id', { placeholder: 'you', hint: 'Register it for another user' })}
        </fieldset>
        <fieldset>
          <legend>Pricing</legend>
          <div class="check">
            <input id="priced" type="checkbox" checked={state.priced} disabled={!canSave} onChange={(e) => set('priced', e.currentTarget.checked)} />
            <label for="priced">Priced (usage reports show cost)</label>
          </div>
          {state.priced && (
            <div class="row">
              {text('currency', 'Currency', { maxLength: 3 })}
              {text('perSearchUnit', 'Per search unit', { inputMode: 'decimal' })}
              {text('perMillionTokens', 'Per million tokens', { inputMode: 'decimal' })}
              {text('perRequest', 'Per request', { inputMode: 'decimal' })}
              {text('perThousandDocuments', 'Per thousand documents', { inputMode: 'decimal' })}
            </div>
          )}
        </fieldset>
        <ErrorNotice error={formError} />
        {saved && <Notice tone="success">{saved}</Notice>}
        {probe && (
          <div class={probe.ok ? 'notice notice-success' : 'notice notice-error'} role="status" data-testid="probe-result">
            Test {probe.ok ? 'passed' : 'failed'}: {probe.httpStatus !== null ? `HTTP ${probe.httpStatus}` : builtin ? 'ranked in the service' : 'no HTTP answer'}, {Math.round(probe.rttMs)} ms
            {probe.errorMessage ? ` — ${probe.errorMessage}` : ''}. Nothing was saved by the test.
          </div>
        )}
        {canSave && (
          <div class="actions">
            {permissions.can('PING', 'RERANKER') && (
              <button type="button" onClick={() => void test()} disabled={Boolean(busy)}>
                {busy === 'Testing' ? 'Testing…' : 'Test before saving'}
              </button>
            )}
            <button type="submit" class="primary" disabled={Boolean(busy)}>
              {busy === 'Saving' ? 'Saving…' : editing ? 'Save changes' : 'Create reranker'}
            </button>
          </div>
        )}
      </form>
      {editing && permissions.can('PING', 'RERANKER') && (
        <section aria-labelledby="ping-title" class="panel">
          <h2 id="ping-title">Ping the saved reranker</h2>
          <div class="row">
            <TextField label="Times" value={pingCount} onValue={setPingCount} inputMode="numeric" />
            <button type="button" onClick={() => void ping()} disabled={Boolean(busy)}>
              {busy === 'Pinging' ? 'Pinging…' : 'Ping'}
            </button>
          </div>
          {pings.length > 0 && (
            <table data-testid="ping-results">
              <caption>
                {stats ? `${stats.ok} of ${stats.count} ok · min ${stats.min.toFixed(1)} ms · median ${stats.median.toFixed(1)} ms · p95 ${stats.p95.toFixed(1)} ms · max ${stats.max.toFixed(1)} ms` : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Result</th>
                  <th scope="col">HTTP</th>
                  <th scope="col">Latency</th>
                </tr>
              </thead>
              <tbody>
                {pings.map((p) => (
                  <tr key={p.n}>
                    <td>{p.n}</td>
                    <td>{p.ok ? 'ok' : (p.errorMessage ?? 'failed')}</td>
                    <td>{p.httpStatus ?? '—'}</td>
                    <td>{p.rttMs.toFixed(1)} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {editing && permissions.can('DELETE', 'RERANKER') && (
        <section aria-labelledby="delete-title" class="panel danger">
          <h2 id="delete-title">Delete</h2>
          {inUse ? (
            <div role="alert">
              <p>
                Aliases route to this reranker: {inUse.length ? inUse.join(', ') : 'some you cannot see'}. Deleting it removes it from them.
              </p>
              <button type="button" class="danger" onClick={() => void remove(true)} disabled={Boolean(busy)}>
                Delete and remove it from these aliases
              </button>{' '}
              <button type="button" onClick={() => setInUse(undefined)}>
                Cancel
              </button>
            </div>
          ) : (
            <button type="button" class="danger" onClick={() => void remove(false)} disabled={Boolean(busy)}>
              Delete this reranker
            </button>
          )}
        </section>
      )}
    </section>
  );
}
