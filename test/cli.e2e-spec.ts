import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { removeTemporaryDirs, requireBuiltCli, rrctl, rrctlProcess, tempHome, type RrctlOptions } from './support/rrctl.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const UPSTREAM_SECRET = 'sk-upstream-0123456789-SECRET-VALUE';

describe('rrctl, the admin CLI', () => {
  let t: TestApp;
  let server: string;
  let root: Actor;
  let admin: Actor;
  let member: Actor;
  let other: Actor;
  let cohere: FakeUpstream;
  let tei: FakeUpstream;
  let home: string;

  beforeAll(async () => {
    requireBuiltCli();
    cohere = await FakeUpstream.start('COHERE');
    tei = await FakeUpstream.start('TEI');
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', USAGE_FLUSH_INTERVAL_MS: '100' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    server = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    member = await createActor(t.server, admin, 'MEMBER');
    other = await createActor(t.server, admin, 'MEMBER');
    home = tempHome();
  });

  afterAll(async () => {
    removeTemporaryDirs();
    await t.close();
    await cohere.close();
    await tei.close();
  });

  /** As `actor`, by the environment (RRCTL_SERVER, RRCTL_API_KEY). */
  const cli = (actor: Actor, args: string[], options: Partial<RrctlOptions> = {}) =>
    rrctl(args, { home, ...options, env: { RRCTL_SERVER: server, RRCTL_API_KEY: actor.key, ...options.env } });
  const json = <T = Record<string, unknown>>(result: { stdout: string }): T => JSON.parse(result.stdout) as T;
  const auditCount = async () => (await as(t.server, root).get('/v1/audit-events?pageSize=1000').expect(200)).body.auditEvents.length as number;

  describe('as a user runs it (child process)', () => {
    it('prints its version and help, and exits 2 on a usage error', async () => {
      const version = await rrctlProcess(['--version'], { home });
      expect(version).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync('package.json', 'utf8')).version}\n` });
      const help = await rrctlProcess(['help', 'rerankers', 'create'], { home });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: rrctl rerankers create');
      expect((await rrctlProcess(['rerankers', 'frobnicate'], { home })).code).toBe(2);
      const unknown = await rrctlProcess(['rerankers', 'list', '--bogus'], { home });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("unknown option '--bogus'");
    });

    it('logs in with a key from stdin into a 0600 profile, lists profiles without the key, and uses it', async () => {
      const login = await rrctlProcess(['login', '--server', server, '--profile', 'dev', '--api-key-stdin'], { home, stdin: `${admin.key}\n` });
      expect(login.code).toBe(0);
      expect(login.stderr).toContain('profile dev saved');
      const config = join(home, '.config', 'rrctl', 'config.yaml');
      expect(statSync(config).mode & 0o777).toBe(0o600);
      expect(statSync(join(home, '.config', 'rrctl')).mode & 0o777).toBe(0o700);
      expect(parse(readFileSync(config, 'utf8'))).toEqual({ current: 'dev', profiles: { dev: { server, apiKey: admin.key } } });

      const profiles = await rrctlProcess(['profiles', '-o', 'json'], { home });
      expect(JSON.parse(profiles.stdout)).toEqual([{ name: 'dev', server, current: true, keyPrefix: admin.key.slice(0, 12) }]);
      expect(profiles.stdout + profiles.stderr).not.toContain(admin.key);

      const me = await rrctlProcess(['users', 'get', 'me', '-o', 'json'], { home });
      expect(me.code).toBe(0);
      expect(JSON.parse(me.stdout).userId).toBe(admin.userId);
    });

    it('refuses a config or key file others can read, and a wrong key is a server error (exit 1)', async () => {
      const own = tempHome();
      await rrctlProcess(['login', '--server', server, '--api-key-stdin'], { home: own, stdin: admin.key });
      const config = join(own, '.config', 'rrctl', 'config.yaml');
      chmodSync(config, 0o644);
      const refused = await rrctlProcess(['users', 'get'], { home: own });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('chmod 600');
      chmodSync(config, 0o600);
      expect((await rrctlProcess(['users', 'get'], { home: own })).code).toBe(0);

      const keyFile = join(own, 'key');
      writeFileSync(keyFile, `${member.key}\n`, { mode: 0o640 });
      chmodSync(keyFile, 0o640);
      const loose = await rrctlProcess(['--server', server, '--api-key-file', keyFile, 'users', 'get'], { home: own });
      expect(loose.code).toBe(2);
      expect(loose.stderr).toContain('mode 0640');
      chmodSync(keyFile, 0o600);
      const fromFile = await rrctlProcess(['--server', server, '--api-key-file', keyFile, 'users', 'get', '-o', 'json'], { home: own });
      expect(JSON.parse(fromFile.stdout).userId).toBe(member.userId);

      const wrong = await rrctlProcess(['users', 'get'], { home: own, env: { RRCTL_SERVER: server, RRCTL_API_KEY: 'rrk_00000000000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/^error: UNAUTHENTICATED: /);
    });

    it("never sends a profile's key to another server", async () => {
      const own = tempHome();
      await rrctlProcess(['login', '--server', server, '--api-key-stdin'], { home: own, stdin: admin.key });
      const elsewhere = await rrctlProcess(['--server', cohere.url, 'users', 'get'], { home: own });
      expect(elsewhere.code).toBe(2);
      expect(elsewhere.stderr).toContain(`no API key for ${cohere.url}`);
      expect(cohere.requests).toHaveLength(0);
    });

    it('takes an upstream secret from stdin only: never in argv, output or files', async () => {
      const created = await rrctlProcess(
        ['rerankers', 'create', '--name', 'cohere-secret', '--provider', 'COHERE', '--endpoint', cohere.url, '--model', 'rerank-v3.5', '--secret-stdin', '-o', 'json'],
        { home, stdin: UPSTREAM_SECRET },
      );
      expect(created.code).toBe(0);
      const body = JSON.parse(created.stdout);
      expect(body.credentials.apiKey).toMatchObject({ hasInlineSecret: true, secretHint: '…ALUE' });
      expect(created.stdout + created.stderr).not.toContain(UPSTREAM_SECRET);
      expect(readFileSync(join(home, '.config', 'rrctl', 'config.yaml'), 'utf8')).not.toContain(UPSTREAM_SECRET);
      const both = await rrctlProcess(['--api-key-stdin', 'rerankers', 'create', '--name', 'x', '--provider', 'TEI', '--endpoint', cohere.url, '--model', 'm', '--secret-stdin'], {
        home,
        stdin: 'whatever',
      });
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('stdin is already used');
    });
  });

  describe('rerankers', () => {
    let id: string;

    beforeAll(async () => {
      const created = await cli(member, ['rerankers', 'create', '--name', 'tei', '--provider', 'TEI', '--endpoint', tei.url, '--model', 'bge', '--label', 'env=dev', '-o', 'json']);
      expect(created.code).toBe(0);
      id = json(created).rerankerId as string;
    });

    it('prints every output format, a table by default on a terminal and JSON when piped', async () => {
      const piped = await cli(member, ['rerankers', 'list']);
      expect(json<Array<{ rerankerId: string }>>(piped).map((r) => r.rerankerId)).toEqual([id]);
      const table = await cli(member, ['rerankers', 'list'], { tty: true });
      expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+ID\s+PROVIDER\s+MODEL\s+ENDPOINT\s+LABELS$/);
      expect(table.stdout).toContain(`tei    ${id}   TEI`);
      expect(table.stdout).not.toContain('\u001b[');
      const colored = await cli(member, ['rerankers', 'list'], { tty: true, env: { NO_COLOR: '' } });
      expect(colored.stdout).toContain('\u001b[1mNAME');
      const yaml = await cli(member, ['rerankers', 'get', 'tei', '-o', 'yaml']);
      expect(parse(yaml.stdout)).toMatchObject({ rerankerId: id, name: 'tei', labels: { env: 'dev' } });
      expect((await cli(member, ['rerankers', 'list', '-o', 'name'])).stdout).toBe('tei\n');
      expect((await cli(member, ['rerankers', 'list', '--quiet'])).stdout).toBe(`${id}\n`);
      const bad = await cli(member, ['rerankers', 'list', '-o', 'xml']);
      expect(bad.code).toBe(2);
    });

    it('follows pagination, and stops at --limit', async () => {
      for (let i = 0; i < 3; i++) await cli(admin, ['rerankers', 'create', '--name', `paged-${i}`, '--provider', 'TEI', '--endpoint', `${cohere.url}/p${i}`, '--model', 'bge']);
      const all = json<unknown[]>(await cli(admin, ['rerankers', 'list', '--owner', admin.userId]));
      expect(all.length).toBeGreaterThanOrEqual(3);
      expect(json<unknown[]>(await cli(admin, ['rerankers', 'list', '--owner', admin.userId, '--limit', '2']))).toHaveLength(2);
      expect(json<unknown[]>(await cli(admin, ['rerankers', 'list', '--owner', admin.userId, '--name', 'paged-1']))).toHaveLength(1);
    });

    it('updates fields and labels with If-Match, and reports a stale ETag as the server error', async () => {
      const updated = await cli(member, ['rerankers', 'update', 'tei', '--display-name', 'TEI local', '--label', 'tier=gold', '--remove-label', 'env', '-o', 'json']);
      expect(json(updated)).toMatchObject({ displayName: 'TEI local', labels: { tier: 'gold' } });
      const stale = await cli(member, ['rerankers', 'update', 'tei', '--description', 'x', '--if-match', '"1.abc"']);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toMatch(/^error: PRECONDITION_FAILED: /);
      const versioned = await cli(member, ['rerankers', 'update', 'tei', '--reranker-version', '2', '-o', 'json']);
      expect(json(versioned).version).toBe('2');
      const cleared = await cli(member, ['rerankers', 'update', id, '--unset', 'name', '--unset', 'version', '-o', 'json']);
      expect(json(cleared)).toMatchObject({ name: null, version: null });
      await cli(member, ['rerankers', 'update', id, '--name', 'tei']);
    });

    it('pings with a latency per probe and a summary; a failing upstream exits 1', async () => {
      const ok = await cli(member, ['rerankers', 'ping', 'tei', '--count', '2', '--interval', '10ms'], { tty: true });
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/probe 1: ok {2}http=200 {2}rtt=\d+\.\d ms\nprobe 2: ok/);
      expect(ok.stdout).toMatch(/2 probes, 2 ok, 0 failed; rtt min\/avg\/max [\d.]+\/[\d.]+\/[\d.]+ ms/);
      tei.fail({ kind: 'status', status: 500 }, 1);
      const failed = await cli(member, ['rerankers', 'ping', 'tei', '-o', 'json']);
      expect(failed.code).toBe(1);
      expect(json(failed)).toMatchObject({ rerankerId: id, summary: { sent: 1, ok: 0, failed: 1 } });
    });

    it('answers exit 3 for what does not exist and for what another owner has', async () => {
      const missing = await cli(member, ['rerankers', 'get', 'nope']);
      expect(missing.code).toBe(3);
      expect(missing.stderr).toContain('NOT_FOUND');
      for (const args of [['get', id], ['update', id, '--display-name', 'mine'], ['delete', id], ['ping', id]]) {
        const result = await cli(other, ['rerankers', ...args]);
        expect(result.code).toBe(3);
        expect(result.stderr).toMatch(/NOT_FOUND/);
      }
      expect(json((await cli(member, ['rerankers', 'get', id]))).displayName).toBe('TEI local');
    });

    it('creates a LEXICAL reranker without --endpoint, shows it as built in, keeps the stored b when only k1 changes, and pings it', async () => {
      const created = await cli(admin, ['rerankers', 'create', '--name', 'bm25', '--provider', 'LEXICAL', '--model', 'bm25', '--bm25-k1', '1.2', '--bm25-b', '0.75', '-o', 'json']);
      expect(created.stderr).toBe('');
      expect(json(created)).toMatchObject({ providerType: 'LEXICAL', endpointUrl: null, apiPath: null, lexical: { k1: 1.2, b: 0.75 } });
      const table = await cli(admin, ['rerankers', 'get', 'bm25'], { tty: true });
      expect(table.stdout).toMatch(/bm25\s+[0-9a-f-]{36}\s+LEXICAL\s+bm25\s+built in/);
      expect(json(await cli(admin, ['rerankers', 'update', 'bm25', '--bm25-k1', '2', '-o', 'json'])).lexical).toEqual({ k1: 2, b: 0.75 });
      expect(json(await cli(admin, ['rerankers', 'update', 'bm25', '--unset', 'lexical', '-o', 'json'])).lexical).toBeNull();
      const outOfRange = await cli(admin, ['rerankers', 'update', 'bm25', '--bm25-b', '1.5']);
      expect(outOfRange.code).toBe(2);
      expect(outOfRange.stderr).toContain('expected a number from 0 to 1');
      const ping = await cli(admin, ['rerankers', 'ping', 'bm25', '-o', 'json']);
      expect(ping.code).toBe(0);
      expect(json(ping)).toMatchObject({ summary: { sent: 1, ok: 1, failed: 0 }, probes: [{ ok: true, httpStatus: null }] });
      const remote = await cli(admin, ['rerankers', 'create', '--name', 'no-endpoint', '--provider', 'TEI', '--model', 'bge']);
      expect(remote.code).toBe(2);
      expect(remote.stderr).toContain('create needs --endpoint');
    });
  });

  describe('rerank, aliases, usage and audit', () => {
    beforeAll(async () => {
      await cli(member, ['rerankers', 'create', '--name', 'cohere', '--provider', 'COHERE', '--endpoint', cohere.url, '--model', 'rerank-v3.5']);
    });

    it('ranks documents from flags and from stdin, best first', async () => {
      const table = await cli(member, ['rerank', '--reranker', 'cohere', '-q', 'keys', '-d', 'low score=0.1', '-d', 'high score=0.9'], { tty: true });
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/RANK\s+INDEX\s+SCORE\s+DOCUMENT\n1\s+1\s+0\.9000\s+high score=0\.9\n2\s+0\s+0\.1000\s+low score=0\.1/);
      expect(table.stderr).toContain('served by');
      const piped = await cli(member, ['rerank', '--reranker', 'cohere', '-q', 'keys', '--documents-file', '-', '--top-n', '1'], { stdin: 'a score=0.2\nb score=0.7\n' });
      expect(json<{ results: Array<{ index: number }> }>(piped).results.map((r) => r.index)).toEqual([1]);
      expect((await cli(member, ['rerank', '-q', 'x', '-d', 'y'])).code).toBe(2);
    });

    it('creates, reads, lists, updates and deletes aliases over rerankers named by name', async () => {
      const created = await cli(member, ['aliases', 'create', 'rerank-english', '--target', 'cohere,weight=3', '--target', 'tei', '--strategy', 'WEIGHTED', '--last-resort', 'LEXICAL', '-o', 'json']);
      expect(created.code).toBe(0);
      expect(json(created)).toMatchObject({ name: 'rerank-english', strategy: 'WEIGHTED', lastResort: 'LEXICAL' });
      expect(json<{ targets: Array<{ weight: number }> }>(created).targets.map((target) => target.weight)).toEqual([3, 1]);
      expect((await cli(member, ['aliases', 'list', '-o', 'name'])).stdout).toBe('rerank-english\n');
      const ranked = await cli(member, ['rerank', '--alias', 'rerank-english', '-q', 'q', '-d', 'score=0.3', '-o', 'json']);
      expect(json<{ meta: { alias: string } }>(ranked).meta.alias).toBe('rerank-english');
      const updated = await cli(member, ['aliases', 'update', 'rerank-english', '--target', 'tei', '--unset', 'last-resort', '--label', 'team=search', '-o', 'yaml']);
      expect(parse(updated.stdout)).toMatchObject({ lastResort: null, labels: { team: 'search' } });
      expect((await cli(other, ['aliases', 'get', 'rerank-english'])).code).toBe(3);
      expect((await cli(member, ['aliases', 'delete', 'rerank-english'])).code).toBe(0);
      expect((await cli(member, ['aliases', 'get', 'rerank-english'])).code).toBe(3);
    });

    it('reads usage and the audit log', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const usage = await cli(member, ['usage', '--from', '1h', '--group-by', 'reranker', '-o', 'json']);
      expect(usage.code).toBe(0);
      const report = json<{ buckets: Array<{ calls: number }> }>(usage);
      expect(report.buckets.reduce((sum, bucket) => sum + bucket.calls, 0)).toBeGreaterThanOrEqual(3);
      const table = await cli(member, ['usage', '--from', '1h', '--group-by', 'reranker'], { tty: true });
      expect(table.stdout).toMatch(/^START\s+RERANKER\s+CALLS/);
      const audit = await cli(member, ['audit', '--target-type', 'alias', '--action', 'alias.create', '-o', 'json']);
      expect(json<Array<{ action: string }>>(audit).map((e) => e.action)).toEqual(['alias.create']);
      expect((await cli(member, ['audit', '--limit', '2', '--quiet'])).stdout.trim().split('\n')).toHaveLength(2);
    });
  });

  describe('keys, users, limits, system and health', () => {
    it('creates a key (the raw key shown once), reads, lists and revokes it', async () => {
      const created = await cli(member, ['keys', 'create', '--label', 'app=ci', '--permission', 'EXECUTE_RERANKER_OWN', '--reranker', 'cohere', '--expires', '30d', '-o', 'json']);
      const { apiKey, rawApiKey } = json<{ apiKey: { apiKeyId: string; scopes: { rerankerIds: string[] } }; rawApiKey: string }>(created);
      expect(rawApiKey).toMatch(/^rrk_/);
      expect(apiKey.scopes.rerankerIds).toHaveLength(1);
      const table = await cli(member, ['keys', 'get', apiKey.apiKeyId], { tty: true });
      expect(table.stdout).toContain(apiKey.apiKeyId);
      expect(table.stdout).not.toContain(rawApiKey);
      expect((await cli(member, ['keys', 'list', '--quiet'])).stdout).toContain(apiKey.apiKeyId);
      expect((await cli(member, ['keys', 'revoke', apiKey.apiKeyId])).code).toBe(0);
      const revoked = await rrctl(['users', 'get'], { home, env: { RRCTL_SERVER: server, RRCTL_API_KEY: rawApiKey } });
      expect(revoked.code).toBe(1);
      expect(revoked.stderr).toContain('UNAUTHENTICATED');
    });

    it('saves a new key as a profile instead of printing it', async () => {
      const own = tempHome();
      const saved = await rrctl(['keys', 'create', '--save-profile', 'ci', '-o', 'json'], { home: own, env: { RRCTL_SERVER: server, RRCTL_API_KEY: member.key } });
      expect(saved.code).toBe(0);
      expect(saved.stdout).not.toMatch(/rrk_[0-9a-f]{32}_/);
      const asCi = await rrctl(['--profile', 'ci', 'users', 'get', '-o', 'json'], { home: own });
      expect(JSON.parse(asCi.stdout).userId).toBe(member.userId);
    });

    it('creates, reads, lists and disables users (admins), and a member may not', async () => {
      const created = await cli(admin, ['users', 'create', '--email', 'ada@example.com', '--display-name', 'Ada', '-o', 'json']);
      const userId = json(created).userId as string;
      expect(json((await cli(admin, ['users', 'get', userId]))).email).toBe('ada@example.com');
      expect((await cli(admin, ['users', 'list', '-o', 'name'])).stdout).toContain('ada@example.com');
      expect(json(await cli(admin, ['users', 'update', userId, '--disable']))).toMatchObject({ disabled: true });
      const denied = await cli(member, ['users', 'create', '--email', 'eve@example.com', '--display-name', 'Eve']);
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain('PERMISSION_DENIED');
    });

    it('sets and reads limits', async () => {
      const set = await cli(admin, ['limits', 'set', 'user', member.userId, '--requests-per-minute', '600', '--monthly-cost', '25.5', '-o', 'json']);
      expect(set.stderr).toBe('');
      expect(json(set)).toMatchObject({ overrides: { requestsPerMinute: 600, monthlyCost: 25.5 } });
      const table = await cli(member, ['limits', 'get', 'user', 'me'], { tty: true });
      expect(table.stdout).toMatch(/requestsPerMinute\s+600\s+600/);
      const reset = await cli(admin, ['limits', 'set', 'user', member.userId, '--requests-per-minute', 'default', '-o', 'json']);
      expect(reset.stderr).toBe('');
      expect(json<{ overrides: Record<string, unknown> }>(reset).overrides.requestsPerMinute).toBeNull();
    });

    it('reports system info and health; init again creates nothing', async () => {
      expect(json(await rrctl(['--server', server, 'system', 'info'], { home }))).toMatchObject({ databaseKind: expect.any(String), initialized: true });
      const health = await rrctl(['--server', server, 'health', '-o', 'json'], { home });
      expect(json(health)).toMatchObject({ live: true, ready: true });
      const events = await auditCount();
      const again = await rrctl(['--server', server, 'system', 'init', '-o', 'json'], { home });
      expect(again.code).toBe(0);
      expect(json(again)).toEqual({ alreadyInitialized: true });
      expect(await auditCount()).toBe(events);
      const down = await rrctl(['--server', 'http://127.0.0.1:9', 'health'], { home });
      expect(down.code).toBe(1);
      expect(down.stderr).toContain('cannot reach http://127.0.0.1:9');
    });
  });

  it('keeps the public routes public and the rest behind a key', async () => {
    await request(t.server).get('/v1/system/info').expect(200);
    const noKey = await rrctl(['--server', server, 'rerankers', 'list'], { home: tempHome() });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('no API key');
  });
});
