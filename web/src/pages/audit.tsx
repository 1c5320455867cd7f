import { useState } from 'preact/hooks';
import { api, body, type Schemas } from '../api.js';
import { ErrorNotice, Field, Loading, Pager, TextField, formatTime, shortId } from '../components/ui.js';
import { useLoad, usePaging } from '../hooks.js';
import { diffRows } from '../lib/audit-diff.js';

type AuditEvent = Schemas['AuditEventResponse'];
const PAGE_SIZE = 50;
const ACTIONS: AuditEvent['action'][] = [
  'system.init',
  'user.create',
  'user.update',
  'apikey.create',
  'apikey.revoke',
  'reranker.create',
  'reranker.update',
  'reranker.delete',
  'alias.create',
  'alias.update',
  'alias.delete',
  'secrets.rotate',
  'limits.update',
];
const TARGET_TYPES: AuditEvent['targetType'][] = ['system', 'user', 'apikey', 'reranker', 'alias'];

interface Filters {
  actorUserId: string;
  targetType: string;
  targetId: string;
  action: string;
  from: string;
  to: string;
}

function DiffTable({ event }: { event: AuditEvent }) {
  const rows = diffRows(event.diff.before, event.diff.after);
  if (rows.length === 0) return <p>No field changed.</p>;
  return (
    <table class="diff" data-testid="audit-diff">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.path} class={`diff-${row.kind}`}>
            <th scope="row" class="mono">
              {row.path}
            </th>
            {row.kind === 'secret' ? (
              <td colSpan={2}>
                <em>secret changed (never shown)</em>
              </td>
            ) : (
              <>
                <td class="mono">{row.before ?? '—'}</td>
                <td class="mono">{row.after ?? '—'}</td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AuditPage() {
  const empty: Filters = { actorUserId: '', targetType: '', targetId: '', action: '', from: '', to: '' };
  const [draft, setDraft] = useState<Filters>(empty);
  const [applied, setApplied] = useState<Filters>(empty);
  const paging = usePaging(JSON.stringify(applied));
  const page = useLoad(() => {
    const query: Record<string, string | number> = { pageSize: PAGE_SIZE };
    if (paging.token) query.nextToken = paging.token;
    if (applied.actorUserId) query.actorUserId = applied.actorUserId;
    if (applied.targetType) query.targetType = applied.targetType;
    if (applied.targetId) query.targetId = applied.targetId;
    if (applied.action) query.action = applied.action;
    if (applied.from) query.from = new Date(applied.from).getTime();
    if (applied.to) query.to = new Date(applied.to).getTime();
    return body(api.GET('/v1/audit-events', { params: { query: query as never } }));
  }, [paging.token, applied]);
  const set = (key: keyof Filters) => (value: string) => setDraft({ ...draft, [key]: value });
  return (
    <section>
      <h1>Audit log</h1>
      <form
        class="filters"
        aria-label="Filter events"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ ...draft, actorUserId: draft.actorUserId.trim(), targetId: draft.targetId.trim() });
        }}
      >
        <TextField label="Actor user id" value={draft.actorUserId} onValue={set('actorUserId')} spellcheck={false} />
        <Field label="Target type">
          {(aria) => (
            <select {...aria} value={draft.targetType} onChange={(e) => set('targetType')(e.currentTarget.value)}>
              <option value="">Any</option>
              {TARGET_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField label="Target id" value={draft.targetId} onValue={set('targetId')} spellcheck={false} />
        <Field label="Action">
          {(aria) => (
            <select {...aria} value={draft.action} onChange={(e) => set('action')(e.currentTarget.value)}>
              <option value="">Any</option>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField label="From (UTC)" type="datetime-local" value={draft.from} onValue={set('from')} />
        <TextField label="To (UTC)" type="datetime-local" value={draft.to} onValue={set('to')} />
        <button type="submit">Filter</button>
      </form>
      <ErrorNotice error={page.error} />
      {!page.data ? (
        !page.error && <Loading what="events" />
      ) : (
        <>
          {page.data.auditEvents.length === 0 && <p>No events match.</p>}
          <ol class="events">
            {page.data.auditEvents.map((event) => (
              <li key={event.auditEventId}>
                <details>
                  <summary>
                    <span class="mono">{formatTime(event.occurredAt)}</span> · <strong>{event.action}</strong> · {event.targetType} {shortId(event.targetId)} · by{' '}
                    {event.actorUserId ? shortId(event.actorUserId) : 'the system'}
                  </summary>
                  <dl class="pairs">
                    <dt>Target</dt>
                    <dd class="mono">{event.targetId ?? '—'}</dd>
                    <dt>Owner</dt>
                    <dd class="mono">{event.targetOwnerId ?? '—'}</dd>
                    <dt>Actor</dt>
                    <dd class="mono">
                      {event.actorUserId ?? '—'}
                      {event.actorApiKeyId ? ` with key ${event.actorApiKeyId}` : ''}
                    </dd>
                    <dt>Request</dt>
                    <dd class="mono">
                      {event.requestId ?? '—'}
                      {event.clientAddress ? ` from ${event.clientAddress}` : ''}
                    </dd>
                  </dl>
                  <DiffTable event={event} />
                </details>
              </li>
            ))}
          </ol>
          <Pager page={paging.page} hasNext={Boolean(page.data.nextToken)} onNext={() => paging.next(page.data!.nextToken!)} onPrevious={paging.previous} />
        </>
      )}
    </section>
  );
}
