// Storage mapped per storage with its classes (issue 14 rule 1), provisioned end to end on both
// databases against the Acronis and Autotask emulators: a contract line mapped to class 2 storage of
// one storage gives the customer's tenant that class's quota on that storage, in GB as sold, while
// the storage itself stays given (a class sold alone is not the storage).
import { describe, expect, it } from 'vitest';
import { BYTES_PER_GB } from '../../src/domain/offering-item-catalog.ts';
import type { ProductMappingEntry } from '../../src/domain/product-mapping.ts';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { SYNC_LOOPS } from '../../src/sync/loops.ts';
import { integrationSettings } from '../../src/sync/settings/settings.ts';
import { testDatabases } from '../support/databases.ts';
import { demoProductMapping, itemsOf, useSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';

describe.each(testDatabases())('storage classes provisioned on $name', (db) => {
  let store: Store;
  let world: SyncWorld;
  useSyncWorld(db, (opened) => ({ store, world } = opened));

  it("gives the tenant the class 2 quota of the storage its contract line is mapped to, and keeps the storage itself", async () => {
    const storageService = world.services.get('Acronis Hosted storage (GB)')!;
    // The hosted-storage service sells class 2 (billable) storage of the platform storage.
    const entries: ProductMappingEntry[] = demoProductMapping(world.services, world.acronisInfra).map((e) =>
      e.itemKey === 'storage' ? { ...e, itemKey: 'storage_class2' } : e,
    );
    const settings = integrationSettings(store.repos.settings);
    await settings.write(world.integrationId, 'product-mapping', { entries });
    await settings.patch(world.integrationId, 'provisioning', { allowServiceReductions: true });

    const rt = await world.runtime();
    await runDirectoryLoop(rt);
    // A company whose one contract sells the storage service, mapped to a customer tenant.
    const byCompany = new Map<string, number[]>();
    for await (const c of rt.target.contracts!.listContracts({})) {
      for (const l of c.lines) if (l.productId === storageService) byCompany.set(c.companyId, [...(byCompany.get(c.companyId) ?? []), l.quantity]);
    }
    const [companyId, quantities] = [...byCompany].find(([, q]) => q.length === 1)!;
    const tenant = [...world.acronis.state.tenants.values()].find((t) => t.kind === 'customer' && t.parent_id === world.acronis.partnerId && t.enabled && t.deleted_at === null)!;
    await store.repos.mappings.map(world.integrationId, companyId, { tenantId: tenant.id, tenantName: tenant.name });

    expect(quantities![0]).toBeGreaterThan(0);
    const before = await itemsOf(rt.vendor, tenant.id);
    expect(before.get(`pw_base_storage_class2@${world.acronisInfra}`)?.value).not.toBe(quantities![0]! * BYTES_PER_GB);

    const run = await SYNC_LOOPS.provisioning(rt);
    expect(run.stats.companiesFailed).toBe(0);
    const items = await itemsOf(rt.vendor, tenant.id);
    expect(items.get(`pw_base_storage_class2@${world.acronisInfra}`)).toEqual({ enabled: true, value: quantities![0]! * BYTES_PER_GB });
    // The storage itself is still given on the default storage; class 1 is not sold, so not limited.
    expect(items.get(`pw_base_storage@${world.acronisInfra}`)?.enabled).toBe(true);
    expect(items.get(`pw_base_storage_class1@${world.acronisInfra}`)?.value ?? null).toBeNull();
  });
});
