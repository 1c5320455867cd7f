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

describe('Principal scopes', () => {
  const A = '00000000-0000-4000-8000-00000000000a';
  const B = '00000000-0000-4000-8000-00000000000b';

  it('is not narrowed without scopes: every reranker and alias, the whole role', () => {
    const unscoped = new Principal('m', 'MEMBER', 'k');
    expect(unscoped.mayUseReranker(A)).toBe(true);
    expect(unscoped.mayUseAlias('any')).toBe(true);
    expect(unscoped.narrowsResources).toBe(false);
    expect(unscoped.permissions.size).toBeGreaterThan(10);
  });

  it("grants the key's permissions only where the user's current role holds them", () => {
    const scopes = { permissions: ['EXECUTE_RERANKER_ANY', 'EXECUTE_RERANKER_OWN', 'LIST_USER_ANY'] as const };
    const asAdmin = new Principal('a', 'ADMIN', 'k', scopes);
    expect(asAdmin.scopeFor('EXECUTE', 'RERANKER')).toBe('ANY');
    expect(asAdmin.scopeFor('LIST', 'USER')).toBe('ANY');
    expect(asAdmin.scopeFor('READ', 'RERANKER')).toBeUndefined();
    expect(asAdmin.has('USE_SECRET_REF')).toBe(false);
    // The same key after its user was made a MEMBER: the role narrows it too.
    const downgraded = new Principal('a', 'MEMBER', 'k', scopes);
    expect([...downgraded.permissions]).toEqual(['EXECUTE_RERANKER_OWN']);
    expect(downgraded.canActOn('EXECUTE', 'RERANKER', 'someone-else')).toBe(false);
    expect(downgraded.scopeFor('LIST', 'USER')).toBeUndefined();
  });

  it('allows nothing of a kind whose list is empty', () => {
    const none = new Principal('m', 'MEMBER', 'k', { permissions: [], rerankerIds: [], aliases: [] });
    expect(none.permissions.size).toBe(0);
    expect(none.mayUseReranker(A)).toBe(false);
    expect(none.mayUseAlias('a')).toBe(false);
  });

  it('keeps rerankers and aliases to the lists, on top of the ownership rule', () => {
    const scoped = new Principal('m', 'MEMBER', 'k', { rerankerIds: [A], aliases: ['prod'] });
    expect(scoped.narrowsResources).toBe(true);
    expect([scoped.mayUseReranker(A), scoped.mayUseReranker(B)]).toEqual([true, false]);
    expect([scoped.mayUseAlias('prod'), scoped.mayUseAlias('Prod'), scoped.mayUseAlias('dev')]).toEqual([true, false, false]);
    expect(scoped.canActOnReranker('EXECUTE', A, 'm')).toBe(true);
    expect(scoped.canActOnReranker('EXECUTE', B, 'm')).toBe(false);
    expect(scoped.canActOnReranker('EXECUTE', A, 'someone-else')).toBe(false);
    expect(scoped.canActOnAlias('READ', 'prod', 'm')).toBe(true);
    expect(scoped.canActOnAlias('READ', 'dev', 'm')).toBe(false);
    expect(new Principal('m', 'MEMBER', 'k', { aliases: ['prod'] }).mayUseReranker(B)).toBe(true);
  });
});
