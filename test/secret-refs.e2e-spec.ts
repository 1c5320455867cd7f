import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { FakeVault } from './support/fake-vault.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const secret = (label: string) => `sk-${label}-${randomBytes(12).toString('hex')}`;
const ROLE_ID = randomUUID();
const SECRET_ID = randomUUID();
const TOKEN_TTL_SECONDS = 6;
const CACHE_TTL_MS = 1_000;

/** Issue 14: vault:// (KV v2, AppRole or token) and file:// secret references. */
describe('secret references beyond env://', () => {
  let upstream: FakeUpstream;
  const issuedSecrets: string[] = [];

  beforeAll(async () => {
    upstream = await FakeUpstream.start('COHERE');
  });

  afterAll(async () => {
    await upstream.close();
  });

  beforeEach(() => upstream.clear());

  const ref = (uri: string) => ({ kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri } } });

  async function register(t: TestApp, by: Actor, uri: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const body = rerankerBody({ providerType: 'COHERE', endpointUrl: upstream.url, modelIdentifier: `m-${randomUUID().slice(0, 8)}`, credentials: ref(uri), ...overrides });
    const res = await as(t.server, by).post('/v1/rerankers').send(body).expect(201);
    expect(res.body.credentials.apiKey).toEqual({ headerName: 'Authorization', prefix: 'Bearer ', secretRef: { uri }, hasInlineSecret: false });
    return res.body.rerankerId;
  }

  const rerank = (t: TestApp, id: string, actor: Actor) => as(t.server, actor).post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents: ['a', 'b'] });
  const sentKeys = () => upstream.requests.map((request) => request.headers.authorization);

  describe('Vault (AppRole) and files under SECRET_FILE_DIRS', () => {
    let t: TestApp;
    let vault: FakeVault;
    let admin: Actor;
    let alice: Actor;
    let dir: string;
    let outside: string;

    beforeAll(async () => {
      vault = await FakeVault.start({ appRole: { roleId: ROLE_ID, secretId: SECRET_ID, tokenTtlSeconds: TOKEN_TTL_SECONDS } });
      dir = await realpath(await mkdtemp(join(tmpdir(), 'secret-dir-')));
      outside = await realpath(await mkdtemp(join(tmpdir(), 'outside-dir-')));
      t = await startTestApp({
        LOG_LEVEL: 'debug',
        EGRESS_ALLOW_PRIVATE: 'true',
        UPSTREAM_MAX_RETRIES: '0',
        VAULT_ADDR: vault.url,
        VAULT_ROLE_ID: ROLE_ID,
        VAULT_SECRET_ID: SECRET_ID,
        SECRET_FILE_DIRS: dir,
        SECRET_REF_CACHE_TTL_MS: String(CACHE_TTL_MS),
      });
      const root = await initRoot(t.server);
      admin = await createActor(t.server, root, 'ADMIN');
      alice = await createActor(t.server, root);
    });

    afterAll(async () => {
      await t.close();
      await vault.close();
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    });

    function putSecret(path: string, data: Record<string, string>): void {
      issuedSecrets.push(...Object.values(data).filter((value) => value.startsWith('sk-')));
      vault.put('secret', path, data);
    }

    it('vault://<mount>/<path>#<field>: an admin registers it, the upstream receives the secret, and only the reference is ever returned', async () => {
      const value = secret('cohere');
      putSecret('rerankers/cohere', { api_key: value, other: 'x' });
      const id = await register(t, admin, 'vault://secret/rerankers/cohere#api_key');
      const res = await rerank(t, id, admin).expect(200);
      expect(sentKeys()).toEqual([`Bearer ${value}`]);
      const got = await as(t.server, admin).get(`/v1/rerankers/${id}`).expect(200);
      expect(JSON.stringify([res.body, got.body])).not.toContain(value);
      expect(vault.count('POST', '/v1/auth/approle/login')).toBeGreaterThanOrEqual(1);
    });

    it('serves reranks from the cache: one Vault read per SECRET_REF_CACHE_TTL_MS, not one per call', async () => {
      putSecret('rerankers/cached', { api_key: secret('cached') });
      const id = await register(t, admin, 'vault://secret/rerankers/cached#api_key');
      vault.clear();
      for (let i = 0; i < 5; i++) await rerank(t, id, admin).expect(200);
      expect(vault.count('GET', '/v1/secret/data/rerankers/cached')).toBe(1);
      await sleep(CACHE_TTL_MS + 200);
      await rerank(t, id, admin).expect(200);
      expect(vault.count('GET', '/v1/secret/data/rerankers/cached')).toBe(2);
    });

    it('a secret rotated in Vault: the upstream 401 makes the service read it again and retry once with the new one', async () => {
      const [before, after] = [secret('before'), secret('after')];
      putSecret('rerankers/rotated', { api_key: before });
      const id = await register(t, admin, 'vault://secret/rerankers/rotated#api_key');
      await rerank(t, id, admin).expect(200);
      putSecret('rerankers/rotated', { api_key: after });
      upstream.clear();
      vault.clear();
      upstream.fail({ kind: 'status', status: 401, body: { message: 'invalid api token' } }, 1);
      await rerank(t, id, admin).expect(200);
      expect(sentKeys()).toEqual([`Bearer ${before}`, `Bearer ${after}`]);
      expect(vault.count('GET', '/v1/secret/data/rerankers/rotated')).toBe(1);
      await rerank(t, id, admin).expect(200);
      expect(sentKeys()[2]).toBe(`Bearer ${after}`);
      expect(vault.count('GET', '/v1/secret/data/rerankers/rotated')).toBe(1);
    });

    it('an upstream 401 with the secret unchanged in Vault is reported as before (502), without a second call', async () => {
      putSecret('rerankers/wrong', { api_key: secret('wrong') });
      const id = await register(t, admin, 'vault://secret/rerankers/wrong#api_key');
      upstream.fail({ kind: 'status', status: 401, body: { message: 'invalid api token' } });
      const res = await rerank(t, id, admin).expect(502);
      expect(res.body.details).toMatchObject({ upstreamStatus: 401 });
      expect(upstream.requests).toHaveLength(1);
    });

    it('an upstream that keeps answering 401 makes the service read the secret again once per cooldown, not once per call (issue 19 item 20)', async () => {
      putSecret('rerankers/refused', { api_key: secret('refused') });
      const id = await register(t, admin, 'vault://secret/rerankers/refused#api_key');
      await rerank(t, id, admin).expect(200);
      vault.clear();
      upstream.fail({ kind: 'status', status: 401, body: { message: 'invalid api token' } });
      const answers = await Promise.all(Array.from({ length: 10 }, () => rerank(t, id, admin)));
      expect(answers.map((res) => res.status)).toEqual(Array(10).fill(502));
      expect(vault.count('GET', '/v1/secret/data/rerankers/refused')).toBe(1);
    });

    it("a member never reads an admin's vault:// key from a 502, whatever the upstream echoes (issue 19 item 13)", async () => {
      const value = secret('admins');
      putSecret('rerankers/admins', { api_key: value });
      const id = await register(t, admin, 'vault://secret/rerankers/admins#api_key', { ownerId: alice.userId });
      upstream.fail({ kind: 'echo-credential', status: 401, encode: (key) => `key ${Buffer.from(key).toString('hex')} refused` });
      const res = await rerank(t, id, alice).expect(502);
      expect(res.body).toMatchObject({ code: 'UPSTREAM_ERROR', details: { upstreamStatus: 401 } });
      expect(JSON.stringify(res.body)).not.toContain(Buffer.from(value).toString('hex').slice(0, 16));
      expect(res.body.message).toMatch(/shown only to whoever could supply/);
    });

    it("reads GoodMem's vault://path/to/secret (no #field) as the secret's only key, else its `value` key", async () => {
      const [only, value] = [secret('only'), secret('value')];
      putSecret('goodmem/one', { token: only });
      putSecret('goodmem/multi', { value, other: 'not this' });
      putSecret('goodmem/ambiguous', { a: secret('a'), b: secret('b') });
      await rerank(t, await register(t, admin, 'vault://secret/goodmem/one'), admin).expect(200);
      await rerank(t, await register(t, admin, 'vault://secret/goodmem/multi'), admin).expect(200);
      expect(sentKeys()).toEqual([`Bearer ${only}`, `Bearer ${value}`]);
      const res = await rerank(t, await register(t, admin, 'vault://secret/goodmem/ambiguous'), admin).expect(503);
      expect(res.body.details.reason).toMatch(/has 2 keys: name one with #<field>/);
    });

    it('AppRole: logs in again when its token is revoked, and renews the token (renew-self) once two thirds of its lease have passed', async () => {
      vault.revokeIssuedTokens();
      vault.clear();
      putSecret('rerankers/renewal', { api_key: secret('renewal') });
      const id = await register(t, admin, 'vault://secret/rerankers/renewal#api_key');
      await rerank(t, id, admin).expect(200);
      expect(vault.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
        'GET /v1/secret/data/rerankers/renewal',
        'POST /v1/auth/approle/login',
        'GET /v1/secret/data/rerankers/renewal',
      ]);
      const token = vault.requests[2]!.headers['x-vault-token'];
      await sleep((TOKEN_TTL_SECONDS * 1000 * 2) / 3 + 300);
      await rerank(t, id, admin).expect(200);
      expect(vault.count('POST', '/v1/auth/token/renew-self')).toBe(1);
      expect(vault.count('POST', '/v1/auth/approle/login')).toBe(1);
      expect(vault.requests.at(-1)!.headers['x-vault-token']).toBe(token);
    });

    it('an unreadable Vault secret (missing, deleted, sealed Vault) gives 503 UNAVAILABLE; the reference and reason are shown only to USE_SECRET_REF holders', async () => {
      putSecret('rerankers/deleted', { api_key: secret('deleted') });
      putSecret('rerankers/sealed', { api_key: secret('sealed') });
      vault.deleteLatest('secret', 'rerankers/deleted');
      const cases: Array<[string, RegExp, () => void]> = [
        ['vault://secret/rerankers/missing#api_key', /no secret at secret\/rerankers\/missing$/, () => undefined],
        ['vault://secret/rerankers/deleted#api_key', /latest version is deleted/, () => undefined],
        ['vault://kv1/rerankers/x#api_key', /no secret at kv1\/rerankers\/x: no handler for route/, () => undefined],
        ['vault://secret/rerankers/cohere#missing_field', /has no field missing_field$/, () => undefined],
        ['vault://secret/rerankers/sealed#api_key', /answered 503 reading secret\/rerankers\/sealed: Vault is sealed/, () => (vault.sealed = true)],
      ];
      try {
        for (const [uri, reason, before] of cases) {
          const id = await register(t, admin, uri, { ownerId: alice.userId });
          before();
          const asAlice = await rerank(t, id, alice).expect(503);
          expect(asAlice.body).toMatchObject({ code: 'UNAVAILABLE', message: "The reranker's credential is not available on this server" });
          expect(asAlice.body.details).toBeUndefined();
          const asAdmin = await rerank(t, id, admin).expect(503);
          expect(asAdmin.body.details).toEqual({ secretRef: uri, reason: expect.stringMatching(reason) });
        }
      } finally {
        vault.sealed = false;
      }
      expect(upstream.requests).toHaveLength(0);
    });

    it('a member cannot reference vault:// or file:// (403), whether or not the target exists', async () => {
      await writeFile(join(dir, 'member-probe'), 'x');
      for (const uri of ['vault://secret/rerankers/cohere#api_key', 'vault://secret/nothing', `file://${dir}/member-probe`, 'file:///etc/passwd']) {
        const res = await as(t.server, alice).post('/v1/rerankers').send(rerankerBody({ credentials: ref(uri) })).expect(403);
        expect(res.body.code).toBe('PERMISSION_DENIED');
      }
    });

    it('a member cannot point an admin-registered vault:// or file:// reranker elsewhere (403) unless re-supplying the credential', async () => {
      putSecret('rerankers/redirect', { api_key: secret('redirect') });
      await writeFile(join(dir, 'redirect'), secret('redirect-file'));
      for (const uri of ['vault://secret/rerankers/redirect#api_key', `file://${dir}/redirect`]) {
        const id = await register(t, admin, uri, { ownerId: alice.userId });
        for (const change of [{ endpointUrl: 'http://127.0.0.1:9' }, { apiPath: '/elsewhere' }, { extraHeaders: { 'X-Other': '1' } }]) {
          const res = await as(t.server, alice).patch(`/v1/rerankers/${id}`).send(change).expect(403);
          expect(res.body.code).toBe('PERMISSION_DENIED');
        }
        await as(t.server, alice)
          .patch(`/v1/rerankers/${id}`)
          .send({ endpointUrl: 'http://127.0.0.1:9', credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { inlineSecret: 'sk-alice-own-key' } } })
          .expect(200);
      }
    });

    it.each([
      ['a vault:// reference without a path', 'vault://secret', /not a valid vault:\/\/ reference/],
      ['a vault:// reference with ..', 'vault://secret/../sys/x', /not a valid vault:\/\/ reference/],
      ['a vault:// reference with an empty field', 'vault://secret/a#', /not a valid vault:\/\/ reference/],
      ['a relative file:// reference', 'file://relative/path', /not a valid file:\/\/ reference/],
      ['a file:// reference with ..', 'file:///tmp/x/../../etc/passwd', /not a valid file:\/\/ reference/],
      ['a file:// reference outside SECRET_FILE_DIRS', 'file:///etc/passwd', /outside the allowed directories/],
    ])('refuses %s at registration with 400', async (_case, uri, message) => {
      const res = await as(t.server, admin).post('/v1/rerankers').send(rerankerBody({ credentials: ref(uri) })).expect(400);
      expect(res.body.code).toBe('INVALID_ARGUMENT');
      expect(res.body.message).toMatch(message);
    });

    it('file://: reads a Kubernetes-style secret mount (..data symlinks inside the directory), trailing newline trimmed, and re-reads it on a 401', async () => {
      const [first, second] = [secret('file-first'), secret('file-second')];
      issuedSecrets.push(first, second);
      await mkdir(join(dir, 'cohere', '..2026_11_22_v1'), { recursive: true });
      await writeFile(join(dir, 'cohere', '..2026_11_22_v1', 'api-key'), `${first}\n`);
      await symlink('..2026_11_22_v1', join(dir, 'cohere', '..data'));
      await symlink('..data/api-key', join(dir, 'cohere', 'api-key'));
      const id = await register(t, admin, `file://${dir}/cohere/api-key`);
      await rerank(t, id, admin).expect(200);
      await writeFile(join(dir, 'cohere', '..2026_11_22_v1', 'api-key'), `${second}\r\n`);
      upstream.fail({ kind: 'status', status: 401, body: { message: 'invalid api token' } }, 1);
      await rerank(t, id, admin).expect(200);
      expect(sentKeys()).toEqual([`Bearer ${first}`, `Bearer ${first}`, `Bearer ${second}`]);
    });

    it('file://: a symlink escaping SECRET_FILE_DIRS, a directory, an empty or oversized file give 503 at read', async () => {
      const escaped = secret('escaped');
      issuedSecrets.push(escaped);
      await writeFile(join(outside, 'stolen'), escaped);
      await symlink(join(outside, 'stolen'), join(dir, 'escape'));
      await mkdir(join(dir, 'a-directory'));
      await writeFile(join(dir, 'empty'), '\n');
      await writeFile(join(dir, 'huge'), 'x'.repeat(65 * 1024));
      const cases: Array<[string, RegExp]> = [
        ['escape', /resolves \(through a symlink\) outside SECRET_FILE_DIRS/],
        ['a-directory', /not a regular file/],
        ['empty', /file is empty/],
        ['huge', /larger than 65536 bytes/],
        ['absent', /does not exist/],
      ];
      for (const [name, reason] of cases) {
        const id = await register(t, admin, `file://${dir}/${name}`);
        const res = await rerank(t, id, admin).expect(503);
        expect(res.body.details).toEqual({ secretRef: `file://${dir}/${name}`, reason: expect.stringMatching(reason) });
      }
      expect(upstream.requests).toHaveLength(0);
    });

    it('file:// naming a FIFO: 503 at once (not a regular file), the call never waits for a writer (issue 19 item 21)', async () => {
      execFileSync('mkfifo', [join(dir, 'fifo')]);
      const id = await register(t, admin, `file://${dir}/fifo`, { requestTimeoutMs: 2_000 });
      const res = await rerank(t, id, admin).timeout(10_000).expect(503);
      expect(res.body.details).toEqual({ secretRef: `file://${dir}/fifo`, reason: 'the path is not a regular file' });
      expect(upstream.requests).toHaveLength(0);
    });

    it('Vault down (connection refused): 503 UNAVAILABLE', async () => {
      putSecret('rerankers/down', { api_key: secret('down') });
      const id = await register(t, admin, 'vault://secret/rerankers/down#api_key');
      await vault.close();
      const res = await rerank(t, id, admin).expect(503);
      expect(res.body.details).toEqual({ secretRef: 'vault://secret/rerankers/down#api_key', reason: expect.stringMatching(/unreachable \(ECONNREFUSED\)/) });
    });

    it('nothing secret reached a log line: no secret value, no Vault token, no AppRole secret id (run last)', () => {
      const tokens = vault.requests.map((request) => request.headers['x-vault-token']).filter((token) => typeof token === 'string');
      expect(t.logs.lines.length).toBeGreaterThan(0);
      expect(t.logs.text).toContain('secret reference could not be read');
      for (const value of [...issuedSecrets, ...tokens, SECRET_ID]) expect(t.logs.text).not.toContain(value);
    });
  });

  describe('Vault with a static VAULT_TOKEN and a namespace', () => {
    const ROOT_TOKEN = `hvs.${randomBytes(16).toString('hex')}`;
    let t: TestApp;
    let vault: FakeVault;
    let admin: Actor;

    beforeAll(async () => {
      vault = await FakeVault.start({ rootToken: ROOT_TOKEN, namespace: 'team-a', mounts: ['kv'] });
      t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', UPSTREAM_MAX_RETRIES: '0', VAULT_ADDR: vault.url, VAULT_TOKEN: ROOT_TOKEN, VAULT_NAMESPACE: 'team-a' });
      const root = await initRoot(t.server);
      admin = await createActor(t.server, root, 'ADMIN');
    });

    afterAll(async () => {
      await t.close();
      await vault.close();
    });

    it('reads with X-Vault-Token and X-Vault-Namespace, and the token goes to Vault only', async () => {
      const value = secret('static');
      vault.put('kv', 'rerankers/jina', { api_key: value });
      const id = await register(t, admin, 'vault://kv/rerankers/jina#api_key');
      await rerank(t, id, admin).expect(200);
      expect(sentKeys()).toEqual([`Bearer ${value}`]);
      expect(vault.requests.map(({ method, path, headers }) => [method, path, headers['x-vault-token'], headers['x-vault-namespace']])).toEqual([
        ['GET', '/v1/kv/data/rerankers/jina', ROOT_TOKEN, 'team-a'],
      ]);
      expect(JSON.stringify(upstream.requests)).not.toContain(ROOT_TOKEN);
      expect(t.logs.text).not.toContain(ROOT_TOKEN);
    });
  });
});
