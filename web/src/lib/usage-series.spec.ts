import { chartOf, errorsOf, usageCsvRows } from './usage-series.js';

const bucket = (start: number, rerankerId: string | null, calls: number, extra: Partial<{ outcomes: Record<string, number>; cost: Array<{ currency: string; amount: string }> }> = {}) => ({
  start,
  rerankerId,
  calls,
  documents: calls * 10,
  outcomes: extra.outcomes ?? { ok: calls },
  cost: extra.cost ?? [],
  latencyMsAvg: 12.5,
});

describe('usage series', () => {
  const buckets = [bucket(1000, 'a', 2), bucket(1000, 'b', 5, { outcomes: { ok: 3, upstream_timeout: 2 } }), bucket(2000, 'a', 1, { cost: [{ currency: 'USD', amount: '0.25' }] }), bucket(2000, null, 1)];

  it('makes one series per group over every bucket start, biggest first', () => {
    const chart = chartOf(buckets, 'reranker', 'calls');
    expect(chart.starts).toEqual([1000, 2000]);
    expect(chart.series).toEqual([
      { group: 'b', values: [5, 0], total: 5 },
      { group: 'a', values: [2, 1], total: 3 },
      { group: '(none)', values: [0, 1], total: 1 },
    ]);
    expect(chart.max).toBe(7);
  });

  it('counts errors and cost', () => {
    expect(errorsOf(buckets[1]!)).toBe(2);
    expect(chartOf(buckets, 'reranker', 'errors').series[0]).toEqual({ group: 'b', values: [2, 0], total: 2 });
    expect(chartOf(buckets, 'reranker', 'cost', 'USD').max).toBe(0.25);
  });

  it('writes CSV rows with one cost column per currency', () => {
    const { header, rows } = usageCsvRows(buckets, 'reranker');
    expect(header).toEqual(['start', 'reranker', 'calls', 'documents', 'errors', 'latencyMsAvg', 'cost_USD']);
    expect(rows[2]).toEqual(['1970-01-01T00:00:02.000Z', 'a', 1, 10, 0, 12.5, '0.25']);
  });
});
