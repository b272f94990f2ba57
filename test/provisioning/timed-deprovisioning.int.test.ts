// The vendor's provisioning options against the emulators (Acronis + Autotask), on both databases:
// new tenants in the chosen mode (Production by default), and timed deprovisioning — disable after N
// days, delete after M days once no contract with a mapped service is in effect, the countdown kept
// per company across passes and cancelled when a contract returns.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TargetContract } from '../../src/connectors/ports.ts';
import type { Store } from '../../src/store/store.ts';
import { DeprovisioningCountdownsRepository } from '../../src/store/repositories/deprovisioning-countdowns.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { companiesWithOnePrepaidContract, startSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';

const DAY = 86_400_000;

async function prepaidCompany(world: SyncWorld): Promise<{ companyId: string; contract: TargetContract }> {
  const [first] = await companiesWithOnePrepaidContract(world);
  if (first !== undefined) return first;
  throw new Error('no prepaid company in the demo dataset');
}

const customerTenant = (world: SyncWorld, index: number) =>
  [...world.acronis.state.tenants.values()].filter((t) => t.kind === 'customer' && t.parent_id === world.acronis.partnerId && t.enabled && t.name !== 'Trey Research')[index]!.id;

describe.each(testDatabases())('vendor provisioning options on $name', (db) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let world: SyncWorld;
  let offsetDays = 0;
  const clock = () => new Date(Date.now() + offsetDays * DAY);

  beforeEach(async () => {
    offsetDays = 0;
    ({ store, cleanup } = await openTestStore(db));
    world = await startSyncWorld(store);
  });
  afterEach(async () => {
    await world.close();
    await cleanup();
  });

  it.each(['production', 'trial'] as const)('automatic provisioning creates the tenant in %s mode, read back from the vendor', async (mode) => {
    const rt = await world.runtime();
    const settings = await rt.settings.read(world.integrationId, 'provisioning');
    expect(settings.tenantMode).toBe('production');
    if (mode === 'trial') await rt.settings.patch(world.integrationId, 'provisioning', { tenantMode: 'trial' });
    await rt.settings.patch(world.integrationId, 'provisioning', { automaticProvisioning: true });
    await runDirectoryLoop(rt);
    const { companyId } = await prepaidCompany(world);
    await runProvisioningLoop(rt);
    const mapping = (await store.repos.mappings.get(world.integrationId, companyId))!;
    expect(mapping.state).toBe('mapped');
    expect(world.acronis.state.tenants.get(mapping.tenantId!)!.pricing_mode).toBe(mode);
    expect(await rt.vendor.getPricingMode(mapping.tenantId!)).toBe(mode);
    // The snapshot the portal shows holds the mode read back.
    const [row] = (await rt.snapshots.getTenants(world.integrationId, [mapping.tenantId!])).values();
    expect((row!.data as { pricingMode: string }).pricingMode).toBe(mode);
  }, 120_000);

  it('disables after N days, is cancelled when a contract returns (tenant enabled again), then deletes after M days', async () => {
    const rt = await world.runtime({ clock });
    const countdowns = new DeprovisioningCountdownsRepository(store.db);
    await runDirectoryLoop(rt);
    const { companyId, contract } = await prepaidCompany(world);
    const tenantId = customerTenant(world, 4);
    await store.repos.mappings.map(world.integrationId, companyId, { tenantId });
    // Disabling and deleting are reductions the guards would hold for approval; this test is about the countdown.
    await rt.settings.patch(world.integrationId, 'provisioning', { allowServiceReductions: true });
    await rt.settings.patch(world.integrationId, 'provisioning', { timedDeprovisioning: { disable: { enabled: true, days: 10 }, delete: { enabled: true, days: 30 } } });
    await runProvisioningLoop(rt, { full: true });
    expect(await countdowns.list(world.integrationId)).toEqual([]);

    const row = world.autotask.state.table('Contracts').rows.get(Number(contract.id))!;
    const lapse = () => {
      row.endDate = new Date(clock().getTime() - 2 * DAY).toISOString().slice(0, 10) + 'T00:00:00Z';
      row.lastModifiedDateTime = new Date(Date.now() + 1000).toISOString();
    };
    lapse();
    const first = await runProvisioningLoop(rt, { full: true });
    const [started] = await countdowns.list(world.integrationId);
    expect(started).toMatchObject({ companyId, tenantId });
    expect(first.plan.find((p) => p.companyId === companyId)?.problems.find((p) => p.code === 'deprovisioning_scheduled')?.message).toMatch(/disabled in 10 days/);
    expect(world.acronis.state.tenants.get(tenantId)!.enabled).toBe(true);

    // Nine days on: nothing yet. Ten: disabled — by an incremental pass, since time alone made it due.
    offsetDays = 9;
    await runProvisioningLoop(rt);
    expect(world.acronis.state.tenants.get(tenantId)!.enabled).toBe(true);
    offsetDays = 10.1;
    await runProvisioningLoop(rt);
    expect(world.acronis.state.tenants.get(tenantId)!.enabled).toBe(false);
    expect((await countdowns.list(world.integrationId))[0]!.lapsedAt).toBe(started!.lapsedAt);

    // The contract returns: the countdown is cancelled and the tenant enabled again.
    row.endDate = null;
    row.lastModifiedDateTime = new Date(Date.now() + 2000).toISOString();
    offsetDays = 12;
    await runProvisioningLoop(rt, { full: true });
    expect(await countdowns.list(world.integrationId)).toEqual([]);
    expect(world.acronis.state.tenants.get(tenantId)!.enabled).toBe(true);

    // It lapses again: a fresh countdown, deletion thirty days after this lapse.
    lapse();
    row.lastModifiedDateTime = new Date(Date.now() + 3000).toISOString();
    await runProvisioningLoop(rt, { full: true });
    const again = (await countdowns.list(world.integrationId))[0]!;
    expect(Date.parse(again.lapsedAt)).toBeGreaterThan(Date.parse(started!.lapsedAt));
    offsetDays = 12 + 30.1;
    await runProvisioningLoop(rt);
    const tenant = world.acronis.state.tenants.get(tenantId);
    expect(tenant === undefined || tenant.deleted_at !== null).toBe(true);
    await runProvisioningLoop(rt, { full: true });
    expect(await countdowns.list(world.integrationId)).toEqual([]);
  }, 180_000);
});
