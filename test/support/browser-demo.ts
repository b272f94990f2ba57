// Test-only: what the browser tests against `psa-bridge demo` share — the demo in a data directory
// of its own, read once it has listed the emulators the file needs, and a browser with a page
// (signed in unless the file tests the sign-in itself) — started once for the file, stopped after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { startCli, type LongRunningCli } from './cli.ts';
import { signInToPortal, type DemoBanner } from './demo-banner.ts';

export interface BrowserDemo<D> {
  demo: D;
  browser: TestBrowser;
  page: Page;
}

export interface BrowserDemoOptions<D> {
  /** Names the data directory (`psa-bridge-<name>-…`). */
  name: string;
  /** Reads the demo's banner once it is up. */
  read(cli: LongRunningCli): Promise<D>;
  /** Signs in on the portal's page (default true). */
  signIn?: boolean;
  /** What the file sets up on the demo's emulators before the browser starts. */
  prepare?(demo: D): Promise<void>;
  /** For beforeAll (default 90 s). */
  timeoutMs?: number;
}

/** Registers the file's beforeAll and afterAll; `onReady` receives the demo, the browser and its page, then may set up more. */
export function useBrowserDemo<D extends Pick<DemoBanner, 'portal' | 'username' | 'password'>>(
  options: BrowserDemoOptions<D>,
  onReady: (opened: BrowserDemo<D>) => unknown,
): void {
  let dataDir: string | undefined;
  let cli: LongRunningCli | undefined;
  let browser: TestBrowser | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), `psa-bridge-${options.name}-`));
    cli = await startCli(['demo', '--data-dir', path.join(dataDir, 'demo')], {}, 60_000);
    const demo = await options.read(cli);
    await options.prepare?.(demo);
    browser = await launchBrowser();
    const page = await browser.newPage();
    if (options.signIn !== false) await signInToPortal(page, demo);
    await onReady({ demo, browser, page });
  }, options.timeoutMs ?? 90_000);
  afterAll(async () => {
    await browser?.close();
    await cli?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });
}
