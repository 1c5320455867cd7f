import { Permissions } from './permissions.js';

describe('Permissions', () => {
  const member = new Permissions(['LIST_RERANKER_OWN', 'READ_LIMITS_OWN', 'USE_SECRET_REF']);

  it('holds an action through OWN or ANY', () => {
    expect(member.can('LIST', 'RERANKER')).toBe(true);
    expect(member.canAny('LIST', 'RERANKER')).toBe(false);
    expect(member.can('DELETE', 'RERANKER')).toBe(false);
    expect(new Permissions(['DELETE_RERANKER_ANY']).canAny('DELETE', 'RERANKER')).toBe(true);
  });

  it('knows flags by name', () => {
    expect(member.has('USE_SECRET_REF')).toBe(true);
    expect(member.has('USE_SERVER_IDENTITY')).toBe(false);
  });
});
