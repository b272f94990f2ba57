// Test-only: the world of the trust tests — the hub as `serve` runs it (test/connectwise/hub.ts:
// HTTP API, in-process runner, an admin) on a test database, with an Autotask integration against
// the emulators (test/support/autotask-sync-world.ts) — opened before each test and closed after it.
import { afterEach, beforeEach } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { startCwHub, type CwHub } from '../connectwise/hub.ts';
import { openTestStore, type TestDatabase } from '../support/databases.ts';
import { startSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';

export interface AutotaskHubWorld {
  store: Store;
  hub: CwHub;
  world: SyncWorld;
}

/** Registers the hooks in the calling `describe`; `onReady` receives each test's fresh world. */
export function useAutotaskHub(db: TestDatabase, onReady: (world: AutotaskHubWorld) => void): void {
  let cleanup: (() => Promise<void>) | undefined;
  let opened: AutotaskHubWorld | undefined;
  beforeEach(async () => {
    const { store, cleanup: close } = await openTestStore(db);
    cleanup = close;
    const hub = await startCwHub(store);
    const world = await startSyncWorld(store);
    opened = { store, hub, world };
    onReady(opened);
  });
  afterEach(async () => {
    await opened?.world.close();
    await opened?.hub.close();
    await cleanup?.();
  });
}
