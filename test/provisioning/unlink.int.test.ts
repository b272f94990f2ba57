import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { createTenantKey } from '../../src/domain/directory-plan.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { mapToExisting, unlink } from '../../src/sync/mapping-actions.ts';
import { testDatabases } from '../support/databases.ts';
import { useSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';

// A person's unlink is a decision: the directory loop's automatic rules (the hub's own tag on the
// tenant, Custom ID, name) must not map the company again until a person does.
describe.each(testDatabases())('unlink sticks on $name', (db) => {
  let store: Store;
  let world: SyncWorld;
  useSyncWorld(db, (opened) => ({ store, world } = opened));

  it('unlink of a company whose tenant the hub created → directory passes → still not mapped; a person maps it again', async () => {
    const rt = await world.runtime();
    await runDirectoryLoop(rt, { full: true });
    const company = (await store.repos.mappings.list(world.integrationId)).find((m) => m.tenantId === null)!;
    // The tenant the hub made for it: its internal tag is the hub's create key for the company.
    const { tenant } = await rt.vendor.createCustomerTenant(
      { parentId: rt.partnerTenantId, name: `${company.companyName} (hub)`, customerId: company.companyId },
      { idempotencyKey: createTenantKey(world.integrationId, company.companyId) },
    );
    await runDirectoryLoop(rt, { full: true });
    expect(await store.repos.mappings.get(world.integrationId, company.companyId)).toMatchObject({ tenantId: tenant.id, state: 'mapped', unlinkedAt: null });

    await unlink(rt, 'anna', company.companyId);
    const unlinked = (await store.repos.mappings.get(world.integrationId, company.companyId))!;
    expect(unlinked).toMatchObject({ tenantId: null, state: 'not_mapped' });
    expect(unlinked.unlinkedAt).not.toBeNull();

    await runDirectoryLoop(rt, { full: true });
    await runDirectoryLoop(rt);
    expect(await store.repos.mappings.get(world.integrationId, company.companyId)).toMatchObject({ tenantId: null, state: 'not_mapped' });

    // A person maps it again: the decision is lifted.
    await mapToExisting(rt, 'anna', company.companyId, tenant.id);
    expect(await store.repos.mappings.get(world.integrationId, company.companyId)).toMatchObject({ tenantId: tenant.id, state: 'mapped', unlinkedAt: null });
  });
});
