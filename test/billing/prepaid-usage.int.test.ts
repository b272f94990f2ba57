// Prepaid usage compared, not written (against the Acronis and Autotask emulators, both databases):
// a prepaid customer using more workstations than it bought is listed as over, with the overage;
// the contract's units are never touched.
import { describe, expect, it } from 'vitest';
import type { TargetContract } from '../../src/connectors/ports.ts';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { listPrepaidUsage } from '../../src/sync/prepaid-usage.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { runUsageLoop } from '../../src/sync/usage-loop.ts';
import { testDatabases } from '../support/databases.ts';
import { useSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';

describe.each(testDatabases())('prepaid usage on $name', (db) => {
  let store: Store;
  let world: SyncWorld;
  useSyncWorld(db, (opened) => ({ store, world } = opened));

  it('lists a customer over its contracted workloads with the overage, and writes nothing to the contract', async () => {
    const rt = await world.runtime();
    await runDirectoryLoop(rt);
    await rt.prepareTarget();
    const mapping = await rt.settings.read(world.integrationId, 'product-mapping');
    const itemOf = new Map(mapping.entries.filter((e) => e.service.kind === 'existing').map((e) => [(e.service as { productId: string }).productId, e.itemKey]));
    const counted = new Map([['workstations', 'workstations'], ['servers', 'servers'], ['vms', 'vms'], ['mobiles', 'mobiles']]);
    let found: { companyId: string; units: number; itemKey: string; usageName: string; productId: string } | undefined;
    for await (const c of rt.target.contracts!.listContracts({})) {
      for (const l of c.lines) {
        const itemKey = itemOf.get(l.productId);
        const usageName = itemKey === undefined ? undefined : counted.get(itemKey);
        if (found === undefined && c.billing === 'prepaid' && l.billing === 'prepaid' && l.active && l.quantity > 0 && usageName !== undefined) {
          found = { companyId: c.companyId, units: l.quantity, itemKey: itemKey!, usageName, productId: l.productId };
        }
      }
    }
    expect(found).toBeDefined();
    const tenantId = [...world.acronis.state.tenants.values()].find((t) => t.kind === 'customer' && t.parent_id === world.acronis.partnerId && t.enabled && t.ancestral_access)!.id;
    await store.repos.mappings.map(world.integrationId, found!.companyId, { tenantId });
    await runProvisioningLoop(rt, { full: true });

    const within = await listPrepaidUsage(rt);
    const before = within.customers.find((c) => c.companyId === found!.companyId)!;
    expect(before.rows.find((r) => r.itemKey === found!.itemKey)).toMatchObject({ contracted: found!.units, quotaValue: found!.units });

    const res = await fetch(`${world.acronis.url}/_emulator/usages`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_id: tenantId, usage_name: found!.usageName, value: found!.units + 4 }),
    });
    expect(res.status).toBe(200);
    const list = await listPrepaidUsage(rt, { onlyOver: true });
    const customer = list.customers.find((c) => c.companyId === found!.companyId)!;
    expect(customer).toMatchObject({ over: true, tenantId, usageUnavailable: false });
    expect(customer.rows.find((r) => r.itemKey === found!.itemKey)).toMatchObject({ contracted: found!.units, usage: found!.units + 4, overage: 4, over: true });
    expect(list.customers.every((c) => c.over)).toBe(true);
    expect(list.overCount).toBeGreaterThanOrEqual(1);

    // Compared, not written: the usage loop leaves prepaid units as they were.
    await runUsageLoop(rt);
    const after: TargetContract[] = [];
    for await (const c of rt.target.contracts!.listContracts({})) if (c.companyId === found!.companyId) after.push(c);
    expect(after.flatMap((c) => c.lines).find((l) => l.productId === found!.productId && l.billing === 'prepaid')?.quantity).toBe(found!.units);
  }, 180_000);
});
