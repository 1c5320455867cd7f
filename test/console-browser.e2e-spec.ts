import { readFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { Browser, axeViolations, buildConsole, chromiumOrSkip, describeViolations, withScreenshots } from './support/browser.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The console in Debian's Chromium against the real service (embedded database unless
 * TEST_DATABASE_URL), with fake upstreams. CONSOLE_SCREENSHOT_DIR=docs/console writes a
 * screenshot of every page there (how the PNGs in docs/ are made).
 */
const run = chromiumOrSkip() ? describe : describe.skip;
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOT_DIR;

const PAGES = [
  { path: '/console/', heading: 'Overview', shot: 'overview' },
  { path: '/console/rerankers', heading: 'Rerankers', shot: 'rerankers' },
  { path: '/console/rerankers/new', heading: 'New reranker', shot: 'reranker-new' },
  { path: '/console/playground', heading: 'Playground', shot: 'playground' },
  { path: '/console/aliases', heading: 'Aliases', shot: 'aliases' },
  { path: '/console/aliases/new', heading: 'New alias', shot: 'alias-new' },
  { path: '/console/keys', heading: 'API keys', shot: 'api-keys' },
  { path: '/console/users', heading: 'Users', shot: 'users' },
  { path: '/console/usage', heading: 'Limits and usage', shot: 'usage' },
  { path: '/console/audit', heading: 'Audit log', shot: 'audit' },
];

run('console in a browser', () => {
  let t: TestApp;
  let base: string;
  let root: Actor;
  let member: Actor;
  let upstreamA: FakeUpstream;
  let upstreamB: FakeUpstream;
  const browser = new Browser();
  let rootContext: BrowserContext;
  let page: Page;

  const step = (name: string, body: () => Promise<void>) => withScreenshots(browser, name, body);
  const heading = (target: Page, name: string) => target.getByRole('heading', { level: 1, name }).waitFor();

  async function signIn(target: Page, key: string): Promise<void> {
    await target.goto(`${base}/console/`);
    await target.getByLabel('API key').fill(key);
    await target.getByRole('button', { name: 'Sign in' }).click();
    await heading(target, 'Overview');
  }

  async function expectAccessible(target: Page, where: string): Promise<void> {
    const violations = await axeViolations(target);
    if (violations.length > 0) throw new Error(`axe on ${where}:\n${describeViolations(violations)}`);
  }

  beforeAll(async () => {
    buildConsole();
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', USAGE_FLUSH_INTERVAL_MS: '200' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    root = await initRoot(t.server);
    member = await createActor(t.server, root, 'MEMBER');
    upstreamA = await FakeUpstream.start('COHERE');
    upstreamB = await FakeUpstream.start('COHERE', { scoreMarker: 'b' });
    rootContext = await browser.newContext();
    page = rootContext.pages()[0] ?? (await rootContext.newPage());
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await upstreamA?.close();
    await upstreamB?.close();
    await t?.close();
  });

  it('signs in with a key (never kept in the page), renders every page without WCAG 2.1 A/AA violations, and signs out', async () => {
    await step('every page', async () => {
      await as(t.server, root).post('/v1/rerankers').send(rerankerBody({ displayName: 'Cohere (fake A)', endpointUrl: upstreamA.url })).expect(201);
      await page.goto(`${base}/console/rerankers`);
      await heading(page, 'Sign in to the console');
      await expectAccessible(page, 'sign-in');
      if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'sign-in.png') });
      await page.getByLabel('API key').fill('rrk_not_a_key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'UNAUTHENTICATED' }).waitFor();
      await signIn(page, root.key);
      const storage = await page.evaluate('JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])');
      expect(storage).not.toContain(root.key.slice(-20));
      expect(storage).toBe('[[],[],""]');

      for (const { path, heading: name, shot } of PAGES) {
        await page.goto(`${base}${path}`);
        await heading(page, name);
        // A page may load several parts at once: wait until none says it is loading (a locator,
        // not a page-side predicate: the console's CSP forbids evaluating strings).
        await page.locator('.loading[role="status"]').first().waitFor({ state: 'detached' });
        await expectAccessible(page, path);
        if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${shot}.png`), fullPage: true });
      }

      // Keyboard: the skip link comes first and lands in the page; every nav link is reachable by Tab.
      await page.goto(`${base}/console/`);
      await heading(page, 'Overview');
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
      const reached = new Set<string>();
      for (let i = 0; i < 20; i++) {
        await page.keyboard.press('Tab');
        reached.add(String(await page.evaluate('document.activeElement.textContent')));
      }
      for (const label of ['Sign out', 'Overview', 'Rerankers', 'Playground', 'Aliases', 'API keys', 'Users', 'Limits and usage', 'Audit log']) expect(reached).toContain(label);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await heading(page, 'Sign in to the console');
      await page.goto(`${base}/console/rerankers`);
      await heading(page, 'Sign in to the console');
      await signIn(page, root.key);
    });
  });

  it('creates a reranker after a dry test, saves an edit over a concurrent one without losing either, and deletes it from its aliases', async () => {
    await step('reranker lifecycle', async () => {
      await page.goto(`${base}/console/rerankers/new`);
      await heading(page, 'New reranker');
      await expect(page.getByLabel('Endpoint URL').inputValue()).resolves.toBe('https://api.cohere.com');
      await page.getByLabel('Display name').fill('Browser reranker');
      await page.getByLabel('Endpoint URL').fill('ftp://nowhere.example');
      await page.getByLabel('Model', { exact: true }).fill('rerank-v3.5');
      await page.getByLabel('API key').fill('sk-browser-secret-000111');
      await page.getByRole('button', { name: 'Create reranker' }).click();
      // The API's message at the field it names, and nothing typed is lost.
      const endpointError = page.locator('.field-invalid').filter({ has: page.getByLabel('Endpoint URL') });
      await endpointError.getByText(/endpointUrl/).waitFor();
      expect(await page.getByLabel('Display name').inputValue()).toBe('Browser reranker');

      await page.getByLabel('Endpoint URL').fill(upstreamA.url);
      upstreamA.clear();
      await page.getByRole('button', { name: 'Test before saving' }).click();
      await page.getByTestId('probe-result').filter({ hasText: 'Test passed' }).waitFor();
      expect(upstreamA.requests[0]!.headers.authorization).toBe('Bearer sk-browser-secret-000111');
      expect((await as(t.server, root).get('/v1/rerankers?pageSize=100').expect(200)).body.rerankers.map((r: { displayName: string }) => r.displayName)).not.toContain('Browser reranker');

      await page.getByRole('button', { name: 'Create reranker' }).click();
      await heading(page, 'Reranker: Browser reranker');
      const id = page.url().split('/').pop()!;

      await page.getByLabel('Display name').fill('Browser reranker, edited');
      await as(t.server, root).patch(`/v1/rerankers/${id}`).send({ modelIdentifier: 'rerank-v4.0' }).expect(200);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Someone else changed this reranker').waitFor();
      expect((await as(t.server, root).get(`/v1/rerankers/${id}`)).body.displayName).toBe('Browser reranker');
      await page.getByRole('button', { name: 'Put my edits on top of theirs' }).click();
      expect(await page.getByLabel('Model', { exact: true }).inputValue()).toBe('rerank-v4.0');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText(/^Saved at/).waitFor();
      expect((await as(t.server, root).get(`/v1/rerankers/${id}`)).body).toMatchObject({ displayName: 'Browser reranker, edited', modelIdentifier: 'rerank-v4.0' });

      await page.getByLabel('Times').fill('3');
      await page.getByRole('button', { name: 'Ping', exact: true }).click();
      await page.getByTestId('ping-results').getByText(/3 of 3 ok · min/).waitFor();

      await as(t.server, root).post('/v1/aliases').send({ name: 'browser-route', targets: [{ rerankerId: id }] }).expect(201);
      await page.getByRole('button', { name: 'Delete this reranker' }).click();
      await page.getByText(/Aliases route to this reranker: browser-route/).waitFor();
      await page.getByRole('button', { name: 'Delete and remove it from these aliases' }).click();
      await heading(page, 'Rerankers');
      await as(t.server, root).get(`/v1/rerankers/${id}`).expect(404);
    });
  });

  it('registers a LEXICAL reranker through the form (no endpoint or credential asked, k1 checked in the page), lists it as built in, and ranks with it in the playground', async () => {
    await step('built-in reranker', async () => {
      await page.goto(`${base}/console/rerankers/new`);
      await heading(page, 'New reranker');
      await page.getByLabel('Display name').fill('Browser BM25');
      await page.getByLabel('Provider type').selectOption('LEXICAL');
      await page.getByTestId('builtin-note').waitFor();
      for (const hidden of ['Endpoint URL', 'API path', 'How the upstream is authenticated']) expect(await page.getByLabel(hidden).count()).toBe(0);
      expect(await page.getByLabel('Model', { exact: true }).inputValue()).toBe('bm25');
      await expectAccessible(page, 'new LEXICAL reranker');

      await page.getByLabel('BM25 k1').fill('101');
      await page.getByRole('button', { name: 'Create reranker' }).click();
      await page.locator('.field-invalid').filter({ has: page.getByLabel('BM25 k1') }).getByText('lexical.k1 must be a number from 0 to 100').waitFor();
      await page.getByLabel('BM25 k1').fill('1.2');
      await page.getByLabel('BM25 b').fill('0.75');
      await page.getByRole('button', { name: 'Test before saving' }).click();
      await page.getByTestId('probe-result').filter({ hasText: 'Test passed: ranked in the service' }).waitFor();
      await page.getByRole('button', { name: 'Create reranker' }).click();
      await heading(page, 'Reranker: Browser BM25');
      const id = page.url().split('/').pop()!;
      expect((await as(t.server, root).get(`/v1/rerankers/${id}`).expect(200)).body).toMatchObject({
        providerType: 'LEXICAL',
        endpointUrl: null,
        apiPath: null,
        credentials: null,
        modelIdentifier: 'bm25',
        lexical: { k1: 1.2, b: 0.75 },
      });
      await page.getByLabel('BM25 b').fill('0.5');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText(/^Saved at/).waitFor();
      expect((await as(t.server, root).get(`/v1/rerankers/${id}`).expect(200)).body.lexical).toEqual({ k1: 1.2, b: 0.5 });
      await page.getByLabel('Times').fill('2');
      await page.getByRole('button', { name: 'Ping', exact: true }).click();
      await page.getByTestId('ping-results').getByText(/2 of 2 ok · min/).waitFor();

      await page.goto(`${base}/console/rerankers`);
      await heading(page, 'Rerankers');
      await page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Browser BM25' }) }).getByRole('cell', { name: 'built in', exact: true }).waitFor();

      await page.goto(`${base}/console/playground`);
      await heading(page, 'Playground');
      await page.getByRole('group', { name: 'A', exact: true }).getByLabel('Reranker').fill(id);
      await page.getByLabel('Query').fill('rotate keys');
      await page.getByLabel(/^Documents/).fill(['Labels are pairs of strings.', 'Rotate the keys with secrets:rotate.', 'Nothing about it here.'].join('\n'));
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      const results = page.getByTestId('playground-results');
      await results.waitFor();
      expect(await results.locator('tbody tr').first().getAttribute('data-index')).toBe('1');
      await page.getByTestId('meta-a').getByText(`${id} (LEXICAL)`).waitFor();
    });
  });

  it('compares two rerankers on the same candidates: order, score bars, rank changes, who served, cost', async () => {
    await step('playground', async () => {
      const a = await as(t.server, root).post('/v1/rerankers').send(rerankerBody({ displayName: 'A', endpointUrl: upstreamA.url, modelIdentifier: 'model-a', pricing: { currency: 'USD', perRequest: '0.001' } })).expect(201);
      const b = await as(t.server, root).post('/v1/rerankers').send(rerankerBody({ displayName: 'B', endpointUrl: upstreamB.url, modelIdentifier: 'model-b' })).expect(201);
      await page.goto(`${base}/console/playground`);
      await heading(page, 'Playground');
      await page.getByRole('group', { name: 'A', exact: true }).getByLabel('Reranker').fill(a.body.rerankerId);
      await page.getByRole('group', { name: 'B (compare with)' }).getByLabel('Reranker').fill(b.body.rerankerId);
      await page.getByLabel('Query').fill('which one?');
      await page.getByLabel(/^Documents/).fill(['alpha score=0.9 b=0.1', 'beta score=0.5 b=0.8', 'gamma score=0.1 b=0.5'].join('\n'));
      await page.getByRole('button', { name: 'Run A vs B' }).click();
      const results = page.getByTestId('playground-results');
      await results.waitFor();
      const rows = results.locator('tbody tr');
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-index')))).toEqual(['0', '1', '2']);
      expect(await rows.locator('td:nth-child(4)').allTextContents()).toEqual(['down 2', 'up 1', 'up 1']);
      expect(await rows.locator('svg.bar-a').evaluateAll((bars) => bars.map((bar) => bar.getAttribute('data-bar')))).toEqual(['1.0000', '0.5556', '0.1111']);
      expect(await rows.locator('svg.bar-b').evaluateAll((bars) => bars.map((bar) => bar.getAttribute('data-bar')))).toEqual(['0.1250', '1.0000', '0.6250']);
      expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual(['#1 · 0.9000', '#2 · 0.5000', '#3 · 0.1000']);
      await page.getByTestId('meta-a').getByText(`${a.body.rerankerId} (COHERE)`).waitFor();
      await page.getByTestId('meta-a').getByText('0.001 USD').waitFor();
      await page.getByTestId('meta-b').getByText('unpriced').waitFor();
      await expectAccessible(page, 'playground results');
      if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'playground-a-vs-b.png'), fullPage: true });
    });
  });

  it('edits an alias: adds targets, reorders and removes them', async () => {
    await step('alias', async () => {
      const one = await as(t.server, root).post('/v1/rerankers').send(rerankerBody({ displayName: 'One', endpointUrl: upstreamA.url, modelIdentifier: 'one' })).expect(201);
      const two = await as(t.server, root).post('/v1/rerankers').send(rerankerBody({ displayName: 'Two', endpointUrl: upstreamA.url, modelIdentifier: 'two' })).expect(201);
      await page.goto(`${base}/console/aliases/new`);
      await heading(page, 'New alias');
      await page.getByLabel('Name (what clients send as model)').fill('browser-alias');
      for (const id of [one.body.rerankerId, two.body.rerankerId]) {
        await page.getByLabel('Add a target (reranker id)').fill(id);
        await page.getByRole('button', { name: 'Add target' }).click();
      }
      await page.getByRole('button', { name: 'Move Two up' }).click();
      await page.getByLabel('Lexical (BM25) last resort when every target fails').check();
      await page.getByRole('button', { name: 'Create alias' }).click();
      await heading(page, 'Alias: browser-alias');
      const created = (await as(t.server, root).get('/v1/aliases/browser-alias').expect(200)).body;
      expect(created.lastResort).toBe('LEXICAL');
      expect(created.targets.map((x: { rerankerId: string; priority: number }) => [x.rerankerId, x.priority])).toEqual([
        [two.body.rerankerId, 0],
        [one.body.rerankerId, 1],
      ]);
      await page.getByRole('button', { name: 'Remove Two' }).click();
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText(/^Saved at/).waitFor();
      const updated = (await as(t.server, root).get('/v1/aliases/browser-alias').expect(200)).body;
      expect(updated.targets.map((x: { rerankerId: string }) => x.rerankerId)).toEqual([one.body.rerankerId]);
    });
  });

  it('shows a new key once, with a copy button', async () => {
    await step('api keys', async () => {
      await rootContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      await page.goto(`${base}/console/keys`);
      await heading(page, 'API keys');
      await page.getByLabel('Labels (key=value, one per line)').fill('app=browser-test');
      await page.getByLabel('Default model (reranker id or alias)').fill('browser-default');
      await page.getByRole('button', { name: 'Create key' }).click();
      const raw = page.getByTestId('raw-key');
      const key = (await raw.locator('code').textContent())!;
      expect(key).toMatch(/^rrk_/);
      await raw.getByRole('button', { name: 'Copy' }).click();
      await raw.getByRole('button', { name: 'Copied' }).waitFor();
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
      await raw.getByRole('button', { name: 'Done' }).click();
      await raw.waitFor({ state: 'detached' });
      await page.reload();
      await heading(page, 'API keys');
      expect(await page.content()).not.toContain(key);
      await page.getByText('app=browser-test').first().waitFor();
      await page.getByRole('cell', { name: 'browser-default' }).waitFor();
      const keys = (await as(t.server, root).get('/v1/apikeys').expect(200)).body.apiKeys as Array<{ defaultModel: string | null; labels: Record<string, string> }>;
      expect(keys.find((k) => k.labels.app === 'browser-test')?.defaultModel).toBe('browser-default');
    });
  });

  it('charts usage after calls and downloads it as CSV', async () => {
    await step('usage', async () => {
      const r = await as(t.server, root).post('/v1/rerankers').send(rerankerBody({ displayName: 'Metered', endpointUrl: upstreamA.url, modelIdentifier: 'metered' })).expect(201);
      for (let i = 0; i < 3; i++) await as(t.server, root).post(`/v1/rerankers/${r.body.rerankerId}/rerank`).send({ query: 'q', documents: ['a', 'b'] }).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 600));
      await page.goto(`${base}/console/usage`);
      await heading(page, 'Limits and usage');
      const chart = page.locator('figure.chart');
      await chart.locator('rect').first().waitFor();
      await chart.getByText(`${r.body.rerankerId.slice(0, 8)}: 3`).waitFor();
      await page.getByTestId('limits-user').waitFor();
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download CSV' }).click();
      const csv = readFileSync((await (await download).path())!, 'utf8');
      // One cost column per currency seen in the range (the playground's priced calls above).
      expect(csv.split('\r\n')[0]).toBe('start,reranker,calls,documents,errors,latencyMsAvg,cost_USD');
      expect(csv).toContain(`,${r.body.rerankerId},3,6,0,`);
    });
  });

  it('shows audit diffs, a changed secret only as changed', async () => {
    await step('audit', async () => {
      const r = await as(t.server, root).post('/v1/rerankers').send(rerankerBody({ displayName: 'Audited', endpointUrl: upstreamA.url, modelIdentifier: 'audited', credentials: inlineCredentials('sk-audit-old-1234567890') })).expect(201);
      await as(t.server, root).patch(`/v1/rerankers/${r.body.rerankerId}`).send({ displayName: 'Audited v2', credentials: inlineCredentials('sk-audit-new-0987654321') }).expect(200);
      await page.goto(`${base}/console/audit`);
      await heading(page, 'Audit log');
      await page.getByLabel('Target id').fill(r.body.rerankerId);
      await page.getByLabel('Action').selectOption('reranker.update');
      await page.getByRole('button', { name: 'Filter' }).click();
      const event = page.locator('.events li').first();
      await event.getByText('reranker.update').click();
      const diff = event.getByTestId('audit-diff');
      await diff.getByText('Audited v2').waitFor();
      await diff.getByText('secret changed (never shown)').first().waitFor();
      const html = await page.content();
      expect(html).not.toContain('sk-audit');
      expect(html).not.toContain('0987654321'.slice(-4));
      await expectAccessible(page, 'audit diff');
    });
  });

  it('shows a member only its own objects and no admin pages; refuses a change without the CSRF header; ends the session when the key is revoked', async () => {
    await step('member', async () => {
      await as(t.server, member).post('/v1/rerankers').send(rerankerBody({ displayName: 'Member own', endpointUrl: upstreamA.url, modelIdentifier: 'member-own' })).expect(201);
      const memberPage = await browser.newPage();
      await signIn(memberPage, member.key);
      await expect(memberPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count()).resolves.toBe(0);
      await memberPage.goto(`${base}/console/rerankers`);
      await heading(memberPage, 'Rerankers');
      await memberPage.getByRole('link', { name: 'Member own' }).waitFor();
      expect(await memberPage.locator('tbody tr').count()).toBe(1);
      await expectAccessible(memberPage, 'member rerankers');

      const forged = await memberPage.evaluate(`fetch('/v1/rerankers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(${JSON.stringify(rerankerBody({ endpointUrl: upstreamA.url, modelIdentifier: 'forged' }))}) }).then(async (r) => [r.status, (await r.json()).code])`);
      expect(forged).toEqual([403, 'CSRF_HEADER_MISSING']);

      // A page of another site (localhost is not 127.0.0.1) cannot send the header: the preflight is never granted.
      const evil = await evilSite(`${base}/v1/rerankers`);
      try {
        await memberPage.goto(evil.url);
        const outcome = await memberPage.evaluate('window.attempt');
        expect(outcome).toBe('blocked');
      } finally {
        evil.server.close();
      }

      await memberPage.goto(`${base}/console/playground`);
      await heading(memberPage, 'Playground');
      await memberPage.getByLabel('Query').fill('typed before the session ended');
      const keys = (await as(t.server, member).get('/v1/apikeys').expect(200)).body.apiKeys;
      for (const key of keys) await as(t.server, root).delete(`/v1/apikeys/${key.apiKeyId}`).expect(204);
      await memberPage.getByRole('group', { name: 'A', exact: true }).getByLabel('Reranker').fill('00000000-0000-4000-8000-000000000000');
      await memberPage.getByRole('button', { name: 'Run' }).click();
      await memberPage.getByRole('dialog').getByRole('heading', { name: 'Your session ended' }).waitFor();
      expect(await memberPage.getByLabel('Query').inputValue()).toBe('typed before the session ended');
    });
  });
});

/** A page on http://localhost:<port> that tries a credentialed POST with the CSRF header to the service. */
async function evilSite(target: string): Promise<{ server: HttpServer; url: string }> {
  const script = `window.attempt = 'pending';
fetch(${JSON.stringify(target)}, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json', 'x-rr-csrf': '1' }, body: '{}' })
  .then(() => { window.attempt = 'sent'; }, () => { window.attempt = 'blocked'; });`;
  const server = createServer((request, response) => {
    if (request.url === '/evil.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(script);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><title>evil</title><script src="/evil.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}/`;
  return { server, url };
}
