import { api, body, type Schemas } from '../api.js';
import { HealthBadge } from '../components/health-badge.js';
import { Badge, ErrorNotice, Loading } from '../components/ui.js';
import { asApiError, useLoad } from '../hooks.js';
import { useSession } from '../session.js';

const COUNT_PAGE = 100;
const DAY_MS = 86_400_000;

interface Overview {
  readiness?: Schemas['ReadinessResponse'];
  readinessError?: string;
  rerankers?: Schemas['RerankerResponse'][];
  rerankersMore: boolean;
  health: Map<string, Schemas['RerankerHealthResponse']>;
  aliases?: number;
  aliasesMore: boolean;
  keys?: Schemas['ApiKeyResponse'][];
  keysMore: boolean;
  callsLast30Days?: number;
}

/** Counts stop at one page (`100+`): the lists are keyset-paged, and a count of 100,000 rows is not worth a scan. */
function count(n: number | undefined, more: boolean): string {
  if (n === undefined) return '—';
  return more ? `${n}+` : String(n);
}

export function OverviewPage() {
  const { session, permissions } = useSession();
  const loaded = useLoad(async (): Promise<Overview> => {
    const overview: Overview = { rerankersMore: false, aliasesMore: false, keysMore: false, health: new Map() };
    const readiness = body(api.GET('/readyz')).then(
      (ready) => (overview.readiness = ready),
      (error: unknown) => (overview.readinessError = asApiError(error).message),
    );
    const rerankers = permissions.can('LIST', 'RERANKER')
      ? body(api.GET('/v1/rerankers', { params: { query: { pageSize: COUNT_PAGE } } })).then(async (page) => {
          overview.rerankers = page.rerankers;
          overview.rerankersMore = Boolean(page.nextToken);
          const ids = page.rerankers.slice(0, 20).map((r) => r.rerankerId);
          if (ids.length > 0) {
            const health = await body(api.GET('/v1/rerankers/health', { params: { query: { rerankerId: ids } } }));
            for (const item of health.rerankers) overview.health.set(item.rerankerId, item);
          }
        })
      : undefined;
    const aliases = permissions.can('LIST', 'ALIAS')
      ? body(api.GET('/v1/aliases', { params: { query: { pageSize: COUNT_PAGE } } })).then((page) => {
          overview.aliases = page.aliases.length;
          overview.aliasesMore = Boolean(page.nextToken);
        })
      : undefined;
    const keys = permissions.can('LIST', 'APIKEY')
      ? body(api.GET('/v1/apikeys', { params: { query: { pageSize: COUNT_PAGE } } })).then((page) => {
          overview.keys = page.apiKeys;
          overview.keysMore = Boolean(page.nextToken);
        })
      : undefined;
    const usage = permissions.can('READ', 'USAGE')
      ? body(api.GET('/v1/usage', { params: { query: { from: String(Date.now() - 30 * DAY_MS), granularity: 'day', groupBy: 'owner' } } })).then(
          (report) => (overview.callsLast30Days = report.buckets.reduce((sum, b) => sum + b.calls, 0)),
        )
      : undefined;
    await Promise.all([readiness, rerankers, aliases, keys, usage]);
    return overview;
  }, []);

  if (loaded.error) return <ErrorNotice error={loaded.error} title="Overview" />;
  const data = loaded.data;
  if (!data) return <Loading what="the overview" />;
  const appKeys = (data.keys ?? []).filter((k) => k.apiKeyId !== session.apiKeyId && k.revokedAt === null);
  const checklist: Array<[string, boolean | undefined, string]> = [
    ['The service is initialized', true, '/console/'],
    ['Register a reranker', data.rerankers === undefined ? undefined : data.rerankers.length > 0, '/console/rerankers/new'],
    ['Make a call (try the playground)', data.callsLast30Days === undefined ? undefined : data.callsLast30Days > 0, '/console/playground'],
    ['Create a key for an application', data.keys === undefined ? undefined : appKeys.length > 0, '/console/keys'],
    ['Name a route with an alias', data.aliases === undefined ? undefined : data.aliases > 0, '/console/aliases/new'],
  ];
  return (
    <section>
      <h1>Overview</h1>
      <div class="cards">
        <section class="card" aria-labelledby="health-title">
          <h2 id="health-title">Health</h2>
          <dl class="pairs">
            <dt>Database</dt>
            <dd>
              {data.readiness ? <Badge tone="ok">{`ready (${data.readiness.database})`}</Badge> : <Badge tone="bad">{data.readinessError ?? 'unknown'}</Badge>}
            </dd>
            <dt>Redis</dt>
            <dd>
              {!data.readiness || data.readiness.rateLimitStore === 'in-process' ? (
                <Badge tone="neutral">not configured (limits counted in process)</Badge>
              ) : (
                <Badge tone={data.readiness.rateLimitStore === 'up' ? 'ok' : 'bad'}>{data.readiness.rateLimitStore}</Badge>
              )}
            </dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="counts-title">
          <h2 id="counts-title">Counts</h2>
          <dl class="pairs">
            <dt>Rerankers</dt>
            <dd>{count(data.rerankers?.length, data.rerankersMore)}</dd>
            <dt>Aliases</dt>
            <dd>{count(data.aliases, data.aliasesMore)}</dd>
            <dt>API keys</dt>
            <dd>{count(data.keys?.length, data.keysMore)}</dd>
            <dt>Calls, last 30 days</dt>
            <dd>{data.callsLast30Days ?? '—'}</dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="checklist-title">
          <h2 id="checklist-title">Getting started</h2>
          <ul class="checklist">
            {checklist.map(([label, done, href]) => (
              <li key={label} class={done ? 'done' : ''}>
                <span aria-hidden="true">{done ? '✔' : done === undefined ? '·' : '○'}</span> {done ? label : <a href={href}>{label}</a>}
                <span class="visually-hidden">{done ? ' (done)' : done === undefined ? ' (not visible to this key)' : ' (to do)'}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
      {data.rerankers && data.rerankers.length > 0 && (
        <section aria-labelledby="last-probes">
          <h2 id="last-probes">Rerankers: last probe</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Reranker</th>
                <th scope="col">Provider</th>
                <th scope="col">Health</th>
              </tr>
            </thead>
            <tbody>
              {data.rerankers.slice(0, 20).map((r) => (
                <tr key={r.rerankerId}>
                  <td>
                    <a href={`/console/rerankers/${r.rerankerId}`}>{r.displayName}</a>
                  </td>
                  <td>{r.providerType}</td>
                  <td>
                    <HealthBadge health={data.health.get(r.rerankerId)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}
