// The vendor's schedules as the defaults, on each PSA with contracts and usage (Autotask and
// ConnectWise): offering items (quotas) every 15 minutes, usage write-back every 24 hours, each loop
// also run on demand; and a failure for one customer is shown for that customer and never stops the
// pass for the others.
import { describe, expect, it } from 'vitest';
import { createInProcessJobRunner } from '../../src/jobs/in-process-runner.ts';
import { createMemoryRunRecorder } from '../../src/jobs/memory-run-recorder.test-support.ts';
import { ConnectorError } from '../../src/connectors/kit/errors.ts';
import type { VendorCloud } from '../../src/connectors/ports.ts';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { scheduleIntegration } from '../../src/jobs/hub-loops.ts';
import { SYNC_LOOP_NAMES } from '../../src/sync/loops.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { testDatabases } from '../support/databases.ts';
import { PSAS, usePsaWorld, type PsaWorld } from './psa-worlds.ts';

describe.each(testDatabases())('vendor schedules and per-customer failures on $name', (db) => {
  describe.each(PSAS)('$name', (psa) => {
    let store: Store;
    let world: PsaWorld;
    usePsaWorld(db, psa, (opened) => ({ store, world } = opened));

    it('schedules quotas every 15 minutes and usage every 24 hours by default, and runs a loop on demand', async () => {
      const runner = createInProcessJobRunner({ recorder: createMemoryRunRecorder() });
      const ran: string[] = [];
      for (const name of SYNC_LOOP_NAMES) runner.register({ name, handler: async (ctx) => (ran.push(`${name}:${ctx.integrationId}`), {}) });
      await scheduleIntegration(runner, store, world.integrationId);
      const every = new Map((await runner.schedules()).map((s) => [s.loop, 'intervalMs' in s.every ? s.every.intervalMs : null]));
      expect(every.get('provisioning')).toBe(15 * 60_000);
      expect(every.get('usage')).toBe(24 * 60 * 60_000);
      await runner.start();
      const now = await runner.runNow(world.integrationId, 'usage');
      expect(now).toMatchObject({ loop: 'usage', trigger: 'manual', status: 'ok' });
      expect(ran).toEqual([`usage:${world.integrationId}`]);
      await runner.stop();
    });

    it("a customer whose quotas the vendor refuses fails alone, with the vendor's reason; the others are provisioned in the same pass", { timeout: 120_000 }, async () => {
      const [refused, ...others] = world.tenants();
      const fresh = await world.runtime();
      await fresh.settings.write(world.integrationId, 'provisioning', { allowServiceReductions: true });
      await runDirectoryLoop(fresh);
      // Companies with a contract that sells a mapped service, so each pass sets their quotas.
      const withLines = new Set<string>();
      for await (const c of fresh.target.contracts!.listContracts({})) if (c.active && c.lines.length > 0) withLines.add(c.companyId);
      const companies = (await store.repos.mappings.list(world.integrationId)).filter((m) => m.tenantId === null && withLines.has(m.companyId)).slice(0, 3);
      expect(companies).toHaveLength(3);
      const tenants = [refused!, ...others.slice(0, 2)];
      for (const [i, m] of companies.entries()) await store.repos.mappings.map(world.integrationId, m.companyId, { tenantId: tenants[i]! });

      const refusing = (vendor: VendorCloud): VendorCloud =>
        Object.assign(Object.create(vendor) as VendorCloud, {
          setOfferingItems: async (tenantId: string, changes: Parameters<VendorCloud['setOfferingItems']>[1]) => {
            if (tenantId === refused) throw new ConnectorError({ code: 'conflict', system: 'acronis', message: 'Quota update refused by the vendor: tenant is locked', context: { tenantId } });
            return vendor.setOfferingItems(tenantId, changes);
          },
        });
      const rt = await world.runtime({ wrapVendor: refusing });
      const run = await runProvisioningLoop(rt);
      const after = new Map((await store.repos.mappings.list(world.integrationId)).map((m) => [m.companyId, m]));
      const failed = after.get(companies[0]!.companyId)!;
      expect(failed.state).toBe('failed');
      expect(failed.error).toMatch(/tenant is locked/);
      for (const m of companies.slice(1)) expect(after.get(m.companyId)?.state).toBe('mapped');
      // The others' quota changes went out in the same pass.
      const applied = run.plan.filter((p) => p.companyId !== companies[0]!.companyId && companies.some((c) => c.companyId === p.companyId));
      expect(applied.length).toBe(2);
      for (const p of applied) expect((p.applied ?? []).every((a) => a.via !== 'failed')).toBe(true);
      expect(Number(run.stats.failedOperations)).toBeGreaterThan(0);
    });
  });
});
