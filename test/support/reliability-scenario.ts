// Test-only: the reliability scenario every target's provisioning + usage loops must survive, run
// three ways: undisturbed (the reference, on its own database and emulators); with 20 % of requests
// to both emulators failing (429, 503, timeouts, dropped connections); and with the process
// "crashing" at random points between journal steps. Each target's test says how to start its world,
// what it prepares and what its final state is; the three tests and what they assert are the same.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AcronisEmulator } from '../../emulators/acronis/server.ts';
import type { TenantRecord } from '../../emulators/acronis/state.ts';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import type { IntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { runUsageLoop } from '../../src/sync/usage-loop.ts';
import { crashingJournal, runCrashingPasses } from './crashing-journal.ts';
import { openTestStore, testDatabases } from './databases.ts';
import type { WorldRuntimeOptions } from './world.ts';

export interface ReliabilityWorld {
  acronis: AcronisEmulator;
  runtime(options?: WorldRuntimeOptions): Promise<IntegrationRuntime>;
  close(): Promise<void>;
}

/** What every final state holds besides the target's own parts. */
export interface ReliabilityState {
  companies: { state: string }[];
  duplicateTags: number;
  createdTenants: number;
}

export interface ReliabilityCase<W extends ReliabilityWorld, S extends ReliabilityState> {
  /** The describe title, `$name` standing for the database. */
  title: string;
  startWorld(store: Store): Promise<W>;
  /** The target emulator's URL, where the faults are injected beside Acronis. */
  targetUrl(world: W): string;
  prepare(world: W, store: Store): Promise<void>;
  finalState(world: W, store: Store): Promise<S>;
  faultSeed: number;
  crashSeed: string;
  /** The first test's title and what it checks of the undisturbed run beyond the common checks. */
  undisturbed: { title: string; check?(reference: S): void };
}

function scenario(rt: IntegrationRuntime, passes: number) {
  return runCrashingPasses(rt, [runDirectoryLoop, runProvisioningLoop, runUsageLoop], passes);
}

/** A tenant's enabled offering items as `name=quota`, sorted. */
export function enabledItems(tenant: TenantRecord | undefined): string[] {
  if (tenant === undefined) return [];
  return [...tenant.items.entries()]
    .filter(([, s]) => s.status === 1 || (s as { enabled?: boolean }).enabled === true)
    .map(([k, s]) => `${k}=${JSON.stringify((s as { quota?: unknown }).quota ?? null)}`)
    .sort();
}

/** How many tenants the hub created (their `create_tenant:` tags), and how many of those tags repeat. */
export function createdTenantTags(acronis: AcronisEmulator): { duplicateTags: number; createdTenants: number } {
  const tags = [...acronis.state.tenants.values()].flatMap((t) => (t.internal_tag?.startsWith('create_tenant:') ? [t.internal_tag] : []));
  return { duplicateTags: tags.length - new Set(tags).size, createdTenants: tags.length };
}

export function describeReliability<W extends ReliabilityWorld, S extends ReliabilityState>(c: ReliabilityCase<W, S>): void {
  describe.each(testDatabases())(c.title, (db) => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let world: W;
    let reference: S;

    beforeEach(async () => {
      // The undisturbed run, on its own database and emulators.
      const ref = await openTestStore(db);
      const refWorld = await c.startWorld(ref.store);
      try {
        await c.prepare(refWorld, ref.store);
        await scenario(await refWorld.runtime(), 2);
        reference = await c.finalState(refWorld, ref.store);
      } finally {
        await refWorld.close();
        await ref.cleanup();
      }
      ({ store, cleanup } = await openTestStore(db));
      world = await c.startWorld(store);
    });
    afterEach(async () => {
      await world.close();
      await cleanup();
    });

    it(c.undisturbed.title, () => {
      expect(reference.createdTenants).toBeGreaterThan(10);
      expect(reference.duplicateTags).toBe(0);
      expect(reference.companies.filter((m) => m.state === 'mapped').length).toBeGreaterThan(10);
      c.undisturbed.check?.(reference);
    });

    it('20 % injected faults (429, 503, timeouts, dropped connections): same final state, no duplicates', { timeout: 240_000 }, async () => {
      await c.prepare(world, store);
      const rules = {
        seed: c.faultSeed,
        rules: [
          { kind: 'rate_limit', share: 0.06, retryAfterSeconds: 0 },
          { kind: 'status', status: 503, share: 0.06 },
          { kind: 'drop', share: 0.06 },
          { kind: 'timeout', share: 0.02, count: 4 },
        ],
      };
      const urls = [world.acronis.url, c.targetUrl(world)];
      for (const url of urls) {
        const res = await fetch(`${url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rules) });
        expect(res.status).toBeLessThan(300);
      }
      const rt = await world.runtime({ patient: true, journalLeaseMs: 0 });
      await scenario(rt, 4);
      for (const url of urls) await fetch(`${url}/_emulator/faults`, { method: 'DELETE' });
      await scenario(rt, 1);
      const state = await c.finalState(world, store);
      expect(state.duplicateTags).toBe(0);
      expect(state).toEqual(reference);
    });

    it('crashes at random points between journal steps, then re-runs: same final state, no duplicates', { timeout: 240_000 }, async () => {
      await c.prepare(world, store);
      const crashing = await world.runtime({ journalRepo: crashingJournal(store, c.crashSeed, 0.3), journalLeaseMs: 0 });
      const { crashes } = await scenario(crashing, 6);
      expect(crashes).toBeGreaterThan(0);
      await scenario(await world.runtime({ journalLeaseMs: 0 }), 1);
      const state = await c.finalState(world, store);
      expect(state.duplicateTags).toBe(0);
      expect(state).toEqual(reference);
    });
  });
}
