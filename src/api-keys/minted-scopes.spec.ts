import { Principal } from '../auth/principal.js';
import { mintedScopes } from './minted-scopes.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe('mintedScopes', () => {
  const unscopedAdmin = new Principal('a', 'ADMIN', 'k');

  it('takes what is asked, within the role of the key user', () => {
    expect(mintedScopes(unscopedAdmin, {}, 'MEMBER')).toEqual({});
    expect(mintedScopes(unscopedAdmin, { permissions: ['EXECUTE_RERANKER_OWN'], rerankerIds: [A] }, 'MEMBER')).toEqual({
      permissions: ['EXECUTE_RERANKER_OWN'],
      rerankerIds: [A],
    });
  });

  it("refuses with 400 a permission the key user's role does not hold, naming it", () => {
    expect(() => mintedScopes(unscopedAdmin, { permissions: ['READ_RERANKER_OWN', 'LIST_USER_ANY'] }, 'MEMBER')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('LIST_USER_ANY') }),
    );
  });

  it('passes a narrowed minter its own scope on when the request leaves a list out', () => {
    const minter = new Principal('m', 'MEMBER', 'k', { permissions: ['CREATE_APIKEY_OWN', 'EXECUTE_RERANKER_OWN'], rerankerIds: [A] });
    expect(mintedScopes(minter, {}, 'MEMBER')).toEqual({ permissions: ['CREATE_APIKEY_OWN', 'EXECUTE_RERANKER_OWN'], rerankerIds: [A] });
    expect(mintedScopes(minter, { permissions: ['EXECUTE_RERANKER_OWN'], aliases: ['x'] }, 'MEMBER')).toEqual({
      permissions: ['EXECUTE_RERANKER_OWN'],
      rerankerIds: [A],
      aliases: ['x'],
    });
  });

  it('refuses with 403 anything outside a narrowed minter scope', () => {
    const minter = new Principal('m', 'MEMBER', 'k', { permissions: ['CREATE_APIKEY_OWN'], rerankerIds: [A], aliases: ['x'] });
    const denied = (field: string, value: string) =>
      expect.objectContaining({ code: 'PERMISSION_DENIED', message: expect.stringMatching(new RegExp(`scopes\\.${field}: ${value}`)) });
    expect(() => mintedScopes(minter, { permissions: ['READ_RERANKER_OWN'] }, 'MEMBER')).toThrow(denied('permissions', 'READ_RERANKER_OWN'));
    expect(() => mintedScopes(minter, { rerankerIds: [A, B] }, 'MEMBER')).toThrow(denied('rerankerIds', B));
    expect(() => mintedScopes(minter, { aliases: ['y'] }, 'MEMBER')).toThrow(denied('aliases', 'y'));
  });

  it("passes on only the minter's permissions that the new key's user holds", () => {
    const minter = new Principal('a', 'ADMIN', 'k', { permissions: ['CREATE_APIKEY_ANY', 'EXECUTE_RERANKER_OWN'] });
    expect(mintedScopes(minter, {}, 'MEMBER')).toEqual({ permissions: ['EXECUTE_RERANKER_OWN'] });
  });

  it("measures a minter by its effective permissions: what its user's role lost is not passed on", () => {
    const downgraded = new Principal('m', 'MEMBER', 'k', { permissions: ['CREATE_APIKEY_OWN', 'LIST_USER_ANY'] });
    expect(mintedScopes(downgraded, {}, 'MEMBER')).toEqual({ permissions: ['CREATE_APIKEY_OWN'] });
  });
});
