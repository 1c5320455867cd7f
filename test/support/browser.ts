import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (no browser download): headless, each context
 * on a fresh profile folder. Installed by `apt-get install chromium` (.ci/run does it when
 * missing); CHROMIUM_PATH points elsewhere.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of every open page of a failed test land here (CI keeps the folder). */
export const ARTIFACTS_DIR = process.env.CONSOLE_ARTIFACTS_DIR ?? join(process.cwd(), 'test-artifacts', 'console');
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Fails under CI (the browser tests must run there); elsewhere says how to get the browser. */
export function chromiumOrSkip(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true') throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: .ci/run installs it (apt-get install chromium)`);
  console.warn(`console browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return false;
}

/** Builds the console into dist/console unless it is up to date (the build script decides). */
export function buildConsole(): void {
  execFileSync(process.execPath, [join(root, 'scripts/build-console.mjs')], { stdio: 'pipe', cwd: root });
}

export class Browser {
  private readonly contexts: Array<{ context: BrowserContext; dir: string }> = [];

  /** A fresh browser profile (cookies, storage) of its own, like a second person. */
  async newContext(): Promise<BrowserContext> {
    const dir = mkdtempSync(join(tmpdir(), 'rr-chromium-'));
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(15_000);
    this.contexts.push({ context, dir });
    return context;
  }

  async newPage(): Promise<Page> {
    const context = await this.newContext();
    return context.pages()[0] ?? (await context.newPage());
  }

  pages(): Page[] {
    return this.contexts.flatMap(({ context }) => context.pages());
  }

  async close(): Promise<void> {
    for (const { context, dir } of this.contexts.splice(0)) {
      await context.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Runs a test body; when it fails, every open page is screenshotted into ARTIFACTS_DIR first. */
export async function withScreenshots(browser: Browser, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    await Promise.all(browser.pages().map((page, i) => page.screenshot({ path: join(ARTIFACTS_DIR, `${slug}-${i}.png`), fullPage: true }).catch(() => undefined)));
    throw error;
  }
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/**
 * axe-core's WCAG 2.1 A and AA rules on the page as it is. Injected through the DevTools
 * protocol (page.evaluate), which the page's Content-Security-Policy does not govern, so
 * the policy under test stays as strict as in production.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const options = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] };
  // A string: it runs in the page, whose DOM types this Node project does not compile against.
  const result = (await page.evaluate(`axe.run(document, ${JSON.stringify(options)})`)) as { violations: unknown[] };
  return result.violations as AxeViolation[];
}

export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n');
}
