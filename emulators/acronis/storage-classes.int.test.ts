import { beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });
let partner: string;
beforeAll(() => {
  partner = h.emu.partnerId;
});

interface Item {
  name: string;
  status: 0 | 1;
  infra_id?: string;
  type: string;
  usage_name: string;
}

const offered = async () => (await h.api('GET', `/tenants/${partner}/offering_items/available_for_child?kind=customer&edition=*`)).body.items as Item[];
const names = (items: Item[]) => new Set(items.map((i) => i.name));
const backupInfras = async (): Promise<Array<{ id: string; location_id: string; capabilities: string[] }>> => {
  const ids = (await h.api('GET', `/tenants/${partner}/infra`)).body.infras as string[];
  return ((await h.api('GET', `/infra?uuids=${ids.join(',')}`)).body.items as Array<{ id: string; location_id: string; capabilities: string[] }>).filter((i) =>
    i.capabilities.includes('backup'),
  );
};

describe('storage classes', () => {
  it('offers class 1 and class 2 storage once per backup storage, next to the storage itself', async () => {
    const infras = await backupInfras();
    const items = await offered();
    for (const cls of ['pw_base_storage', 'pw_base_storage_class1', 'pw_base_storage_class2']) {
      const perStorage = items.filter((i) => i.name === cls);
      expect(perStorage.map((i) => i.infra_id).sort()).toEqual(infras.map((i) => i.id).sort());
      expect(perStorage.every((i) => i.type === 'infra')).toBe(true);
    }
    expect(items.find((i) => i.name === 'pw_base_storage_class2')?.usage_name).toBe('storage_class2');
  });

  it('a second storage under an existing location gets its own storage and class items', async () => {
    const [first] = await backupInfras();
    const added = await h.control('POST', '/infra', { name: 'Acronis Cloud Storage (EU) 2', location_id: first?.location_id });
    expect(added.status).toBe(201);
    const sameLocation = (await h.api('GET', `/locations/${first?.location_id}/infra`)).body.infras as string[];
    expect(sameLocation).toEqual(expect.arrayContaining([first?.id, added.body.id]));
    const items = await offered();
    expect(items.filter((i) => i.infra_id === added.body.id).map((i) => i.name).sort()).toEqual(
      // `storage` is the legacy standard-edition name of the same storage.
      ['pw_base_storage', 'pw_base_storage_class1', 'pw_base_storage_class2', 'storage'].sort(),
    );
    // A customer can be given the new storage's classes.
    const c = (await h.api('POST', '/tenants', { name: 'Two Storages Co', kind: 'customer', parent_id: partner })).body.id as string;
    const put = await h.api('PUT', `/tenants/${c}/offering_items`, {
      offering_items: [{ application_id: '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb', name: 'pw_base_storage_class2', infra_id: added.body.id, status: 1 }],
    });
    expect(put.status).toBe(200);
    expect(put.body.items[0]).toMatchObject({ name: 'pw_base_storage_class2', infra_id: added.body.id, status: 1 });
  });

  it('refuses a storage under a location that does not exist, naming what to give', async () => {
    expect((await h.control('POST', '/infra', { name: 'Nowhere', location_id: 'nope' })).status).toBe(404);
    const none = await h.control('POST', '/infra', { name: 'Nowhere' });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toMatch(/location_id|location_name/);
  });
});

describe('geo-redundancy', () => {
  const GEO = ['pw_base_geo_storage', 'pw_base_geo_storage_class2', 'pw_base_geo_m365_seats', 'pw_base_geo_gworkspace_seats'];

  it('is off by default: no geo-redundant item is offered or can be enabled', async () => {
    expect((await h.control('GET', `/tenants/${partner}/geo-redundancy`)).body).toMatchObject({ enabled: false, effective: false });
    const items = names(await offered());
    for (const n of GEO) expect(items.has(n)).toBe(false);
    const c = (await h.api('POST', '/tenants', { name: 'No Geo Co', kind: 'customer', parent_id: partner })).body.id as string;
    const put = await h.api('PUT', `/tenants/${c}/offering_items`, {
      offering_items: [{ application_id: '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb', name: 'pw_base_geo_m365_seats', status: 1 }],
    });
    expect(put.status).toBe(400);
    expect(put.body.error.code).toBe(1021);
  });

  it('on for the partner: backup storage and class 2 per storage, M365 and Google Workspace seats are offered, and its customers inherit it', async () => {
    const on = await h.control('PUT', `/tenants/${partner}/geo-redundancy`, { enabled: true });
    expect(on.body).toMatchObject({ enabled: true, effective: true });
    expect(on.body.items_offered).toBeGreaterThan(0);
    const items = await offered();
    const infras = await backupInfras();
    for (const n of ['pw_base_geo_storage', 'pw_base_geo_storage_class2']) {
      expect(items.filter((i) => i.name === n).map((i) => i.infra_id).sort()).toEqual(infras.map((i) => i.id).sort());
    }
    expect(items.find((i) => i.name === 'pw_base_geo_m365_seats')).toMatchObject({ usage_name: 'geo_mailboxes', type: 'count' });
    expect(items.find((i) => i.name === 'pw_base_geo_gworkspace_seats')).toMatchObject({ usage_name: 'geo_gsuite_seats' });
    const c = (await h.api('POST', '/tenants', { name: 'Geo Co', kind: 'customer', parent_id: partner })).body.id as string;
    expect((await h.control('GET', `/tenants/${c}/geo-redundancy`)).body).toMatchObject({ enabled: false, effective: true });
    const put = await h.api('PUT', `/tenants/${c}/offering_items`, {
      offering_items: [{ application_id: '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb', name: 'pw_base_geo_m365_seats', status: 1, quota: { value: 10, overage: 0, version: 0 } }],
    });
    expect(put.status).toBe(200);
    // Off again: no longer offered.
    await h.control('PUT', `/tenants/${partner}/geo-redundancy`, { enabled: false });
    expect(names(await offered()).has('pw_base_geo_storage')).toBe(false);
  });
});
