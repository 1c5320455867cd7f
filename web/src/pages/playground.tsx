import { useState } from 'preact/hooks';
import { api, unwrap, type Schemas } from '../api.js';
import { ErrorNotice, Field, TextField } from '../components/ui.js';
import { asApiError, useLoad } from '../hooks.js';
import type { ApiError } from '../lib/api-error.js';
import { compare, movedLabel, rankAgreement, type ComparisonRow, type SideCell } from '../lib/compare.js';
import { SAMPLES, documentText, parseDocuments, type PlaygroundDocument } from '../lib/documents.js';
import { useSession } from '../session.js';

type RerankResponse = Schemas['RerankResponse'];

interface Target {
  kind: 'reranker' | 'alias';
  value: string;
}

interface SideResult {
  readonly response?: RerankResponse;
  readonly error?: ApiError;
  /** Round trip seen by the browser, in ms. */
  readonly wallMs: number;
}

const OPTION_PAGE = 100;

async function rerank(target: Target, query: string, documents: PlaygroundDocument[], topN: number | undefined): Promise<SideResult> {
  const started = performance.now();
  const payload = { query, documents, returnDocuments: false, ...(topN ? { topN } : {}) };
  try {
    const { data } =
      target.kind === 'reranker'
        ? await unwrap(api.POST('/v1/rerankers/{id}/rerank', { params: { path: { id: target.value.trim() } }, body: payload as never }))
        : await unwrap(api.POST('/v1/aliases/{name}/rerank', { params: { path: { name: target.value.trim() } }, body: payload as never }));
    return { response: data as RerankResponse, wallMs: performance.now() - started };
  } catch (error) {
    return { error: asApiError(error), wallMs: performance.now() - started };
  }
}

function TargetPicker({ id, legend, target, onChange, rerankers, aliases, optional }: {
  id: string;
  legend: string;
  target: Target;
  onChange(target: Target): void;
  rerankers: ReadonlyArray<{ rerankerId: string; displayName: string }>;
  aliases: ReadonlyArray<{ name: string }>;
  optional?: boolean;
}) {
  return (
    <fieldset class="target">
      <legend>{legend}</legend>
      <div class="row">
        <Field label="Kind">
          {(aria) => (
            <select {...aria} value={target.kind} onChange={(e) => onChange({ kind: e.currentTarget.value as Target['kind'], value: '' })}>
              <option value="reranker">Reranker</option>
              <option value="alias">Alias</option>
            </select>
          )}
        </Field>
        <Field label={target.kind === 'reranker' ? 'Reranker' : 'Alias name'} hint={optional ? 'Leave empty to run A alone' : undefined}>
          {(aria) => (
            <>
              <input {...aria} list={`${id}-options`} value={target.value} onInput={(e) => onChange({ ...target, value: e.currentTarget.value })} spellcheck={false} placeholder={target.kind === 'reranker' ? 'reranker id' : 'alias name'} />
              <datalist id={`${id}-options`}>
                {target.kind === 'reranker'
                  ? rerankers.map((r) => <option key={r.rerankerId} value={r.rerankerId} label={r.displayName} />)
                  : aliases.map((a) => <option key={a.name} value={a.name} />)}
              </datalist>
            </>
          )}
        </Field>
      </div>
    </fieldset>
  );
}

function Bar({ cell, side }: { cell?: SideCell; side: 'a' | 'b' }) {
  if (!cell) return <span class="muted">not returned</span>;
  return (
    <span class="score">
      <svg class={`bar bar-${side}`} viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" data-bar={cell.bar.toFixed(4)}>
        <rect width={Math.max(0.5, cell.bar * 100)} height="10" />
      </svg>
      <span>
        #{cell.rank} · {cell.score.toFixed(4)}
      </span>
    </span>
  );
}

function MetaLine({ label, side }: { label: string; side?: SideResult }) {
  if (!side) return null;
  if (side.error) return <ErrorNotice error={side.error} title={label} />;
  const meta = side.response!.meta;
  const cost = meta.cost?.map((c) => `${c.amount} ${c.currency}`).join(' + ');
  return (
    <dl class="pairs meta" data-testid={`meta-${label.toLowerCase()}`}>
      <dt>{label} served by</dt>
      <dd class="mono">
        {meta.servedBy} ({meta.providerType}){meta.alias ? ` via alias ${meta.alias}` : ''}
        {meta.degraded ? ' — degraded to lexical' : ''}
      </dd>
      <dt>Latency</dt>
      <dd>
        upstream {meta.upstreamLatencyMs.toFixed(1)} ms · round trip {side.wallMs.toFixed(1)} ms · {meta.upstreamRequests} upstream request{meta.upstreamRequests === 1 ? '' : 's'}
      </dd>
      <dt>Cost</dt>
      <dd>{cost || 'unpriced'}</dd>
      {meta.attempts.length > 1 && (
        <>
          <dt>Attempts</dt>
          <dd>{meta.attempts.map((a) => `${a.rerankerId.slice(0, 8)}: ${a.outcome}`).join(' → ')}</dd>
        </>
      )}
    </dl>
  );
}

export function PlaygroundPage() {
  const { permissions } = useSession();
  const options = useLoad(async () => {
    const [rerankers, aliases] = await Promise.all([
      permissions.can('LIST', 'RERANKER') ? unwrap(api.GET('/v1/rerankers', { params: { query: { pageSize: OPTION_PAGE } } })).then((r) => r.data.rerankers) : [],
      permissions.can('LIST', 'ALIAS') ? unwrap(api.GET('/v1/aliases', { params: { query: { pageSize: OPTION_PAGE } } })).then((r) => r.data.aliases) : [],
    ]);
    return { rerankers, aliases };
  }, []);
  const [a, setA] = useState<Target>({ kind: 'reranker', value: '' });
  const [b, setB] = useState<Target>({ kind: 'reranker', value: '' });
  const [query, setQuery] = useState(SAMPLES[0]!.query);
  const [documentsText, setDocumentsText] = useState(SAMPLES[0]!.documents.join('\n'));
  const [topN, setTopN] = useState('');
  const [inputError, setInputError] = useState<string>();
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<{ documents: PlaygroundDocument[]; a: SideResult; b?: SideResult; rows: ComparisonRow[] }>();

  const run = async (event: Event) => {
    event.preventDefault();
    let documents: PlaygroundDocument[];
    try {
      documents = parseDocuments(documentsText);
    } catch (error) {
      setInputError((error as Error).message);
      return;
    }
    if (!a.value.trim()) {
      setInputError('Choose a reranker or an alias for A');
      return;
    }
    setInputError(undefined);
    setRunning(true);
    const n = topN.trim() ? Number(topN) : undefined;
    const [sideA, sideB] = await Promise.all([rerank(a, query, documents, n), b.value.trim() ? rerank(b, query, documents, n) : Promise.resolve(undefined)]);
    const rows = compare(sideA.response?.results ?? [], sideB?.response?.results);
    setResult({ documents, a: sideA, b: sideB, rows });
    setRunning(false);
  };

  const agreement = result?.b?.response && result.a.response ? rankAgreement(result.rows) : undefined;
  const rerankers = options.data?.rerankers ?? [];
  const aliases = options.data?.aliases ?? [];
  return (
    <section>
      <h1>Playground</h1>
      <p>Rank the same candidates with one reranker or alias, or with two side by side.</p>
      <form onSubmit={(e) => void run(e)} class="form" aria-label="Playground">
        <div class="row">
          <TargetPicker id="target-a" legend="A" target={a} onChange={setA} rerankers={rerankers} aliases={aliases} />
          <TargetPicker id="target-b" legend="B (compare with)" target={b} onChange={setB} rerankers={rerankers} aliases={aliases} optional />
        </div>
        <Field label="Sample">
          {(aria) => (
            <select
              {...aria}
              onChange={(e) => {
                const sample = SAMPLES[Number(e.currentTarget.value)];
                if (!sample) return;
                setQuery(sample.query);
                setDocumentsText(sample.documents.join('\n'));
              }}
            >
              {SAMPLES.map((s, i) => (
                <option key={s.name} value={i}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField label="Query" value={query} onValue={setQuery} required />
        <Field label="Documents (one per line, or a JSON array)" error={inputError}>
          {(aria) => <textarea {...aria} rows={8} value={documentsText} onInput={(e) => setDocumentsText(e.currentTarget.value)} />}
        </Field>
        <TextField label="Top N (optional)" value={topN} onValue={setTopN} inputMode="numeric" />
        <div class="actions">
          <button type="submit" class="primary" disabled={running}>
            {running ? 'Running…' : b.value.trim() ? 'Run A vs B' : 'Run'}
          </button>
        </div>
      </form>
      {result && (
        <section aria-labelledby="results-title" data-testid="playground-results">
          <h2 id="results-title">Results</h2>
          <div class="row">
            <MetaLine label="A" side={result.a} />
            <MetaLine label="B" side={result.b} />
          </div>
          {agreement !== undefined && <p>Order agreement (Kendall tau over documents both returned): {agreement.toFixed(2)}</p>}
          <table class="comparison">
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col">A: rank · score</th>
                {result.b && <th scope="col">B: rank · score</th>}
                {result.b && <th scope="col">A → B</th>}
              </tr>
            </thead>
            <tbody>
              {result.rows.map((row) => (
                <tr key={row.index} data-index={row.index}>
                  <td>{documentText(result.documents[row.index])}</td>
                  <td>
                    <Bar cell={row.a} side="a" />
                  </td>
                  {result.b && (
                    <td>
                      <Bar cell={row.b} side="b" />
                    </td>
                  )}
                  {result.b && <td class={row.moved && row.moved > 0 ? 'up' : row.moved && row.moved < 0 ? 'down' : ''}>{movedLabel(row.moved)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}
