import { useState } from 'preact/hooks';
import { api, body, type Schemas } from '../api.js';
import { StackedBarChart } from '../components/bar-chart.js';
import { ErrorNotice, Field, Loading, Notice, TextField, formatTime, shortId } from '../components/ui.js';
import { asApiError, useLoad } from '../hooks.js';
import { fieldErrorsOf, type ApiError } from '../lib/api-error.js';
import { toCsv } from '../lib/csv.js';
import { chartOf, currenciesOf, usageCsvRows, type GroupBy, type Metric } from '../lib/usage-series.js';
import { useSession } from '../session.js';

type Limits = Schemas['LimitsResponse'];
type LimitName = keyof Schemas['LimitValuesResponse'];
const LIMIT_NAMES: LimitName[] = ['requestsPerMinute', 'documentsPerMinute', 'concurrentCalls', 'monthlyDocuments', 'monthlyCost'];
const LIMIT_LABELS: Record<LimitName, string> = {
  requestsPerMinute: 'Calls per minute',
  documentsPerMinute: 'Documents per minute',
  concurrentCalls: 'Calls in flight',
  monthlyDocuments: 'Documents this month',
  monthlyCost: 'Cost this month',
};
const RANGES = { '24h': { ms: 86_400_000, granularity: 'hour' }, '7d': { ms: 7 * 86_400_000, granularity: 'hour' }, '30d': { ms: 30 * 86_400_000, granularity: 'day' }, '90d': { ms: 90 * 86_400_000, granularity: 'day' } } as const;

function LimitsTable({ limits, onSaved }: { limits: Limits; onSaved(limits: Limits): void }) {
  const { permissions } = useSession();
  const canSet = permissions.can('UPDATE', 'LIMITS');
  const [draft, setDraft] = useState<Record<LimitName, string>>(() => Object.fromEntries(LIMIT_NAMES.map((n) => [n, limits.overrides[n] === null ? '' : String(limits.overrides[n])])) as Record<LimitName, string>);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<ApiError>();
  const [saved, setSaved] = useState(false);
  const save = async (event: Event) => {
    event.preventDefault();
    setErrors({});
    setFormError(undefined);
    const changes: Record<string, number | string | null> = {};
    for (const name of LIMIT_NAMES) {
      const before = limits.overrides[name] === null ? '' : String(limits.overrides[name]);
      if (draft[name].trim() === before) continue;
      changes[name] = draft[name].trim() === '' ? null : name === 'monthlyCost' ? draft[name].trim() : Number(draft[name]);
    }
    try {
      const path = { params: { path: { id: limits.id } }, body: changes as never };
      const next = limits.subject === 'USER' ? await body(api.PUT('/v1/limits/users/{id}', path)) : await body(api.PUT('/v1/limits/apikeys/{id}', path));
      setSaved(true);
      onSaved(next);
    } catch (failure) {
      const error = asApiError(failure);
      const { fields, form } = fieldErrorsOf(error, LIMIT_NAMES);
      setErrors(fields);
      setFormError(form ? error : undefined);
    }
  };
  return (
    <form onSubmit={(e) => void save(e)} aria-label={`Limits of ${limits.subject === 'USER' ? 'the user' : 'the key'}`}>
      <table data-testid={`limits-${limits.subject.toLowerCase()}`}>
        <caption>
          {limits.subject === 'USER' ? 'User' : 'API key'} {shortId(limits.id)} · month {limits.month}
        </caption>
        <thead>
          <tr>
            <th scope="col">Limit</th>
            <th scope="col">In force</th>
            <th scope="col">Used</th>
            <th scope="col">Left</th>
            <th scope="col">Resets</th>
            <th scope="col">Override</th>
          </tr>
        </thead>
        <tbody>
          {LIMIT_NAMES.map((name) => {
            const usage = limits.usage[name];
            return (
              <tr key={name}>
                <th scope="row">{LIMIT_LABELS[name]}</th>
                <td>{limits.effective[name] === 0 ? 'unlimited' : limits.effective[name]}</td>
                <td>{usage.used}</td>
                <td>{usage.remaining ?? '—'}</td>
                <td>{formatTime(usage.resetsAt)}</td>
                <td>
                  {canSet ? (
                    <>
                      <input
                        class="narrow"
                        aria-label={`Override of ${LIMIT_LABELS[name]}`}
                        placeholder="default"
                        value={draft[name]}
                        aria-invalid={errors[name] ? 'true' : undefined}
                        aria-describedby={errors[name] ? `${limits.subject}-${name}-error` : undefined}
                        onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })}
                      />
                      {errors[name] && (
                        <p class="field-error" id={`${limits.subject}-${name}-error`}>
                          {errors[name]}
                        </p>
                      )}
                    </>
                  ) : limits.overrides[name] === null ? (
                    'default'
                  ) : (
                    String(limits.overrides[name])
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <ErrorNotice error={formError} />
      {saved && <Notice tone="success">Limits saved; in force from the next call.</Notice>}
      {canSet && (
        <div class="actions">
          <button type="submit">Save overrides</button> <span class="hint">Empty: the configured default; 0: unlimited.</span>
        </div>
      )}
    </form>
  );
}

function LimitsSection() {
  const { session, permissions } = useSession();
  const [userId, setUserId] = useState(session.user.userId);
  const [keyId, setKeyId] = useState(session.apiKeyId);
  const [applied, setApplied] = useState({ userId: session.user.userId, keyId: session.apiKeyId });
  const loaded = useLoad(async () => {
    const [user, key] = await Promise.all([
      body(api.GET('/v1/limits/users/{id}', { params: { path: { id: applied.userId } } })),
      applied.keyId ? body(api.GET('/v1/limits/apikeys/{id}', { params: { path: { id: applied.keyId } } })) : Promise.resolve(undefined),
    ]);
    return { user, key };
  }, [applied]);
  if (!permissions.can('READ', 'LIMITS')) return null;
  return (
    <section aria-labelledby="limits-title">
      <h2 id="limits-title">Limits</h2>
      <form
        class="filters"
        aria-label="Whose limits"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ userId: userId.trim(), keyId: keyId.trim() });
        }}
      >
        <TextField label="User id" value={userId} onValue={setUserId} spellcheck={false} />
        <TextField label="API key id" value={keyId} onValue={setKeyId} spellcheck={false} />
        <button type="submit">Show</button>
      </form>
      <ErrorNotice error={loaded.error} />
      {loaded.data ? (
        <div class="cards">
          <LimitsTable key={`u-${loaded.data.user.id}`} limits={loaded.data.user} onSaved={loaded.reload} />
          {loaded.data.key && <LimitsTable key={`k-${loaded.data.key.id}`} limits={loaded.data.key} onSaved={loaded.reload} />}
        </div>
      ) : (
        !loaded.error && <Loading what="limits" />
      )}
    </section>
  );
}

function UsageSection() {
  const { permissions } = useSession();
  const [range, setRange] = useState<keyof typeof RANGES>('24h');
  const [groupBy, setGroupBy] = useState<GroupBy>('reranker');
  const [metric, setMetric] = useState<Metric>('calls');
  const [ownerId, setOwnerId] = useState('');
  const [applied, setApplied] = useState('');
  const report = useLoad(async () => {
    const { ms, granularity } = RANGES[range];
    const to = Date.now();
    return body(api.GET('/v1/usage', { params: { query: { from: String(to - ms), to: String(to), granularity, groupBy, ...(applied ? { ownerId: applied } : {}) } } }));
  }, [range, groupBy, applied]);
  const [error, setError] = useState<string>();
  if (!permissions.can('READ', 'USAGE')) return null;
  const buckets = report.data?.buckets ?? [];
  const currency = currenciesOf(buckets)[0] ?? 'USD';
  const chart = chartOf(buckets, groupBy, metric, currency);
  const format = (value: number) => (metric === 'cost' ? `${value.toFixed(6).replace(/\.?0+$/, '')} ${currency}` : String(Math.round(value * 100) / 100));
  const download = () => {
    try {
      const { header, rows } = usageCsvRows(buckets, groupBy);
      const url = URL.createObjectURL(new Blob([toCsv(header, rows)], { type: 'text/csv' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `usage-${range}-by-${groupBy}.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <section aria-labelledby="usage-title">
      <h2 id="usage-title">Usage</h2>
      <form
        class="filters"
        aria-label="Usage report"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(ownerId.trim());
        }}
      >
        <Field label="Range">
          {(aria) => (
            <select {...aria} value={range} onChange={(e) => setRange(e.currentTarget.value as keyof typeof RANGES)}>
              <option value="24h">Last 24 hours</option>
              <option value="7d">Last 7 days</option>
              <option value="30d">Last 30 days</option>
              <option value="90d">Last 90 days</option>
            </select>
          )}
        </Field>
        <Field label="Group by">
          {(aria) => (
            <select {...aria} value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value as GroupBy)}>
              <option value="reranker">Reranker</option>
              <option value="alias">Alias</option>
              <option value="apiKey">API key</option>
              {permissions.canAny('READ', 'USAGE') && <option value="owner">User</option>}
            </select>
          )}
        </Field>
        <Field label="Measure">
          {(aria) => (
            <select {...aria} value={metric} onChange={(e) => setMetric(e.currentTarget.value as Metric)}>
              <option value="calls">Calls</option>
              <option value="documents">Documents</option>
              <option value="cost">Cost</option>
              <option value="errors">Errors</option>
            </select>
          )}
        </Field>
        {permissions.canAny('READ', 'USAGE') && <TextField label="Owner id" value={ownerId} onValue={setOwnerId} placeholder="everyone" spellcheck={false} />}
        <button type="submit">Show</button>
        <button type="button" onClick={download} disabled={buckets.length === 0}>
          Download CSV
        </button>
      </form>
      <ErrorNotice error={report.error ?? error} />
      {report.loading && !report.data ? (
        <Loading what="usage" />
      ) : (
        <>
          <StackedBarChart chart={chart} title={`${metric[0]!.toUpperCase()}${metric.slice(1)} by ${groupBy}`} format={format} labelOf={(g) => (g.length === 36 ? shortId(g) : g)} />
          <p class="hint">The report is written every few seconds: the latest calls may take a moment to show.</p>
          <details>
            <summary>Table</summary>
            <table data-testid="usage-table">
              <thead>
                <tr>
                  <th scope="col">Start</th>
                  <th scope="col">{groupBy}</th>
                  <th scope="col">Calls</th>
                  <th scope="col">Documents</th>
                  <th scope="col">Cost</th>
                  <th scope="col">Mean latency</th>
                </tr>
              </thead>
              <tbody>
                {buckets.map((b, i) => (
                  <tr key={i}>
                    <td>{formatTime(b.start)}</td>
                    <td class="mono">{(groupBy === 'reranker' ? b.rerankerId : groupBy === 'alias' ? b.alias : groupBy === 'apiKey' ? b.apiKeyId : b.ownerId) ?? '—'}</td>
                    <td>{b.calls}</td>
                    <td>{b.documents}</td>
                    <td>{b.cost.map((c) => `${c.amount} ${c.currency}`).join(', ') || '—'}</td>
                    <td>{b.latencyMsAvg.toFixed(1)} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}

export function UsagePage() {
  return (
    <section>
      <h1>Limits and usage</h1>
      <LimitsSection />
      <UsageSection />
    </section>
  );
}
