// ConnectWise through the shared loops, on both databases: company mapping states through the
// generic mapping actions (propose → "Ready for mapping" → apply mapping → "Mapped"), agreement
// additions → quotas (prepaid: quota = total quantity; PAYG: unlimited and the usage written to the
// addition's quantity), and prepaid + PAYG combined under one product (seed 002 §9 rule 5).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogItem } from '../../src/domain/offering-item-catalog.ts';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import type { IntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { applyMapping, mapToExisting } from '../../src/sync/mapping-actions.ts';
import { listMappings } from '../../src/sync/mapping-list.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { runUsageLoop } from '../../src/sync/usage-loop.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { customerTenants, startCwWorld, type CwWorld } from './harness.ts';

const COMPANY = '250'; // demo: a Managed Backup agreement with a PAYG workstations and a prepaid M365 seats addition

async function additionsOf(world: CwWorld, companyId: string) {
  const agreements = (await world.control('GET', '/entities/agreements?limit=1000')).items as { id: number; company: { id: number } }[];
  const agreement = agreements.find((a) => String(a.company.id) === companyId)!;
  const additions = (await world.control('GET', '/entities/additions?limit=100000')).items as { id: number; agreementId: number; product: { id: number; identifier: string }; quantity: number; customFields: { caption: string; value?: unknown }[] }[];
  return { agreementId: agreement.id, additions: additions.filter((x) => x.agreementId === agreement.id) };
}
const isPayg = (x: { customFields: { caption: string; value?: unknown }[] }) => x.customFields.some((f) => f.caption === 'Acronis PAYG' && f.value === true);

async function quotaOf(world: CwWorld, tenantId: string, itemKey: Parameters<typeof catalogItem>[0]) {
  const item = catalogItem(itemKey);
  const items = await (await world.runtime()).vendor.getOfferingItems(tenantId);
  const found = items.find((i) => item.names.includes(i.name) && i.enabled);
  return found === undefined ? undefined : (found.quota?.value ?? null);
}

describe.each(testDatabases())('ConnectWise provisioning on $name', (db) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let world: CwWorld;
  let rt: IntegrationRuntime;
  let tenant: { id: string; name: string };

  beforeEach(async () => {
    ({ store, cleanup } = await openTestStore(db));
    world = await startCwWorld(store);
    rt = await world.runtime();
    tenant = customerTenants(world)[0]!;
  });
  afterEach(async () => {
    await world.close();
    await cleanup();
  });

  it('company mapping: Not mapped → Ready for mapping → apply mapping → Mapped', async () => {
    const directory = await runDirectoryLoop(rt);
    expect(Number(directory.stats.companiesSeen)).toBeGreaterThan(20);
    const before = await listMappings(rt, {});
    const row = before.items.find((m) => m.companyId === COMPANY)!;
    expect(row).toMatchObject({ state: 'not_mapped' });
    await mapToExisting(rt, 'tester', COMPANY, tenant.id, { state: 'ready' });
    expect((await store.repos.mappings.get(world.integrationId, COMPANY))?.state).toBe('ready');
    await applyMapping(rt, 'tester', COMPANY);
    expect(await store.repos.mappings.get(world.integrationId, COMPANY)).toMatchObject({ state: 'mapped', tenantId: tenant.id });
    const counts = await store.repos.mappings.countByState(world.integrationId);
    expect(counts.mapped).toBe(1);
  });

  it('additions → quotas: prepaid = total quantity, PAYG unlimited with the usage written to the quantity', async () => {
    // About quantities: the demo tenant uses more seats than sold, which would otherwise wait for
    // approval (test/trust/service-guards.int.test.ts).
    await rt.settings.patch(world.integrationId, 'provisioning', { allowServiceReductions: true });
    await runDirectoryLoop(rt);
    await mapToExisting(rt, 'tester', COMPANY, tenant.id);
    const { additions } = await additionsOf(world, COMPANY);
    const payg = additions.find(isPayg)!;
    const prepaid = additions.find((x) => !isPayg(x))!;
    expect(payg.product.identifier).toBe('AcronisPhysicalWorkstations');
    expect(prepaid.product.identifier).toBe('AcronisM365Seats');

    const provisioning = await runProvisioningLoop(rt);
    expect(Number(provisioning.stats.failedOperations)).toBe(0);
    expect(await quotaOf(world, tenant.id, 'm365_seats')).toBe(prepaid.quantity);
    expect(await quotaOf(world, tenant.id, 'workstations')).toBeNull(); // unlimited

    // Rule 2: no usage sync for prepaid; rule 4: PAYG usage → the addition's total quantity.
    await fetch(`${world.acronis.url}/_emulator/usages`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant_id: tenant.id, usage_name: catalogItem('workstations').usageName, value: 7 }) });
    await fetch(`${world.acronis.url}/_emulator/usages`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant_id: tenant.id, usage_name: catalogItem('m365_seats').usageName, value: 3 }) });
    const usage = await runUsageLoop(rt);
    expect(usage.stats).toMatchObject({ written: 1, failed: 0 });
    expect((await world.row('additions', payg.id)).quantity).toBe(7);
    expect((await world.row('additions', prepaid.id)).quantity).toBe(prepaid.quantity);
    // Level-triggered: the same usage again writes nothing.
    expect((await runUsageLoop(rt)).stats).toMatchObject({ written: 0, writesPlanned: 0 });
  });

  it('prepaid + PAYG combined under one product: the item is unlimited and the PAYG addition shows the common usage', async () => {
    await runDirectoryLoop(rt);
    await mapToExisting(rt, 'tester', COMPANY, tenant.id);
    const { agreementId, additions } = await additionsOf(world, COMPANY);
    const payg = additions.find(isPayg)!;
    await world.control('POST', '/changes', { resource: 'additions', action: 'create', parentId: agreementId, set: { product: { id: payg.product.id }, quantity: 10, billCustomer: 'Billable' } });
    const provisioning = await runProvisioningLoop(rt);
    expect(provisioning.plan.flatMap((p) => p.problems).filter((p) => p.code === 'mixed_billing')).toEqual([]);
    expect(await quotaOf(world, tenant.id, 'workstations')).toBeNull();
    await fetch(`${world.acronis.url}/_emulator/usages`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant_id: tenant.id, usage_name: catalogItem('workstations').usageName, value: 14 }) });
    await runUsageLoop(rt);
    const after = (await additionsOf(world, COMPANY)).additions;
    expect(after.find((x) => x.id === payg.id)?.quantity).toBe(14);
    expect(after.filter((x) => !isPayg(x) && x.product.id === payg.product.id).map((x) => x.quantity)).toEqual([10]);
  });
});
