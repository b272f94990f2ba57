// Every partner tenant is read where only the primary was (issue 14 rule 7), on both databases
// against the emulators: a billing platform (Gradient) gets an account for each customer of the
// second partner and the usage of those customers is counted; the product mapping catalog offers the
// union of what the partners may sell, each item and storage naming the partners that offer it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAccountPush } from '../../src/sync/billing/account-push.ts';
import { runCountPush } from '../../src/sync/billing/count-push.ts';
import { addPartner } from '../../src/sync/integration-partners.ts';
import { testDatabases } from '../support/databases.ts';
import { startHub, type TestHub } from '../support/hub.ts';
import { emulatorControl } from '../support/world.ts';
import { startSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';
import { startGradientHubHarness, type GradientHubHarness } from '../gradient/harness.ts';
import { addSecondPartner } from './second-partner.ts';

interface CatalogItem {
  key: string;
  available: boolean;
  availableStorages: string[];
  offeredBy?: string[];
}
interface Catalog {
  items: CatalogItem[];
  storages: { id: string; name: string; partners?: string[] }[];
}

describe.each(testDatabases())('a billing platform over two partner tenants on $name', { timeout: 120_000 }, (db) => {
  let h: GradientHubHarness;
  beforeEach(async () => {
    h = await startGradientHubHarness(db);
  });
  afterEach(async () => {
    await h.close();
  });

  it("pushes an account for each customer of the second partner and counts their usage", async () => {
    const second = await addSecondPartner(h.store, h);
    await addPartner(h.store, h.integrationId, second.connection.id);
    const rt = await h.runtime();
    expect(rt.partners.map((p) => p.tenantId)).toEqual([h.acronis.partnerId, second.partnerId]);

    const pushed = await runAccountPush(rt);
    expect(pushed.stats.accountsCreated).toBe(32); // the primary's 30 and the second partner's 2
    const accounts = (await h.control('gradient', 'GET', '/accounts')).items as { id: string; name: string }[];
    const secondAccounts = accounts.filter((a) => second.customers.includes(a.id));
    expect(secondAccounts.map((a) => a.name).sort()).toEqual(['Fjord Shipping', 'Oslo Dental Care']);

    // Workstations mapped in Gradient, and the second partner's accounts mapped to PSA companies: they are counted like the others.
    const services = (await h.control('gradient', 'GET', '/services')).items as { id: string; name: string }[];
    const ws = services.find((s) => s.name === 'Acronis Cyber Protect - Workstations')!;
    await h.control('gradient', 'POST', `/services/${ws.id}/map`, { psaId: '9000' });
    const psaCompanies = (await h.control('gradient', 'GET', '/psa')).companies as { id: string }[];
    for (const [i, a] of secondAccounts.entries()) await h.control('gradient', 'POST', `/accounts/${a.id}/map`, { psaId: psaCompanies[psaCompanies.length - 1 - i]!.id });
    const counted = await runCountPush(await h.runtime());
    expect(Number(counted.stats.counted)).toBeGreaterThan(0);
    const counts = (await h.control('gradient', 'GET', '/counts')).items as { accountName: string; serviceName: string; unitCount: number }[];
    // The counts are the second partner's customers' own usage, read through its API client.
    for (const [i, name] of ['Fjord Shipping', 'Oslo Dental Care'].entries()) {
      let workstations = 0;
      for await (const u of rt.vendor.getUsages([second.customers[i]!])) workstations += u.usages.filter((x) => x.name === 'pw_base_workstations').reduce((n, x) => n + x.value, 0);
      const count = counts.find((c) => c.accountName === name && c.serviceName === ws.name);
      expect(count, name).toBeDefined();
      expect(count!.unitCount, name).toBe(workstations);
    }
    expect(counts.some((c) => secondAccounts.some((a) => a.name === c.accountName) && c.unitCount > 0)).toBe(true);
  });
});

describe.each(testDatabases())('the product mapping catalog over two partner tenants on $name', (db) => {
  let hub: TestHub;
  let world: SyncWorld;
  beforeEach(async () => {
    hub = await startHub(db);
    world = await startSyncWorld(hub.store);
  });
  afterEach(async () => {
    await hub.close();
    await world.close();
  });

  const catalog = async (): Promise<Catalog> => {
    const res = await hub.app.inject({ method: 'GET', url: `/api/v1/integrations/${world.integrationId}/catalog`, headers: await hub.tokenHeaders() });
    expect(res.statusCode).toBe(200);
    return res.json<Catalog>();
  };
  const item = (c: Catalog, key: string) => c.items.find((i) => i.key === key)!;

  it('offers what either partner may sell, each item and storage naming the partners that offer it', async () => {
    const single = await catalog();
    expect(single.items.some((i) => 'offeredBy' in i)).toBe(false);
    expect(item(single, 'geo_m365_seats').available).toBe(false);

    const second = await addSecondPartner(hub.store, world);
    await addPartner(hub.store, world.integrationId, second.connection.id);
    // Only the second partner has geo-redundancy, and a storage of its own.
    const control = emulatorControl(world.acronis.url);
    await control('PUT', `/tenants/${second.partnerId}/geo-redundancy`, { enabled: true });
    const location = world.acronis.state.infras.get(single.storages[0]!.id)!.location_id;
    const own = await control<{ id: string }>('POST', '/infra', { name: 'Nordics storage', location_id: location, owner_tenant_id: second.partnerId });

    const c = await catalog();
    expect(item(c, 'workstations')).toMatchObject({ available: true, offeredBy: ['emu-cloud', 'nordics'] });
    expect(item(c, 'geo_m365_seats')).toMatchObject({ available: true, offeredBy: ['nordics'] });
    expect(c.storages.find((s) => s.id === own.id)).toMatchObject({ name: 'Nordics storage', partners: ['nordics'] });
    // The primary's own storages are still offered, said to be the primary's.
    for (const s of single.storages) expect(c.storages.find((x) => x.id === s.id)?.partners).toContain('emu-cloud');
    expect(item(c, 'storage').offeredBy).toEqual(expect.arrayContaining(['emu-cloud', 'nordics']));
  });
});
