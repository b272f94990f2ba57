import { beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const BACKUP = '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb';
const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });
let partner: string;
beforeAll(() => {
  partner = h.emu.partnerId;
});

interface Item {
  name: string;
  edition: string | null;
  status: 0 | 1;
  infra_id?: string;
  type: string;
  usage_name: string;
  quota?: { value: number | null; overage: number | null; version: number };
}

async function freshCustomer(name = 'Items Co'): Promise<string> {
  return (await h.api('POST', '/tenants', { name, kind: 'customer', parent_id: partner })).body.id;
}
const items = async (tenant: string, query = 'edition=*') => (await h.api('GET', `/tenants/${tenant}/offering_items?${query}`)).body.items as Item[];
const storageInfra = async () => {
  const infras = (await h.api('GET', `/infra?uuids=${(await h.api('GET', `/tenants/${partner}/infra`)).body.infras.join(',')}`)).body.items;
  return infras.find((i: { platform_owned: boolean }) => i.platform_owned).id as string;
};

describe('GET offering items', () => {
  it('defaults to the legacy standard edition; edition=* shows per-workload items', async () => {
    const c = await freshCustomer();
    const def = await items(c, '');
    expect(def.length).toBeGreaterThan(0);
    expect(def.every((i) => i.edition === 'standard')).toBe(true);
    const all = await items(c);
    expect(all.some((i) => i.name === 'pw_base_workstations' && i.edition === 'pck_per_workload')).toBe(true);
    expect(all.some((i) => i.name === 'local_storage' && i.edition === null)).toBe(true);
    expect(all.filter((i) => i.name.startsWith('pw_pack_adv_')).length).toBe(8);
    const pw = await items(c, 'edition=pck_per_workload');
    expect(pw.every((i) => i.edition === 'pck_per_workload')).toBe(true);
  });

  it('has one pw_base_storage per storage infra, with usage names from the reference', async () => {
    const all = await items(partner);
    const storages = all.filter((i) => i.name === 'pw_base_storage');
    expect(storages).toHaveLength(2);
    expect(new Set(storages.map((s) => s.infra_id)).size).toBe(2);
    expect(storages[0]).toMatchObject({ type: 'infra', usage_name: 'storage' });
    expect(all.find((i) => i.name === 'pw_base_m365_seats')?.usage_name).toBe('mailboxes');
    expect(all.find((i) => i.name === 'pw_base_gworkspace_seats')?.usage_name).toBe('gsuite_seats');
    expect(all.find((i) => i.name === 'pw_pack_adv_email_security')?.usage_name).toBe('pack_adv_email_security_mailboxes');
  });

  it('a new customer has everything available but off, and off items carry no quota', async () => {
    const all = await items(await freshCustomer());
    expect(all.every((i) => i.status === 0)).toBe(true);
    expect(all.every((i) => i.quota === undefined)).toBe(true);
  });

  it('filters by status and type', async () => {
    const seeded = (await h.api('GET', `/tenants?parent_id=${partner}&limit=1`)).body.items[0].id;
    const on = await items(seeded, 'edition=*&status=1');
    expect(on.length).toBeGreaterThan(0);
    expect(on.every((i) => i.status === 1 && i.quota !== undefined)).toBe(true);
    const infra = await items(seeded, 'edition=*&type=infra');
    expect(infra.every((i) => i.type === 'infra' && typeof i.infra_id === 'string')).toBe(true);
  });

  it('lists what a child may get from a parent', async () => {
    const r = await h.api('GET', `/tenants/${partner}/offering_items/available_for_child?kind=customer&edition=*`);
    expect(r.status).toBe(200);
    expect(r.body.items.some((i: Item) => i.name === 'pw_base_servers')).toBe(true);
    expect(r.body.items.every((i: Item) => i.status === 1)).toBe(true);
  });
});

describe('PUT offering items', () => {
  it('changes only the listed items and returns them', async () => {
    const c = await freshCustomer();
    const infra = await storageInfra();
    const r = await h.api('PUT', `/tenants/${c}/offering_items`, {
      offering_items: [
        { application_id: BACKUP, name: 'pw_base_workstations', status: 1 },
        { application_id: BACKUP, name: 'pw_base_storage', infra_id: infra, status: 1 },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(2);
    expect(r.body.items[0]).toMatchObject({ name: 'pw_base_workstations', status: 1, quota: { value: null, overage: null, version: 0 }, tenant_id: c });
    const on = (await items(c, 'edition=*&status=1')).map((i) => `${i.name}|${i.infra_id ?? ''}`).sort();
    expect(on).toEqual([`pw_base_storage|${infra}`, 'pw_base_workstations|']);
  });

  it('sets quotas with epoch-ms versions, refuses stale versions (1001), resets to 0 for unlimited', async () => {
    const c = await freshCustomer();
    await h.api('PUT', `/tenants/${c}/offering_items`, { offering_items: [{ application_id: BACKUP, name: 'pw_base_servers', status: 1 }] });
    const fetched = (await items(c, 'edition=*&status=1')).find((i) => i.name === 'pw_base_servers') as Item;
    expect(fetched.quota?.version).toBe(0);
    // Send the whole fetched object back with the quota edited, as the samples do.
    const before = Date.now();
    const set = await h.api('PUT', `/tenants/${c}/offering_items`, {
      offering_items: [{ ...fetched, application_id: BACKUP, quota: { ...fetched.quota, value: 10, overage: 2 } }],
    });
    expect(set.status).toBe(200);
    const q = set.body.items[0].quota;
    expect(q).toMatchObject({ value: 10, overage: 2 });
    expect(q.version).toBeGreaterThanOrEqual(before);
    const stale = await h.api('PUT', `/tenants/${c}/offering_items`, {
      offering_items: [{ application_id: BACKUP, name: 'pw_base_servers', quota: { value: 20, overage: 2, version: 0 } }],
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe(1001);
    const unlimited = await h.api('PUT', `/tenants/${c}/offering_items`, {
      offering_items: [{ application_id: BACKUP, name: 'pw_base_servers', quota: { value: null, overage: null, version: q.version } }],
    });
    expect(unlimited.body.items[0].quota).toEqual({ value: null, overage: null, version: 0 });
  });

  it('disabling drops the quota', async () => {
    const c = await freshCustomer();
    await h.api('PUT', `/tenants/${c}/offering_items`, { offering_items: [{ application_id: BACKUP, name: 'pw_base_vms', status: 1 }] });
    const off = await h.api('PUT', `/tenants/${c}/offering_items`, { offering_items: [{ application_id: BACKUP, name: 'pw_base_vms', status: 0 }] });
    expect(off.body.items[0].status).toBe(0);
    expect(off.body.items[0].quota).toBeUndefined();
  });

  it('answers 1021 for an item the parent does not offer, and applies nothing', async () => {
    const c = await freshCustomer();
    const r = await h.api('PUT', `/tenants/${c}/offering_items`, {
      offering_items: [
        { application_id: BACKUP, name: 'pw_base_workstations', status: 1 },
        { application_id: BACKUP, name: 'pw_base_teleporters', status: 1 },
      ],
    });
    expect(r.body.error.code).toBe(1021);
    expect((await items(c, 'edition=*&status=1'))).toEqual([]);
    // Infra items need the infra_id that identifies them.
    expect((await h.api('PUT', `/tenants/${c}/offering_items`, { offering_items: [{ application_id: BACKUP, name: 'pw_base_storage', status: 1 }] })).body.error.code).toBe(1021);
  });

  it('a customer only gets what its parent enabled', async () => {
    const sub = (await h.api('POST', '/tenants', { name: 'Sub-partner', kind: 'partner', parent_id: partner })).body.id;
    await h.api('PUT', `/tenants/${sub}/offering_items`, { offering_items: [{ application_id: BACKUP, name: 'pw_base_workstations', status: 1 }] });
    const c = (await h.api('POST', '/tenants', { name: 'Grandchild', kind: 'customer', parent_id: sub })).body.id;
    expect((await items(c)).map((i) => i.name)).toEqual(['pw_base_workstations']);
    expect((await h.api('PUT', `/tenants/${c}/offering_items`, { offering_items: [{ application_id: BACKUP, name: 'pw_base_servers', status: 1 }] })).body.error.code).toBe(1021);
  });

  it('is refused on unit tenants', async () => {
    const c = await freshCustomer();
    const unit = (await h.api('POST', '/tenants', { name: 'Personal', kind: 'unit', parent_id: c })).body.id;
    expect((await h.api('PUT', `/tenants/${unit}/offering_items`, { offering_items: [{ application_id: BACKUP, name: 'pw_base_workstations', status: 1 }] })).status).toBe(403);
  });

  it('lists item state across a subtree with cursors (sync listing)', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const r = await h.api('GET', `/tenants/offering_items?subtree_root_tenant_id=${partner}&usage_names=workstations&limit=10${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((i: { tenant_id: string; name: string }) => `${i.tenant_id}:${i.name}`));
      after = r.body.paging.cursors.after;
    } while (after);
    expect(new Set(seen).size).toBe(seen.length);
    // The partner and the folder offer it, plus every seeded customer.
    expect(seen.length).toBeGreaterThanOrEqual(30);
  });
});
