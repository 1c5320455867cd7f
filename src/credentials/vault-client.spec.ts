import { Secret } from '../config/secret.js';
import type { VaultConfig } from '../config/secret-sources-config.js';
import { FakeVault } from '../../test/support/fake-vault.js';
import { VaultClient, VaultError } from './vault-client.js';

const ROLE = { roleId: 'role-1', secretId: 'secret-id-1', tokenTtlSeconds: 60 };

describe('VaultClient (against the fake Vault, clock injected)', () => {
  let vault: FakeVault;
  let clients: VaultClient[];
  let now: number;

  beforeAll(async () => {
    vault = await FakeVault.start({ appRole: ROLE, rootToken: 'hvs.root' });
    vault.put('secret', 'rerankers/cohere', { api_key: 'sk-1' });
  });

  afterAll(() => vault.close());

  beforeEach(() => {
    vault.clear();
    clients = [];
    now = 1_000_000;
  });

  afterEach(() => Promise.all(clients.map((client) => client.close())));

  function client(auth: VaultConfig['auth'], address = vault.url): VaultClient {
    const made = new VaultClient({ address, auth, namespace: undefined, timeoutMs: 2_000 }, () => now);
    clients.push(made);
    return made;
  }
  const appRole = () => client({ kind: 'approle', roleId: new Secret(ROLE.roleId), secretId: new Secret(ROLE.secretId) });
  const calls = () => vault.requests.map(({ method, path }) => `${method} ${path}`);

  it('reads a KV v2 secret with a static token', async () => {
    await expect(client({ kind: 'token', token: new Secret('hvs.root') }).readKv('secret', 'rerankers/cohere')).resolves.toEqual({ api_key: 'sk-1' });
    expect(vault.requests[0]!.headers['x-vault-token']).toBe('hvs.root');
  });

  it('logs in once for concurrent reads, renews after two thirds of the lease, logs in again when renewal fails', async () => {
    const reader = appRole();
    await Promise.all([1, 2, 3].map(() => reader.readKv('secret', 'rerankers/cohere')));
    expect(vault.count('POST', '/v1/auth/approle/login')).toBe(1);
    now += 39_000;
    await reader.readKv('secret', 'rerankers/cohere');
    expect(vault.count('POST', '/v1/auth/token/renew-self')).toBe(0);
    now += 2_000;
    await reader.readKv('secret', 'rerankers/cohere');
    expect(vault.count('POST', '/v1/auth/token/renew-self')).toBe(1);
    vault.revokeIssuedTokens();
    now += 41_000;
    await reader.readKv('secret', 'rerankers/cohere');
    expect(calls().slice(-3)).toEqual(['POST /v1/auth/token/renew-self', 'POST /v1/auth/approle/login', 'GET /v1/secret/data/rerankers/cohere']);
  });

  it('logs in again, once, when Vault refuses a token it revoked early (403)', async () => {
    const reader = appRole();
    await reader.readKv('secret', 'rerankers/cohere');
    vault.revokeIssuedTokens();
    await expect(reader.readKv('secret', 'rerankers/cohere')).resolves.toEqual({ api_key: 'sk-1' });
    expect(vault.count('POST', '/v1/auth/approle/login')).toBe(2);
  });

  it.each<[string, () => VaultClient, string, RegExp]>([
    ['a bad AppRole', () => client({ kind: 'approle', roleId: new Secret('role-1'), secretId: new Secret('wrong') }), 'rerankers/cohere', /refused the AppRole login \(400\): invalid role or secret ID/],
    ['a bad token', () => client({ kind: 'token', token: new Secret('hvs.wrong') }), 'rerankers/cohere', /answered 403 reading secret\/rerankers\/cohere: permission denied/],
    ['a missing secret', () => client({ kind: 'token', token: new Secret('hvs.root') }), 'rerankers/none', /^Vault has no secret at secret\/rerankers\/none$/],
  ])('explains %s without the credential', async (_case, make, path, message) => {
    const error = await make().readKv('secret', path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VaultError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/hvs\.|wrong/);
  });

  it('reports an unreachable Vault', async () => {
    const unreachable = client({ kind: 'token', token: new Secret('hvs.root') }, 'http://127.0.0.1:9');
    await expect(unreachable.readKv('secret', 'x')).rejects.toThrow(/unreachable \(ECONNREFUSED\)/);
  });
});
