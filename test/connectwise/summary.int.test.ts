// GET /api/v1/integrations/:id/summary on both databases, over real HTTP: one endpoint for every
// target (ConnectWise and Autotask here): status, companies total and linked, new tickets, last run
// and last error per loop, the API budget, and with ?plan=true the next sync as a dry run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { mapToExisting } from '../../src/sync/mapping-actions.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { startSyncWorld } from '../support/autotask-sync-world.ts';
import { startCwHub, type CwHub } from './hub.ts';
import { customerTenants, startCwWorld, type CwWorld } from './harness.ts';

describe.each(testDatabases())('integration summary on $name', (db) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let hub: CwHub;

  beforeEach(async () => {
    ({ store, cleanup } = await openTestStore(db));
    hub = await startCwHub(store);
  });
  afterEach(async () => {
    await hub.close();
    await cleanup();
  });

  it('ConnectWise: companies total and linked, loops with last run and last error, API budget, dry-run plan', { timeout: 60_000 }, async () => {
    const world: CwWorld = await startCwWorld(store);
    try {
      const fresh = await hub.api('GET', `/api/v1/integrations/${world.integrationId}/summary`);
      expect(fresh.status).toBe(200);
      expect(fresh.body).toMatchObject({ target: 'connectwise', status: 'never_run', companies: { total: 0, linked: 0 }, tickets: { new: 0 } });

      expect((await hub.runner.runNow(world.integrationId, 'directory')).status).toBe('ok');
      const rt = await world.runtime();
      // The existing tenant's unlimited quotas become the contract's: allowed here, so the pass is clean
      // (held for approval it would rightly be 'degraded': test/trust/service-guards.int.test.ts).
      await rt.settings.patch(world.integrationId, 'provisioning', { allowServiceReductions: true });
      await mapToExisting(rt, 'tester', '250', customerTenants(world)[0]!.id);
      expect((await hub.runner.runNow(world.integrationId, 'provisioning')).status).toBe('ok');

      const ok = (await hub.api('GET', `/api/v1/integrations/${world.integrationId}/summary`)).body;
      expect(ok.status).toBe('ok');
      expect(ok.companies.total).toBeGreaterThan(20);
      expect(ok.companies).toMatchObject({ linked: 1, byState: { mapped: 1 } });
      const directory = ok.loops.find((l: { loop: string }) => l.loop === 'directory');
      expect(directory).toMatchObject({ lastRun: { status: 'succeeded' }, lastError: null });
      expect(ok.apiBudget).toMatchObject({ limit: null, windowMs: 3_600_000, rateLimited: 0 });
      expect(ok.apiBudget.used).toBeGreaterThan(0);

      // ConnectWise down: the directory run fails and the summary says so, with the error.
      await world.control('POST', '/faults', { kind: 'status', status: 503, path: '/v4_6_release/apis/3.0/company' });
      expect((await hub.runner.runNow(world.integrationId, 'directory')).status).toBe('failed');
      await world.control('DELETE', '/faults');
      const failing = (await hub.api('GET', `/api/v1/integrations/${world.integrationId}/summary`)).body;
      expect(failing.status).toBe('failed');
      expect(failing.loops.find((l: { loop: string }) => l.loop === 'directory').lastError.message).toMatch(/ConnectWise answered .* 503/);

      const planned = (await hub.api('GET', `/api/v1/integrations/${world.integrationId}/summary?plan=true`)).body;
      const loops = planned.plan.map((p: { loop: string }) => p.loop);
      expect(loops).toEqual(expect.arrayContaining(['directory', 'provisioning', 'usage', 'alerts', 'tickets']));
      expect(planned.plan.every((p: { error?: string }) => p.error === undefined)).toBe(true);
      // A dry run writes nothing: the runs recorded are the ones above.
      expect((await store.repos.loopRuns.list(world.integrationId)).length).toBeLessThanOrEqual(6);
    } finally {
      await world.close();
    }
  });

  it('Autotask: the same endpoint, with the hourly threshold as the API budget', { timeout: 60_000 }, async () => {
    const world = await startSyncWorld(store);
    try {
      expect((await hub.runner.runNow(world.integrationId, 'directory')).status).toBe('ok');
      const summary = (await hub.api('GET', `/api/v1/integrations/${world.integrationId}/summary`)).body;
      expect(summary).toMatchObject({ target: 'autotask', status: 'ok' });
      expect(summary.companies.total).toBeGreaterThan(0);
      expect(summary.apiBudget.limit).toBeGreaterThan(0);
      expect(summary.apiBudget.used).toBeGreaterThan(0);
    } finally {
      await world.close();
    }
  });

  it('answers 404 for an unknown integration and 401 without credentials', async () => {
    expect((await hub.api('GET', '/api/v1/integrations/nope/summary')).status).toBe(404);
    expect((await fetch(`${hub.url}/api/v1/integrations/nope/summary`)).status).toBe(401);
  });
});
