import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso/router';
import { api, body, type Schemas } from '../api.js';
import { HealthBadge } from '../components/health-badge.js';
import { ErrorNotice, Loading, Pager, formatTime } from '../components/ui.js';
import { useLoad, usePaging } from '../hooks.js';
import { parseLabels } from '../lib/labels.js';
import type { ProviderInfo } from '../lib/reranker-form.js';
import { useSession } from '../session.js';
import { RerankerEditor } from './reranker-editor.js';

const PAGE_SIZE = 25;

/** `label.<key>` filters, as the list route takes them. */
function labelQuery(text: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(parseLabels(text.replace(/,/g, '\n')))) query[`label.${key}`] = value;
  return query;
}

export function useProviderCatalog() {
  return useLoad(async () => (await body(api.GET('/v1/providers'))).providers as ProviderInfo[], []);
}

export function RerankersPage() {
  const { permissions } = useSession();
  const catalog = useProviderCatalog();
  const [providerType, setProviderType] = useState('');
  const [labels, setLabels] = useState('');
  const [ownerId, setOwnerId] = useState('');
  const [applied, setApplied] = useState({ providerType: '', labels: '', ownerId: '' });
  const [filterError, setFilterError] = useState<string>();
  const paging = usePaging(JSON.stringify(applied));
  const page = useLoad(async () => {
    const query = {
      pageSize: PAGE_SIZE,
      ...(paging.token ? { nextToken: paging.token } : {}),
      ...(applied.providerType ? { providerType: applied.providerType as Schemas['ProviderType'] } : {}),
      ...(applied.ownerId ? { ownerId: applied.ownerId } : {}),
      ...labelQuery(applied.labels),
    };
    const result = await body(api.GET('/v1/rerankers', { params: { query } }));
    const ids = result.rerankers.map((r) => r.rerankerId);
    const health = ids.length ? (await body(api.GET('/v1/rerankers/health', { params: { query: { rerankerId: ids } } }))).rerankers : [];
    return { ...result, health: new Map(health.map((h) => [h.rerankerId, h])) };
  }, [paging.token, applied]);

  const apply = (event: Event) => {
    event.preventDefault();
    try {
      labelQuery(labels);
      setFilterError(undefined);
      setApplied({ providerType, labels, ownerId: ownerId.trim() });
    } catch (error) {
      setFilterError(`Label filter: ${(error as Error).message}`);
    }
  };

  return (
    <section>
      <div class="page-head">
        <h1>Rerankers</h1>
        {permissions.can('CREATE', 'RERANKER') && (
          <a class="button primary" href="/console/rerankers/new">
            New reranker
          </a>
        )}
      </div>
      <form class="filters" onSubmit={apply} aria-label="Filter rerankers">
        <div class="field">
          <label for="filter-provider">Provider</label>
          <select id="filter-provider" value={providerType} onChange={(e) => setProviderType(e.currentTarget.value)}>
            <option value="">Any</option>
            {(catalog.data ?? []).map((p) => (
              <option key={p.providerType} value={p.providerType}>
                {p.displayName}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-labels">Labels (key=value, comma separated)</label>
          <input id="filter-labels" value={labels} onInput={(e) => setLabels(e.currentTarget.value)} placeholder="env=prod" aria-describedby={filterError ? 'filter-error' : undefined} />
        </div>
        {permissions.canAny('LIST', 'RERANKER') && (
          <div class="field">
            <label for="filter-owner">Owner id</label>
            <input id="filter-owner" value={ownerId} onInput={(e) => setOwnerId(e.currentTarget.value)} placeholder="everyone" />
          </div>
        )}
        <button type="submit">Filter</button>
      </form>
      {filterError && (
        <p class="field-error" id="filter-error" role="alert">
          {filterError}
        </p>
      )}
      <ErrorNotice error={page.error} />
      {page.loading && !page.data ? (
        <Loading what="rerankers" />
      ) : (
        page.data && (
          <>
            <table>
              <caption class="visually-hidden">Rerankers, page {paging.page}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Model</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Labels</th>
                  <th scope="col">Health</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {page.data.rerankers.length === 0 && (
                  <tr>
                    <td colSpan={7}>No rerankers{applied.providerType || applied.labels ? ' match these filters' : ' yet'}.</td>
                  </tr>
                )}
                {page.data.rerankers.map((r) => (
                  <tr key={r.rerankerId}>
                    <td>
                      <a href={`/console/rerankers/${r.rerankerId}`}>{r.displayName}</a>
                    </td>
                    <td>{r.providerType}</td>
                    <td>{r.modelIdentifier}</td>
                    {/* Built-in types (LEXICAL, LOCAL) have no endpoint: they run inside the service. */}
                    <td class={r.endpointUrl === null ? undefined : 'mono'}>{r.endpointUrl === null ? 'built in' : `${r.endpointUrl}${r.apiPath ?? ''}`}</td>
                    <td>
                      {Object.entries(r.labels).map(([k, v]) => (
                        <span key={k} class="tag">
                          {k}={v}
                        </span>
                      ))}
                    </td>
                    <td>
                      <HealthBadge health={page.data!.health.get(r.rerankerId)} />
                    </td>
                    <td>{formatTime(r.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager page={paging.page} hasNext={Boolean(page.data.nextToken)} onNext={() => paging.next(page.data!.nextToken!)} onPrevious={paging.previous} />
          </>
        )
      )}
    </section>
  );
}

export function RerankerEditPage() {
  const { params } = useRoute();
  const location = useLocation();
  const catalog = useProviderCatalog();
  if (catalog.error) return <ErrorNotice error={catalog.error} title="Provider catalog" />;
  if (!catalog.data) return <Loading what="the providers" />;
  return <RerankerEditor key={params.id ?? 'new'} rerankerId={params.id} catalog={catalog.data} onDone={(path) => location.route(path)} />;
}
