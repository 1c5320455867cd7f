import { parseDocuments } from './documents.js';
import { latencyStats } from './latency-stats.js';
import { parseLabels } from './labels.js';

describe('playground inputs', () => {
  it('reads one document per line, or a JSON array', () => {
    expect(parseDocuments(' a \n\n b\n')).toEqual(['a', 'b']);
    expect(parseDocuments('["a", {"title": "b"}]')).toEqual(['a', { title: 'b' }]);
    expect(() => parseDocuments('[1]')).toThrow('documents[0]');
    expect(() => parseDocuments('[oops')).toThrow('not a JSON array');
  });

  it('summarizes ping latencies', () => {
    expect(latencyStats([{ ok: true, rttMs: 30 }, { ok: false, rttMs: 10 }, { ok: true, rttMs: 20 }])).toEqual({ count: 3, ok: 2, min: 10, median: 20, p95: 30, max: 30 });
    expect(latencyStats([])).toBeUndefined();
  });

  it('reads labels line by line', () => {
    expect(parseLabels('env = prod\nteam=search')).toEqual({ env: 'prod', team: 'search' });
    expect(() => parseLabels('env')).toThrow('line 1');
  });
});
