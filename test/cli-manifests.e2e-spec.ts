import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { finished, removeTemporaryDirs, requireBuiltCli, rrctl, rrctlProcess, startRrctl, tempHome, waitForStderr, type RrctlOptions } from './support/rrctl.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const JINA_KEY = 'jina_0123456789abcdefSECRET-ONE';

describe('rrctl: the registry as code (apply, diff, export, prune)', () => {
  let t: TestApp;
  let server: string;
  let root: Actor;
  let admin: Actor;
  let member: Actor;
  let upstream: FakeUpstream;
  let home: string;
  let dir: string;

  beforeAll(async () => {
    requireBuiltCli();
    upstream = await FakeUpstream.start('COHERE');
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', RERANKER_SECRET_COHERE: 'server-held' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    server = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    root = await initRoot(t.server);
    admin = await createActor(t.server, root, 'ADMIN');
    member = await createActor(t.server, admin, 'MEMBER');
    home = tempHome();
    dir = tempHome('rrctl-manifests-');
  });

  afterAll(async () => {
    removeTemporaryDirs();
    await t.close();
    await upstream.close();
  });

  const env = (actor: Actor, extra: Record<string, string> = {}) => ({ RRCTL_SERVER: server, RRCTL_API_KEY: actor.key, ...extra });
  const cli = (actor: Actor, args: string[], options: Partial<RrctlOptions> = {}) => rrctl(args, { home, ...options, env: env(actor, options.env) });
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const auditEvents = async (): Promise<number> => {
    let count = 0;
    let nextToken: string | undefined;
    do {
      const page = await as(t.server, root).get(`/v1/audit-events?pageSize=1000${nextToken ? `&nextToken=${nextToken}` : ''}`).expect(200);
      count += page.body.auditEvents.length;
      nextToken = page.body.nextToken;
    } while (nextToken);
    return count;
  };
  const reranker = (name: string, spec: string, metadata = '') => `apiVersion: rrctl/v1
kind: Reranker
metadata:
  name: ${name}
${metadata}spec:
  displayName: ${name}
  providerType: COHERE
  endpointUrl: ${upstream.url}/${name}/
  modelIdentifier: rerank-v3.5
${spec}`;
  const alias = (name: string, targets: string[]) =>
    `apiVersion: rrctl/v1\nkind: Alias\nmetadata: {name: ${name}}\nspec:\n  targets: [${targets.map((target) => `{reranker: ${target}}`).join(', ')}]\n`;

  describe('apply, then apply again', () => {
    let manifest: string;

    beforeAll(() => {
      manifest = file(
        'registry.yaml',
        `${reranker(
          'cohere',
          `  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {secretRef: {uri: env://RERANKER_SECRET_COHERE}}}
  pricing: {currency: USD, perSearchUnit: 0.0020}
  requestTimeoutMs: 10000
  apiPath: v2//rerank/
`,
          '  labels: {team: search}\n',
        )}---
${reranker('jina', '  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {inlineSecret: "${JINA_KEY}"}}\n')}---
apiVersion: rrctl/v1
kind: Alias
metadata: {name: rerank-english}
spec:
  strategy: WEIGHTED
  targets: [{reranker: cohere, weight: 3}, {reranker: jina}]
  lastResort: LEXICAL
---
apiVersion: rrctl/v1
kind: Limits
metadata: {name: member}
spec: {user: ${member.userId}, requestsPerMinute: 1000, monthlyCost: 12.5}
`,
      );
    });

    it('creates in dependency order, and a second apply of the same file changes nothing and writes no audit event', async () => {
      const first = await rrctlProcess(['apply', '-f', manifest], { home, env: env(admin, { JINA_KEY }) });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const lines = first.stdout.trim().split('\n');
      expect(lines.map((line) => line.replace(/ \(.*\)$/, ''))).toEqual([
        'reranker/cohere created',
        'reranker/jina created',
        'alias/rerank-english created',
        'limits/member updated',
        'Applied 4 changes (0 unchanged).',
      ]);
      expect(first.stdout).not.toContain(JINA_KEY);
      const alias = await as(t.server, admin).get('/v1/aliases/rerank-english').expect(200);
      expect(alias.body.targets.map((target: { weight: number }) => target.weight)).toEqual([3, 1]);

      const events = await auditEvents();
      const etag = (await as(t.server, admin).get('/v1/aliases/rerank-english').expect(200)).headers.etag;
      const reapply = await rrctlProcess(['apply', '-f', manifest, '--verbose'], { home, env: env(admin, { JINA_KEY }) });
      expect(reapply.code).toBe(0);
      // The inline ${JINA_KEY} cannot be compared without the stored value: it is re-supplied,
      // and being the same secret (same fingerprint) it changes nothing, so no event (#19 item 23).
      expect(reapply.stdout).toContain('reranker/jina updated');
      expect(reapply.stdout).toContain('reranker/cohere unchanged');
      expect(reapply.stdout).toContain('alias/rerank-english unchanged');
      expect(reapply.stdout).toContain('limits/member unchanged');
      expect(await auditEvents()).toBe(events);
      expect((await as(t.server, admin).get('/v1/aliases/rerank-english').expect(200)).headers.etag).toBe(etag);
    });

    it('changes nothing on re-applying a file whose secrets are references', async () => {
      const refs = file('refs.yaml', `${reranker('refs', '  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {secretRef: {uri: env://RERANKER_SECRET_COHERE}}}\n')}---\n${alias('refs-alias', ['refs'])}`);
      expect((await cli(admin, ['apply', '-f', refs])).code).toBe(0);
      const events = await auditEvents();
      const again = await cli(admin, ['apply', '-f', refs]);
      expect(again.stdout).toBe('reranker/refs unchanged\nalias/refs-alias unchanged\nApplied 0 changes (2 unchanged).\n');
      expect(await auditEvents()).toBe(events);
      const diff = await cli(admin, ['diff', '-f', refs]);
      expect(diff).toMatchObject({ code: 0, stdout: 'Plan: 0 to create, 0 to update, 0 to delete, 2 unchanged.\n' });
    });

    it('diff shows each changed field and exits 1, changing nothing; secrets only by origin', async () => {
      const changed = file(
        'changed.yaml',
        `${reranker('cohere', '  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {secretRef: {uri: env://RERANKER_SECRET_OTHER}}}\n', '  labels: {team: search, tier: gold}\n').replace('displayName: cohere', 'displayName: Cohere v3.5')}---
${reranker('jina', '  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {inlineSecret: "${JINA_KEY}"}}\n')}`,
      );
      const events = await auditEvents();
      const other = 'jina_0123456789abcdefSECRET-TWO';
      const diff = await rrctlProcess(['diff', '-f', changed], { home, env: env(admin, { JINA_KEY: other }) });
      expect(diff.code).toBe(1);
      expect(diff.stdout).toContain('~ update Reranker cohere');
      expect(diff.stdout).toContain('    displayName: "cohere" -> "Cohere v3.5"');
      expect(diff.stdout).toContain('    credentials: changed (secretRef env://RERANKER_SECRET_COHERE -> secretRef env://RERANKER_SECRET_OTHER)');
      expect(diff.stdout).toContain('    labels: {"team":"search"} -> {"team":"search","tier":"gold"}');
      expect(diff.stdout).toContain('    credentials: changed (the inline secret from ${JINA_KEY} differs from the stored one (by its hint))');
      expect(diff.stdout + diff.stderr).not.toContain(other);
      const same = await rrctlProcess(['diff', '-f', changed, '-o', 'json'], { home, env: env(admin, { JINA_KEY }) });
      const plan = JSON.parse(same.stdout) as { actions: Array<{ name: string; changes?: Array<{ field: string; to?: string; note?: string }> }> };
      const jina = plan.actions.find((action) => action.name === 'jina')!;
      expect(jina.changes).toEqual([{ field: 'credentials', to: 'unknown', note: 'the inline secret from ${JINA_KEY} cannot be compared with the stored one without its value: it will be re-supplied' }]);
      expect(same.stdout).not.toContain(JINA_KEY);
      expect(await auditEvents()).toBe(events);
    });

    it('catches a concurrent edit between the plan and the apply with If-Match (412), and --force-conflicts overwrites', async () => {
      const edited = file('edited.yaml', reranker('cohere', '  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {secretRef: {uri: env://RERANKER_SECRET_COHERE}}}\n', '  labels: {team: search}\n').replace('displayName: cohere', 'displayName: From the file'));
      const child = startRrctl(['apply', '-f', edited, '--confirm'], { home, env: env(admin) });
      const done = finished(child);
      await waitForStderr(child, 'Apply these changes? [y/N]');
      const id = (await as(t.server, admin).get('/v1/rerankers?name=cohere').expect(200)).body.rerankers[0].rerankerId;
      await as(t.server, admin).patch(`/v1/rerankers/${id}`).send({ displayName: 'Edited in the console' }).expect(200);
      child.stdin.end('y\n');
      const result = await done;
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('~ update Reranker cohere');
      expect(result.stdout).toMatch(/reranker\/cohere FAILED \(update\): PRECONDITION_FAILED: .*changed by someone else/);
      expect((await as(t.server, admin).get(`/v1/rerankers/${id}`).expect(200)).body.displayName).toBe('Edited in the console');

      const declined = await rrctlProcess(['apply', '-f', edited, '--confirm'], { home, env: env(admin), stdin: 'n\n' });
      expect(declined.code).toBe(1);
      expect(declined.stderr).toContain('not applied');
      const forced = await cli(admin, ['apply', '-f', edited, '--force-conflicts']);
      expect(forced.code).toBe(0);
      expect((await as(t.server, admin).get(`/v1/rerankers/${id}`).expect(200)).body.displayName).toBe('From the file');
      expect((await cli(admin, ['diff', '-f', edited])).code).toBe(0);
    });

    it('--dry-run prints the plan and changes nothing', async () => {
      const events = await auditEvents();
      const dry = await cli(admin, ['apply', '-f', file('dry.yaml', reranker('dry-run', '')), '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toBe('+ create Reranker dry-run\nPlan: 1 to create, 0 to update, 0 to delete, 0 unchanged.\n');
      expect(dry.stderr).toContain('dry run');
      expect(await auditEvents()).toBe(events);
    });
  });

  it('reports exactly what a failure part-way applied, and a re-run converges', async () => {
    const broken = file('partial.yaml', `${reranker('part-a', '')}---\n${reranker('part-b', '  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {secretRef: {uri: "gcp-sm://projects/x"}}}\n')}---\n${alias('part-c', ['part-a', 'part-b'])}`);
    const failed = await cli(admin, ['apply', '-f', broken]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^reranker\/part-a created \([0-9a-f-]+\)\nreranker\/part-b FAILED \(create\): INVALID_ARGUMENT: .+\nalias\/part-c not attempted \(create\)\nApplied 1 of 3 changes/);
    await as(t.server, admin).get('/v1/aliases/part-c').expect(404);

    const fixed = file('partial.yaml', `${reranker('part-a', '')}---\n${reranker('part-b', '  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {secretRef: {uri: "env://RERANKER_SECRET_COHERE"}}}\n')}---\n${alias('part-c', ['part-a', 'part-b'])}`);
    const rerun = await cli(admin, ['apply', '-f', fixed]);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout.replace(/ \([0-9a-f-]+\)/g, '')).toBe('reranker/part-a unchanged\nreranker/part-b created\nalias/part-c created\nApplied 2 changes (1 unchanged).\n');
    expect((await cli(admin, ['diff', '-f', fixed])).code).toBe(0);
  });

  describe('prune', () => {
    it('deletes only what this owner set no longer declares, aliases before their rerankers', async () => {
      const blue = (names: string[], aliases: string) => file('blue.yaml', [...names.map((name) => reranker(name, '')), aliases].filter(Boolean).join('---\n'));
      expect((await cli(admin, ['apply', '-f', blue(['blue-1', 'blue-2'], alias('blue-route', ['blue-1', 'blue-2'])), '--owner-set', 'blue'])).code).toBe(0);
      expect((await cli(admin, ['apply', '-f', file('green.yaml', reranker('green-1', '')), '--owner-set', 'green'])).code).toBe(0);
      expect((await cli(admin, ['rerankers', 'create', '--name', 'by-hand', '--provider', 'TEI', '--endpoint', `${upstream.url}/by-hand`, '--model', 'm'])).code).toBe(0);
      const labelled = await as(t.server, admin).get('/v1/rerankers?name=blue-1').expect(200);
      expect(labelled.body.rerankers[0].labels).toEqual({ 'rrctl.owner-set': 'blue' });

      const withoutSet = await cli(admin, ['apply', '-f', blue(['blue-1'], ''), '--prune']);
      expect(withoutSet.code).toBe(2);
      expect(withoutSet.stderr).toContain('--prune needs --owner-set');

      const plan = await cli(admin, ['diff', '-f', blue(['blue-1'], ''), '--owner-set', 'blue', '--prune']);
      expect(plan.code).toBe(1);
      expect(plan.stdout).toMatch(/- delete Alias blue-route \(.+\): not in the files of owner set blue\n- delete Reranker blue-2/);
      const pruned = await cli(admin, ['apply', '-f', blue(['blue-1'], ''), '--owner-set', 'blue', '--prune']);
      expect(pruned.code).toBe(0);
      expect(pruned.stdout).toBe('reranker/blue-1 unchanged\nalias/blue-route deleted\nreranker/blue-2 deleted\nApplied 2 changes (1 unchanged).\n');
      for (const name of ['green-1', 'by-hand', 'blue-1']) {
        expect((await as(t.server, admin).get(`/v1/rerankers?name=${name}`).expect(200)).body.rerankers).toHaveLength(1);
      }
    });

    it('refuses to prune a protected object, before any change', async () => {
      const set = (text: string) => file('protected.yaml', text);
      expect((await cli(admin, ['apply', '-f', set(`${reranker('keep-me', '', '  protected: true\n')}---\n${reranker('drop-me', '')}`), '--owner-set', 'red'])).code).toBe(0);
      const events = await auditEvents();
      const refused = await cli(admin, ['apply', '-f', set(reranker('other-red', '')), '--owner-set', 'red', '--prune']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('Reranker keep-me is protected');
      expect(await auditEvents()).toBe(events);
      await as(t.server, admin).get('/v1/rerankers?name=drop-me').expect(200).expect((res) => expect(res.body.rerankers).toHaveLength(1));
      await as(t.server, admin).get('/v1/rerankers?name=other-red').expect(200).expect((res) => expect(res.body.rerankers).toHaveLength(0));
    });

    it('does not take over an object of another owner set without --force-conflicts', async () => {
      const taken = await cli(admin, ['diff', '-f', file('steal.yaml', reranker('green-1', '')), '--owner-set', 'blue']);
      expect(taken.code).toBe(2);
      expect(taken.stderr).toContain('belongs to owner set "green"');
    });
  });

  it('exports what exists so that export | apply -f - changes nothing and export | diff -f - exits 0', async () => {
    await as(t.server, root).put(`/v1/limits/users/${admin.userId}`).send({ requestsPerMinute: 5000 }).expect(200);
    const exported = await rrctlProcess(['export'], { home, env: env(admin) });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('inlineSecret: <kept on the server>');
    expect(exported.stdout).toContain('uri: env://RERANKER_SECRET_COHERE');
    expect(exported.stdout).toContain(`kind: Limits\nmetadata:\n  name: user-${admin.userId}\nspec:\n  user: ${admin.userId}\n  requestsPerMinute: 5000\n`);
    expect(exported.stdout).not.toContain(JINA_KEY);
    expect(exported.stdout).not.toContain('server-held');
    const events = await auditEvents();
    const diff = await rrctlProcess(['diff', '-f', '-'], { home, env: env(admin), stdin: exported.stdout });
    expect(diff.stderr).toBe('');
    expect(diff.code).toBe(0);
    const applied = await rrctlProcess(['apply', '-f', '-'], { home, env: env(admin), stdin: exported.stdout });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/Applied 0 changes \(\d+ unchanged\)\.\n$/);
    expect(await auditEvents()).toBe(events);

    const json = await cli(admin, ['export', '--kind', 'Alias', '-l', 'rrctl.owner-set=blue', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual([]);
    const only = JSON.parse((await cli(admin, ['export', '--kind', 'reranker', '-l', 'team=search', '-o', 'json'])).stdout) as Array<{ metadata: { name: string } }>;
    expect(only.map((m) => m.metadata.name)).toEqual(['cohere']);
  });

  it('applies a LEXICAL reranker (no endpoint) and an alias falling back to it; diff is empty afterwards and export round-trips', async () => {
    const builtin = (k1: number) => `apiVersion: rrctl/v1
kind: Reranker
metadata:
  name: bm25
  labels: {suite: builtin}
spec:
  displayName: BM25 in the service
  providerType: LEXICAL
  modelIdentifier: bm25
  lexical: {k1: ${k1}, b: 0.75}
---
${reranker('before-bm25', '', '  labels: {suite: builtin}\n')}---
apiVersion: rrctl/v1
kind: Alias
metadata: {name: with-bm25, labels: {suite: builtin}}
spec:
  strategy: FALLBACK
  targets: [{reranker: before-bm25}, {reranker: bm25, priority: 1}]
  lastResort: LEXICAL
`;
    const manifest = file('builtin.yaml', builtin(1.2));
    const applied = await cli(member, ['apply', '-f', manifest]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout.replace(/ \([0-9a-f-]+\)/g, '')).toBe('reranker/bm25 created\nreranker/before-bm25 created\nalias/with-bm25 created\nApplied 3 changes (0 unchanged).\n');
    const stored = (await as(t.server, member).get('/v1/rerankers?name=bm25').expect(200)).body.rerankers[0];
    expect(stored).toMatchObject({ providerType: 'LEXICAL', endpointUrl: null, apiPath: null, credentials: null, modelIdentifier: 'bm25', lexical: { k1: 1.2, b: 0.75 } });
    const route = (await as(t.server, member).get('/v1/aliases/with-bm25').expect(200)).body;
    expect(route.targets.map((target: { rerankerId: string }) => target.rerankerId)[1]).toBe(stored.rerankerId);

    expect(await cli(member, ['diff', '-f', manifest])).toMatchObject({ code: 0, stdout: 'Plan: 0 to create, 0 to update, 0 to delete, 3 unchanged.\n' });
    const changed = await cli(member, ['diff', '-f', file('builtin-k1.yaml', builtin(2))]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('~ update Reranker bm25');
    // The stored side in the API's key order (jsonb's), the desired one in the file's.
    expect(changed.stdout).toMatch(/\n {4}lexical: \{("b":0\.75,"k1":1\.2|"k1":1\.2,"b":0\.75)\} -> \{"k1":2,"b":0\.75\}\n/);

    const table = await cli(member, ['rerankers', 'get', 'bm25', '-o', 'table']);
    expect(table.stdout).toMatch(/LEXICAL\s+bm25\s+built in/);
    const ranked = await cli(member, ['rerank', '--reranker', 'bm25', '-q', 'rotate keys', '-d', 'Labels are pairs.', '-d', 'Rotate the keys with secrets:rotate.', '-o', 'json']);
    expect(ranked.code).toBe(0);
    expect(JSON.parse(ranked.stdout)).toMatchObject({ results: [{ index: 1 }, { index: 0 }] });

    const exported = await cli(member, ['export', '-l', 'suite=builtin', '-o', 'json']);
    const manifests = JSON.parse(exported.stdout) as Array<{ kind: string; metadata: { name: string }; spec: Record<string, unknown> }>;
    const bm25 = manifests.find((m) => m.metadata.name === 'bm25')!;
    expect(bm25.spec).not.toHaveProperty('endpointUrl');
    expect(bm25.spec).not.toHaveProperty('apiPath');
    expect(bm25.spec).toMatchObject({ providerType: 'LEXICAL', modelIdentifier: 'bm25', lexical: { k1: 1.2, b: 0.75 } });
    const yaml = (await rrctlProcess(['export', '-l', 'suite=builtin'], { home, env: env(member) })).stdout;
    const roundTrip = await rrctlProcess(['diff', '-f', '-'], { home, env: env(member), stdin: yaml });
    expect(roundTrip).toMatchObject({ code: 0, stderr: '', stdout: 'Plan: 0 to create, 0 to update, 0 to delete, 3 unchanged.\n' });
    const events = await auditEvents();
    expect((await rrctlProcess(['apply', '-f', '-'], { home, env: env(member), stdin: yaml })).stdout).toMatch(/Applied 0 changes \(3 unchanged\)\.\n$/);
    expect(await auditEvents()).toBe(events);

    const refused = await cli(member, ['apply', '-f', file('builtin-endpoint.yaml', builtin(1.2).replace('  modelIdentifier: bm25\n', `  modelIdentifier: bm25\n  endpointUrl: ${upstream.url}\n`))]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('spec.endpointUrl: is not accepted for LEXICAL: it runs inside the service');
  });

  it('refuses invalid manifests before any change, naming file, document and field', async () => {
    const events = await auditEvents();
    const invalid = file(
      'invalid.yaml',
      `${reranker('fine', '  colour: blue\n')}---
apiVersion: rrctl/v1
kind: Router
metadata: {name: r}
spec: {}
---
${reranker('literal', '  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {inlineSecret: sk-literal-123}}\n')}`,
    );
    const result = await cli(admin, ['apply', '-f', invalid]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${invalid}, document 1 (line 10): spec.colour: unknown field`);
    expect(result.stderr).toContain(`${invalid}, document 2 (line 13): kind: unknown kind "Router"`);
    expect(result.stderr).toContain(`${invalid}, document 3 (line 26): spec.credentials.apiKey.inlineSecret: is an inline secret`);
    expect(result.stderr).not.toContain('sk-literal-123');

    const dangling = file('dangling.yaml', `${reranker('exists-soon', '')}---\n${alias('dangling', ['exists-soon', 'nowhere'])}`);
    const reference = await cli(admin, ['apply', '-f', dangling]);
    expect(reference.code).toBe(2);
    expect(reference.stderr).toContain(`${dangling}, document 2 (line 15): spec.targets[1].reranker: no reranker "nowhere" in these manifests or on the server`);
    expect((await as(t.server, admin).get('/v1/rerankers?name=exists-soon').expect(200)).body.rerankers).toHaveLength(0);
    expect(await auditEvents()).toBe(events);
  });

  it("keeps a member's manifests to what the member owns", async () => {
    const adminReranker = (await as(t.server, admin).get('/v1/rerankers?name=cohere').expect(200)).body.rerankers[0];
    const events = await auditEvents();
    const foreign = file('foreign.yaml', reranker('cohere', `  ownerId: ${admin.userId}\n`));
    const denied = await cli(member, ['diff', '-f', foreign]);
    expect(denied.code).toBe(4);
    expect(denied.stderr).toContain('PERMISSION_DENIED');
    const byId = file('by-id.yaml', reranker(adminReranker.rerankerId, ''));
    const plan = await cli(member, ['diff', '-f', byId]);
    expect(plan.stdout).toContain(`+ create Reranker ${adminReranker.rerankerId}`);
    const refused = await cli(member, ['apply', '-f', byId]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('ALREADY_EXISTS');
    expect((await as(t.server, admin).get(`/v1/rerankers/${adminReranker.rerankerId}`).expect(200)).body.displayName).toBe(adminReranker.displayName);
    expect(await auditEvents()).toBe(events);
    const own = await cli(member, ['apply', '-f', file('member.yaml', reranker('cohere', ''))]);
    expect(own.code).toBe(0);
    expect((await as(t.server, member).get('/v1/rerankers?name=cohere').expect(200)).body.rerankers[0].ownerId).toBe(member.userId);
  });

  it('diff exits above 1 on errors: 2 for the manifests, 4 when the server cannot be reached', async () => {
    expect((await cli(admin, ['diff', '-f', join(dir, 'missing.yaml')])).code).toBe(2);
    const down = await rrctl(['diff', '-f', file('down.yaml', reranker('down', ''))], { home, env: { RRCTL_SERVER: 'http://127.0.0.1:9', RRCTL_API_KEY: admin.key } });
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('cannot reach');
  });

  it("applies the docs' first manifest as it is, and its alias ranks at once", async () => {
    const example = new URL('../docs/examples/registry.yaml', import.meta.url).pathname;
    const newcomer = await createActor(t.server, admin, 'MEMBER');
    const applied = await cli(newcomer, ['apply', '-f', example]);
    expect(applied.stdout.replace(/ \([0-9a-f-]+\)/g, '')).toBe('reranker/tei-local created\nalias/rerank-english created\nApplied 2 changes (0 unchanged).\n');
    expect((await cli(newcomer, ['diff', '-f', example])).code).toBe(0);
    const ranked = await cli(newcomer, ['rerank', '--alias', 'rerank-english', '-q', 'rotate keys', '-d', 'Rotate keys with secrets:rotate.', '-d', 'Labels are pairs.', '-o', 'json']);
    expect(ranked.code).toBe(0);
    expect(JSON.parse(ranked.stdout).results[0].index).toBe(0);
  });

  it('publishes the JSON Schema of manifests', async () => {
    const schema = JSON.parse((await rrctl(['schema'], { home })).stdout);
    expect(schema).toMatchObject({ title: 'rrctl manifest (rrctl/v1)', definitions: { Reranker: expect.any(Object), Alias: expect.any(Object), Limits: expect.any(Object) } });
  });
});
