import { Principal } from './principal.js';

describe('Principal permissions', () => {
  const member = new Principal('m', 'MEMBER', 'k');
  const admin = new Principal('a', 'ADMIN', 'k');
  const root = new Principal('r', 'ROOT', 'k');

  it('gives members the OWN set for rerankers and keys, and no user administration', () => {
    for (const action of ['CREATE', 'READ', 'LIST', 'UPDATE', 'DELETE', 'EXECUTE', 'PING'] as const) {
      expect(member.scopeFor(action, 'RERANKER')).toBe('OWN');
    }
    expect(member.scopeFor('DELETE', 'APIKEY')).toBe('OWN');
    expect(member.scopeFor('READ', 'USER')).toBe('OWN');
    expect(member.scopeFor('LIST', 'USER')).toBeUndefined();
    expect(member.has('USE_SECRET_REF')).toBe(false);
    expect(member.has('USE_SERVER_IDENTITY')).toBe(false);
  });

  it('lets members read the audit events on their own resources, admins every event', () => {
    expect([member, admin, root].map((p) => p.scopeFor('READ', 'AUDIT'))).toEqual(['OWN', 'ANY', 'ANY']);
  });

  it('gives admins and root the ANY set', () => {
    expect(admin.scopeFor('EXECUTE', 'RERANKER')).toBe('ANY');
    expect(admin.has('USE_SECRET_REF')).toBe(true);
    expect(admin.has('USE_SERVER_IDENTITY')).toBe(true);
    expect(root.has('USE_SERVER_IDENTITY')).toBe(true);
  });

  it('lets no role reach above itself: only ROOT reaches ROOT', () => {
    expect([member, admin, root].map((p) => p.reaches('ROOT'))).toEqual([false, false, true]);
    expect([member, admin, root].map((p) => p.reaches('ADMIN'))).toEqual([false, true, true]);
    expect([member, admin, root].map((p) => p.reaches('MEMBER'))).toEqual([true, true, true]);
    expect(() => admin.requireReach('ROOT')).toThrow(expect.objectContaining({ code: 'PERMISSION_DENIED' }));
  });

  it('lets OWN act only on what the caller owns', () => {
    expect(member.canActOn('READ', 'RERANKER', 'm')).toBe(true);
    expect(member.canActOn('READ', 'RERANKER', 'someone-else')).toBe(false);
    expect(admin.canActOn('READ', 'RERANKER', 'someone-else')).toBe(true);
  });
});
