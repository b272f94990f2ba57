// Browser tests: Debian's Chromium driven by playwright-core, one browser per test file.
//
// Every page records console errors, uncaught exceptions and failed requests; `assertNoErrors()`
// fails the test on any (a portal that logs errors is broken even if the assertion passed).
// Screenshots go to test-artifacts/screenshots/<name>.png (gitignored, kept by CI as artifacts).
//
// @example
//   let browser: TestBrowser;
//   beforeAll(async () => (browser = await launchBrowser()));
//   afterAll(() => browser.close());
//   it('signs in', async () => {
//     const page = await browser.newPage();
//     await page.goto(portal);
//     await browser.screenshot(page, 'sign-in');
//     browser.assertNoErrors();
//   });
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  /** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png and returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  /** Console errors, page errors and failed requests seen so far. */
  errors(): string[];
  /** Throws when any page logged an error; `allow` matches errors a test provoked on purpose. */
  assertNoErrors(allow?: RegExp[]): void;
  close(): Promise<void>;
}

/** What to do when there is no browser, said at once rather than as a launch timeout. */
export const CHROMIUM_MISSING =
  `The browser tests drive Chromium at ${CHROMIUM_PATH}, which is not there. Install it with ` +
  '`sudo apt-get install -y chromium` (Debian/Ubuntu; `.ci/run` does this), or point CHROMIUM_PATH at a Chromium or Chrome binary.';

export function requireChromium(path = CHROMIUM_PATH): void {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(path === CHROMIUM_PATH ? CHROMIUM_MISSING : CHROMIUM_MISSING.replace(CHROMIUM_PATH, path));
  }
}

export async function launchBrowser(options: { width?: number; height?: number } = {}): Promise<TestBrowser> {
  requireChromium();
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'psa-bridge-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
  });
  // Fail fast with playwright's own message rather than at vitest's test timeout.
  context.setDefaultTimeout(10_000);
  const errors: string[] = [];
  const watch = (page: Page): void => {
    page.on('console', (message) => {
      // The resource URL matters: "Failed to load resource … 401" names no URL in its text.
      if (message.type() === 'error') errors.push(`console: ${message.text()} [${message.location().url || page.url()}]`);
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message} (${page.url()})`));
    page.on('requestfailed', (request) => {
      // Navigations away abort in-flight requests; that is not an error of the page.
      if (request.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
    });
  };
  context.on('page', watch);
  for (const page of context.pages()) watch(page);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  return {
    context,
    async newPage(size) {
      const existing = context.pages().find((p) => p.url() === 'about:blank');
      const page = existing ?? (await context.newPage());
      if (size) await page.setViewportSize({ width: size.width ?? 1280, height: size.height ?? 800 });
      return page;
    },
    async screenshot(page, name) {
      const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    errors: () => [...errors],
    assertNoErrors(allow = []) {
      const unexpected = errors.filter((error) => !allow.some((pattern) => pattern.test(error)));
      if (unexpected.length > 0) throw new Error(`the browser reported errors:\n  ${unexpected.join('\n  ')}`);
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
