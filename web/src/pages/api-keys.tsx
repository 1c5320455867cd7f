import { useState } from 'preact/hooks';
import { api, body, unwrap, type Schemas } from '../api.js';
import { ErrorNotice, Field, Loading, Notice, Pager, TextField, formatTime } from '../components/ui.js';
import { asApiError, useLoad, usePaging } from '../hooks.js';
import { fieldErrorsOf, type ApiError } from '../lib/api-error.js';
import { parseLabels } from '../lib/labels.js';
import { useSession } from '../session.js';

type Permission = Schemas['Permission'];
const PAGE_SIZE = 25;
const KEY_FIELDS = ['userId', 'labels', 'expiresAt', 'defaultModel', 'scopes', 'scopes.permissions', 'scopes.rerankerIds', 'scopes.aliases'];

function list(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function CreateKey({ onCreated }: { onCreated(): void }) {
  const { session, permissions } = useSession();
  const [userId, setUserId] = useState('');
  const [labels, setLabels] = useState('');
  const [expires, setExpires] = useState('');
  const [defaultModel, setDefaultModel] = useState('');
  const [scoped, setScoped] = useState(false);
  const [chosen, setChosen] = useState<Set<Permission>>(new Set());
  const [rerankerIds, setRerankerIds] = useState('');
  const [aliases, setAliases] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<ApiError>();
  const [raw, setRaw] = useState<{ key: string; prefix: string }>();
  const [copied, setCopied] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setErrors({});
    setFormError(undefined);
    let parsedLabels: Record<string, string>;
    try {
      parsedLabels = parseLabels(labels);
    } catch (error) {
      setErrors({ labels: `labels: ${(error as Error).message}` });
      return;
    }
    const request: Record<string, unknown> = { labels: parsedLabels };
    if (userId.trim()) request.userId = userId.trim();
    if (expires) request.expiresAt = new Date(expires).getTime();
    if (defaultModel.trim()) request.defaultModel = defaultModel.trim();
    if (scoped) {
      request.scopes = {
        permissions: [...chosen],
        ...(rerankerIds.trim() ? { rerankerIds: list(rerankerIds) } : {}),
        ...(aliases.trim() ? { aliases: list(aliases) } : {}),
      };
    }
    try {
      const created = await body(api.POST('/v1/apikeys', { body: request as never }));
      setRaw({ key: created.rawApiKey, prefix: created.apiKey.keyPrefix });
      setCopied(false);
      onCreated();
    } catch (failure) {
      const error = asApiError(failure);
      const { fields, form } = fieldErrorsOf(error, KEY_FIELDS);
      setErrors(fields);
      setFormError(form ? error : undefined);
    }
  };

  const copy = async () => {
    await navigator.clipboard.writeText(raw!.key);
    setCopied(true);
  };

  return (
    <section class="panel" aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create a key</h2>
      {raw && (
        <div class="notice notice-success" role="status" data-testid="raw-key">
          <p>
            <strong>Copy the key now: it is shown only this once.</strong>
          </p>
          <p class="row">
            <code class="secret">{raw.key}</code>
            <button type="button" onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button type="button" onClick={() => setRaw(undefined)}>
              Done
            </button>
          </p>
        </div>
      )}
      <form class="form" onSubmit={(e) => void submit(e)} aria-label="Create a key" noValidate>
        <div class="row">
          {permissions.canAny('CREATE', 'APIKEY') && <TextField label="For user id" value={userId} onValue={setUserId} placeholder="yourself" error={errors.userId} spellcheck={false} />}
          <TextField label="Expires (UTC)" type="datetime-local" value={expires} onValue={setExpires} error={errors.expiresAt} />
          <TextField
            label="Default model (reranker id or alias)"
            value={defaultModel}
            onValue={setDefaultModel}
            placeholder="none: calls must name a model"
            error={errors.defaultModel}
            spellcheck={false}
          />
        </div>
        <Field label="Labels (key=value, one per line)" error={errors.labels}>
          {(aria) => <textarea {...aria} rows={2} value={labels} onInput={(e) => setLabels(e.currentTarget.value)} placeholder="app=search-prod" />}
        </Field>
        <div class="check">
          <input id="scoped" type="checkbox" checked={scoped} onChange={(e) => setScoped(e.currentTarget.checked)} />
          <label for="scoped">Narrow this key (scopes cannot be changed later)</label>
        </div>
        {scoped && (
          <fieldset>
            <legend>Scopes</legend>
            {errors['scopes.permissions'] && <p class="field-error">{errors['scopes.permissions']}</p>}
            <div class="permission-grid">
              {session.permissions.map((permission) => (
                <div class="check" key={permission}>
                  <input
                    id={`perm-${permission}`}
                    type="checkbox"
                    checked={chosen.has(permission)}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if (e.currentTarget.checked) next.add(permission);
                      else next.delete(permission);
                      setChosen(next);
                    }}
                  />
                  <label for={`perm-${permission}`}>{permission}</label>
                </div>
              ))}
            </div>
            <TextField label="Only these reranker ids (empty: any)" value={rerankerIds} onValue={setRerankerIds} error={errors['scopes.rerankerIds']} spellcheck={false} />
            <TextField label="Only these aliases (empty: any)" value={aliases} onValue={setAliases} error={errors['scopes.aliases']} spellcheck={false} />
          </fieldset>
        )}
        <ErrorNotice error={formError} />
        <div class="actions">
          <button type="submit" class="primary">
            Create key
          </button>
        </div>
      </form>
    </section>
  );
}

export function ApiKeysPage() {
  const { session, permissions } = useSession();
  const [userFilter, setUserFilter] = useState('');
  const [applied, setApplied] = useState('');
  const paging = usePaging(applied);
  const [revokeError, setRevokeError] = useState<ApiError>();
  const [revoked, setRevoked] = useState<string>();
  const page = useLoad(
    () =>
      body(
        api.GET('/v1/apikeys', {
          params: { query: { pageSize: PAGE_SIZE, ...(paging.token ? { nextToken: paging.token } : {}), ...(applied ? { userId: applied } : {}) } },
        }),
      ),
    [paging.token, applied],
  );
  const revoke = async (id: string, prefix: string) => {
    if (!window.confirm(`Revoke key ${prefix}? Applications using it stop at once.`)) return;
    try {
      await unwrap(api.DELETE('/v1/apikeys/{id}', { params: { path: { id } } }));
      setRevoked(`Key ${prefix} revoked.`);
      page.reload();
    } catch (error) {
      setRevokeError(asApiError(error));
    }
  };
  return (
    <section>
      <h1>API keys</h1>
      {permissions.can('CREATE', 'APIKEY') && <CreateKey onCreated={page.reload} />}
      <h2>Keys</h2>
      {permissions.canAny('LIST', 'APIKEY') && (
        <form
          class="filters"
          aria-label="Filter keys"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied(userFilter.trim());
          }}
        >
          <TextField label="User id" value={userFilter} onValue={setUserFilter} placeholder="yours" />
          <button type="submit">Show</button>
        </form>
      )}
      <ErrorNotice error={page.error ?? revokeError} />
      {revoked && <Notice tone="success">{revoked}</Notice>}
      {!page.data ? (
        !page.error && <Loading what="keys" />
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Labels</th>
                <th scope="col">Scopes</th>
                <th scope="col">Default model</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.apiKeys.map((key) => (
                <tr key={key.apiKeyId}>
                  <td class="mono">
                    {key.keyPrefix}
                    {key.apiKeyId === session.apiKeyId ? ' (this session)' : ''}
                  </td>
                  <td>
                    {Object.entries(key.labels).map(([k, v]) => (
                      <span key={k} class="tag">
                        {k}={v}
                      </span>
                    ))}
                  </td>
                  <td>
                    {key.scopes.permissions === null && key.scopes.rerankerIds === null && key.scopes.aliases === null
                      ? 'whole role'
                      : [
                          key.scopes.permissions ? `${key.scopes.permissions.length} permissions` : '',
                          key.scopes.rerankerIds ? `${key.scopes.rerankerIds.length} rerankers` : '',
                          key.scopes.aliases ? `aliases: ${key.scopes.aliases.join(', ') || 'none'}` : '',
                        ]
                          .filter(Boolean)
                          .join(' · ')}
                  </td>
                  <td class="mono">{key.defaultModel ?? '—'}</td>
                  <td>{formatTime(key.expiresAt)}</td>
                  <td>{formatTime(key.lastUsedAt)}</td>
                  <td>{key.revokedAt ? `revoked ${formatTime(key.revokedAt)}` : key.expiresAt && key.expiresAt < Date.now() ? 'expired' : 'active'}</td>
                  <td>
                    {!key.revokedAt && permissions.can('DELETE', 'APIKEY') && (
                      <button type="button" class="danger" onClick={() => void revoke(key.apiKeyId, key.keyPrefix)} aria-label={`Revoke ${key.keyPrefix}`}>
                        Revoke
                      </button>
                    )}
                  </td>
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
