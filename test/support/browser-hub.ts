// Test-only: what the browser tests against a hub on a test database share — the hub listening on
// the first test database, with `syncWorld` an Autotask integration on the emulators
// (test/support/autotask-sync-world.ts), and a browser with a page — started once for the file, stopped after.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startSyncWorld, type SyncWorld } from './autotask-sync-world.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { testDatabases } from './databases.ts';
import { startHub, type TestHub } from './hub.ts';

export interface BrowserHub {
  hub: TestHub;
  /** Only with `syncWorld`. */
  world: SyncWorld | undefined;
  browser: TestBrowser;
  page: Page;
}

/** Registers the file's beforeAll and afterAll; `onReady` receives the hub, the world, the browser and its page. */
export function useBrowserHub(options: { syncWorld?: boolean }, onReady: (opened: BrowserHub) => unknown): void {
  let hub: TestHub | undefined;
  let world: SyncWorld | undefined;
  let browser: TestBrowser | undefined;
  beforeAll(async () => {
    hub = await startHub(testDatabases()[0]!, { listen: true, logLevel: 'warn' });
    if (options.syncWorld === true) world = await startSyncWorld(hub.store);
    browser = await launchBrowser();
    await onReady({ hub, world, browser, page: await browser.newPage() });
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
    await hub?.close();
  });
}
