import { diffRows } from './audit-diff.js';

describe('diffRows', () => {
  it('lists changed leaves and shows secrets only as changed', () => {
    const rows = diffRows(
      { displayName: 'Cohere', labels: { env: 'dev' }, credentials: { apiKey: { secretHint: '[secret]', headerName: 'Authorization' } } },
      { displayName: 'Cohere v3.5', labels: { env: 'dev', tier: 'gold' }, credentials: { apiKey: { secretHint: '[secret]', headerName: 'Authorization' } } },
    );
    expect(rows).toEqual([
      { path: 'credentials.apiKey.secretHint', kind: 'secret' },
      { path: 'displayName', before: 'Cohere', after: 'Cohere v3.5', kind: 'changed' },
      { path: 'labels.tier', before: undefined, after: 'gold', kind: 'added' },
    ]);
    expect(JSON.stringify(rows)).not.toContain('[secret]');
  });

  it('reads a create (before null) and a delete (after null)', () => {
    expect(diffRows(null, { name: 'a', targets: [] })).toEqual([
      { path: 'name', before: undefined, after: 'a', kind: 'added' },
      { path: 'targets', before: undefined, after: '[]', kind: 'added' },
    ]);
    expect(diffRows({ name: 'a' }, null)).toEqual([{ path: 'name', before: 'a', after: undefined, kind: 'removed' }]);
  });
});
