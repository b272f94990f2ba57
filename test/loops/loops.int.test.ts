import { describe, expect, it } from 'vitest';
import type { TargetContract } from '../../src/connectors/ports.ts';
import type { ContractLine } from '../../src/domain/contract-line.ts';
import { catalogItem, type CatalogItem, type CatalogItemKey } from '../../src/domain/offering-item-catalog.ts';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { runUsageLoop } from '../../src/sync/usage-loop.ts';
import { SyncSnapshotsRepository } from '../../src/store/repositories/sync-snapshots.ts';
import { testDatabases } from '../support/databases.ts';
import { itemsOf, useSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';

async function contractsOf(world: SyncWorld, companyId: string): Promise<TargetContract[]> {
  const rt = await world.runtime();
  const out: TargetContract[] = [];
  for await (const c of rt.target.contracts!.listContracts({ companyIds: [companyId] })) out.push(c);
  return out;
}

const COUNTED: [CatalogItemKey, string][] = [
  ['workstations', 'Workstations'],
  ['servers', 'Servers'],
  ['vms', 'Virtual machines'],
  ['mobiles', 'Mobile devices'],
];

/** A company whose one contract of the given billing sells a counted, mapped workload; with that item and its units. */
async function companyWith(
  world: SyncWorld,
  billing: 'prepaid' | 'payg',
): Promise<{ companyId: string; contract: TargetContract; item: CatalogItem; units: number; line: ContractLine }> {
  const rt = await world.runtime();
  const byCompany = new Map<string, TargetContract[]>();
  for await (const c of rt.target.contracts!.listContracts({})) byCompany.set(c.companyId, [...(byCompany.get(c.companyId) ?? []), c]);
  for (const [companyId, contracts] of byCompany) {
    const [c] = contracts;
    if (contracts.length !== 1 || c!.billing !== billing) continue;
    for (const [key, service] of COUNTED) {
      const lines = c!.lines.filter((l) => l.productId === world.services.get(service));
      if (lines.length > 0) return { companyId, contract: c!, item: catalogItem(key), units: lines.reduce((n, l) => n + l.quantity, 0), line: lines[0]! };
    }
  }
  throw new Error(`no ${billing} contract with a counted workload in the demo dataset`);
}

function freeTenants(world: SyncWorld): string[] {
  return [...world.acronis.state.tenants.values()]
    .filter((t) => t.kind === 'customer' && t.parent_id === world.acronis.partnerId && t.enabled && t.name !== 'Trey Research')
    .map((t) => t.id);
}

describe.each(testDatabases())('sync loops on $name', (db) => {
  let store: Store;
  let world: SyncWorld;
  useSyncWorld(db, (opened) => ({ store, world } = opened));

  it('directory: records every company, suggests an exact name match, fails a mapping whose tenant is gone', async () => {
    const rt = await world.runtime();
    const first = await runDirectoryLoop(rt);
    expect(first.stats.companiesSeen).toBe(36);
    const counts = await store.repos.mappings.countByState(world.integrationId);
    expect(counts.not_mapped + counts.ready).toBe(36);

    // A company renamed to exactly a tenant's name (other case and spacing) is suggested, not mapped.
    const [company] = await store.repos.mappings.list(world.integrationId, { state: 'not_mapped', limit: 1 });
    const row = world.autotask.state.table('Companies').rows.get(Number(company!.companyId))!;
    row.companyName = '  fabrikam   LOGISTICS ';
    row.lastTrackedModifiedDateTime = new Date(Date.now() + 1000).toISOString();
    await runDirectoryLoop(rt);
    const suggested = await store.repos.mappings.get(world.integrationId, company!.companyId);
    const fabrikam = [...world.acronis.state.tenants.values()].find((t) => t.name === 'Fabrikam Logistics')!;
    expect(suggested).toMatchObject({ state: 'ready', tenantId: fabrikam.id });

    // A mapped tenant deleted in the cloud → failed, with the reason.
    const [other] = await store.repos.mappings.list(world.integrationId, { state: 'not_mapped', limit: 1 });
    const victim = freeTenants(world).find((id) => id !== fabrikam.id)!;
    await store.repos.mappings.map(world.integrationId, other!.companyId, { tenantId: victim });
    await rt.vendor.deleteTenant(victim);
    const dry = await runDirectoryLoop(rt, { dryRun: true });
    expect(dry.plan).toMatchObject([{ kind: 'fail', companyId: other!.companyId }]);
    expect((await store.repos.mappings.get(world.integrationId, other!.companyId))!.state).toBe('mapped');
    await runDirectoryLoop(rt);
    const failed = await store.repos.mappings.get(world.integrationId, other!.companyId);
    expect(failed).toMatchObject({ state: 'failed', tenantId: victim });
    expect(failed!.error).toContain('no longer exists');
  });

  it('prepaid: sets quotas from contract units; a second pass plans nothing; a dry run changes nothing', async () => {
    const rt = await world.runtime();
    await runDirectoryLoop(rt);
    const { companyId, item, units } = await companyWith(world, 'prepaid');
    const tenantId = freeTenants(world)[0]!;
    await store.repos.mappings.map(world.integrationId, companyId, { tenantId });

    const dry = await runProvisioningLoop(rt, { dryRun: true });
    const planned = dry.plan.find((p) => p.companyId === companyId)!;
    expect(planned.operations.map((o) => o.kind)).toContain('set_offering_items');
    const before = await itemsOf(rt.vendor, tenantId);
    expect(await itemsOf(rt.vendor, tenantId)).toEqual(before);
    expect((await rt.journal.counts(world.integrationId)).done).toBe(0);

    const run = await runProvisioningLoop(rt);
    expect(run.stats.applied).toBeGreaterThan(0);
    const items = await itemsOf(rt.vendor, tenantId);
    expect(item.names.map((n) => items.get(n)).find((i) => i?.enabled)).toEqual({ enabled: true, value: units });
    expect((await store.repos.mappings.get(world.integrationId, companyId))!.state).toBe('mapped');

    const again = await runProvisioningLoop(rt);
    expect(again.stats.operationsPlanned).toBe(0);
    expect(await itemsOf(rt.vendor, tenantId)).toEqual(items);
  });

  it('PAYG: items unlimited, usage written as unit adjustments; a second run writes nothing', async () => {
    const rt = await world.runtime();
    await runDirectoryLoop(rt);
    const { companyId, item, line } = await companyWith(world, 'payg');
    const tenantId = freeTenants(world)[1]!;
    await store.repos.mappings.map(world.integrationId, companyId, { tenantId });
    await runProvisioningLoop(rt);
    const items = await itemsOf(rt.vendor, tenantId);
    expect(item.names.map((n) => items.get(n)).find((i) => i?.enabled)).toEqual({ enabled: true, value: null });

    const usage = await runUsageLoop(rt);
    expect(usage.stats.written).toBeGreaterThan(0);
    const usages = (await (async () => {
      for await (const u of rt.vendor.getUsages([tenantId])) return u.usages;
      return [];
    })()).filter((u) => u.usageName === item.usageName && item.names.includes(u.name));
    const expected = usages.reduce((n, u) => n + u.value, 0);
    expect(await rt.target.usage!.readBilledQuantity(line, new Date())).toBe(expected);

    const adjustmentsBefore = world.autotask.state.serviceAdjustments.get(Number(line.lineId))!.length;
    const second = await runUsageLoop(rt);
    expect(second.stats.writesPlanned).toBe(0);
    expect(world.autotask.state.serviceAdjustments.get(Number(line.lineId))!.length).toBe(adjustmentsBefore);

    // The next month: the units carried over are the usage, so nothing is counted again.
    const now = new Date();
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 30));
    for (const url of [world.acronis.url, world.autotask.url]) {
      await fetch(`${url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ now: nextMonth.toISOString() }) });
    }
    const later = await world.runtime({ clock: () => new Date(nextMonth.getTime() + (Date.now() - now.getTime())) });
    const april = await runUsageLoop(later);
    expect(april.stats.writesPlanned).toBe(0);
    expect(world.autotask.state.serviceAdjustments.get(Number(line.lineId))!.length).toBe(adjustmentsBefore);
    expect(await later.target.usage!.readBilledQuantity(line, nextMonth)).toBe(expected);
  });

  it('a contract mixing PAYG and prepaid lines is refused with a visible reason', async () => {
    const { companyId, contract, item } = await companyWith(world, 'prepaid');
    // Autotask marks billing per contract, so a mixed one comes from a target that allows line-level billing: faked here.
    const rt = await world.runtime({
      wrapTarget: (target) => ({
        ...target,
        system: target.system,
        capabilities: target.capabilities,
        testConnection: () => target.testConnection(),
        prepare: () => target.prepare(),
        directory: target.directory,
        contracts: {
          listContracts: (q) =>
            (async function* () {
              for await (const c of target.contracts!.listContracts(q)) {
                yield c.id === contract.id ? { ...c, lines: c.lines.map((l, i) => (i === 0 ? { ...l, billing: 'payg' as const } : l)) } : c;
              }
            })(),
        },
        ...(target.usage ? { usage: target.usage } : {}),
      }),
    });
    await runDirectoryLoop(rt);
    const tenantId = freeTenants(world)[2]!;
    await store.repos.mappings.map(world.integrationId, companyId, { tenantId });
    const before = await itemsOf(rt.vendor, tenantId);
    const run = await runProvisioningLoop(rt);
    expect(run.stats.problemErrors).toBeGreaterThan(0);
    const mapping = await store.repos.mappings.get(world.integrationId, companyId);
    expect(mapping!.state).toBe('failed');
    expect(mapping!.error).toContain('both pay-as-you-go and prepaid');
    const problems = await new SyncSnapshotsRepository(store.db).listProblems(world.integrationId, { companyId });
    expect(problems.map((p) => p.code)).toContain('mixed_billing');
    const after = await itemsOf(rt.vendor, tenantId);
    for (const name of item.names) expect(after.get(name)).toEqual(before.get(name));
  });
});
