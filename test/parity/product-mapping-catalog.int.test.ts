// The product mapping screen's data follows the vendor's rule: each storage under a location is
// mapped separately, with class 1 and class 2 items; geo-redundant items only when the partner has
// geo-redundancy; only items available to the partner are offered (the rest is marked so). With
// several partner tenants it is the union of what they offer, each item and storage naming its partners.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { startHub, type TestHub } from '../support/hub.ts';
import { emulatorControl } from '../support/world.ts';
import { startSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';
import { addPartner } from '../../src/sync/integration-partners.ts';
import { addSecondPartner } from '../partners/second-partner.ts';

interface CatalogItem {
  key: string;
  perStorage: boolean;
  available: boolean;
  availableStorages: string[];
  storageClass: string | null;
  geoRedundant: boolean;
  /** With several partner tenants only. */
  offeredBy?: string[];
}
interface Catalog {
  items: CatalogItem[];
  storages: { id: string; name: string; locationId: string | null; locationName: string | null; partners?: string[] }[];
}

describe.each(testDatabases())('product mapping catalog on $name', (db) => {
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

  it('names each storage with its location, offers storage and both classes on every backup storage, and no geo-redundant item', async () => {
    const c = await catalog();
    expect(c.storages.length).toBeGreaterThan(1);
    for (const storage of c.storages) {
      const location = world.acronis.state.locations.get(world.acronis.state.infras.get(storage.id)!.location_id!);
      expect(storage).toMatchObject({ locationId: location!.id, locationName: location!.name });
    }
    const ids = c.storages.map((s) => s.id).sort();
    for (const key of ['storage', 'storage_class1', 'storage_class2']) {
      expect(item(c, key).perStorage).toBe(true);
      expect([...item(c, key).availableStorages].sort()).toEqual(ids);
    }
    expect(item(c, 'storage_class1').storageClass).toBe('class1');
    expect(item(c, 'storage_class2').storageClass).toBe('class2');
    expect(item(c, 'workstations').available).toBe(true);
    // Geo-redundancy is off for the demo partner: its items are not available.
    for (const key of ['geo_storage', 'geo_storage_class2']) expect(item(c, key)).toMatchObject({ geoRedundant: true, availableStorages: [] });
    for (const key of ['geo_m365_seats', 'geo_gworkspace_seats']) expect(item(c, key)).toMatchObject({ geoRedundant: true, available: false });
  });

  it('offers the geo-redundant items once the partner has geo-redundancy, and a new storage under a location with its classes', async () => {
    const control = emulatorControl(world.acronis.url);
    await control('PUT', `/tenants/${world.acronis.partnerId}/geo-redundancy`, { enabled: true });
    const before = await catalog();
    const location = before.storages[0]!.locationId!;
    const added = await control<{ id: string }>('POST', '/infra', { name: 'Second storage', location_id: location, owner_tenant_id: world.acronis.partnerId });
    const c = await catalog();
    expect(c.storages.find((s) => s.id === added.id)).toMatchObject({ name: 'Second storage', locationId: location });
    for (const key of ['storage', 'storage_class1', 'storage_class2', 'geo_storage', 'geo_storage_class2']) expect(item(c, key).availableStorages).toContain(added.id);
    for (const key of ['geo_m365_seats', 'geo_gworkspace_seats']) expect(item(c, key).available).toBe(true);
  });

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
