import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const BACKUP = '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb';
const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });
let partner: string;
let customers: string[];
beforeAll(() => {
  partner = h.emu.partnerId;
});
beforeEach(async () => {
  customers = (await h.api('GET', `/tenants?parent_id=${partner}`)).body.items
    .filter((t: { kind: string }) => t.kind === 'customer')
    .map((t: { id: string }) => t.id);
});

interface Usage {
  name: string;
  usage_name: string;
  edition: string | null;
  value: number;
  absolute_value: number;
  tenant_id: number;
  tenant_uuid: string;
  infra_id?: string;
  range_start: string;
  offering_item?: { status: number; quota?: unknown };
}

describe('usages', () => {
  it('batch-reads several tenants with the §4 fields', async () => {
    const r = await h.api('GET', `/tenants/usages?tenants=${customers.slice(0, 3).join(',')}`);
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: { tenant: string }) => i.tenant)).toEqual(customers.slice(0, 3));
    const usages = r.body.items[0].usages as Usage[];
    const ws = usages.find((u) => u.usage_name === 'workstations' && u.edition === 'pck_per_workload') as Usage;
    expect(ws).toMatchObject({
      application_id: BACKUP,
      name: 'pw_base_workstations',
      type: 'count',
      measurement_unit: 'quantity',
      tenant_uuid: customers[0],
      tenant_id: expect.any(Number),
      offering_item: { status: 1, quota: expect.any(Object) },
    });
    expect(ws.value).toBeGreaterThan(0);
    const now = new Date();
    expect(ws.range_start).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 19) + 'Z');
    const storage = usages.find((u) => u.usage_name === 'storage') as Usage;
    expect(storage).toMatchObject({ name: 'pw_base_storage', type: 'infra', measurement_unit: 'bytes', infra_id: expect.any(String) });
  });

  it('counts M365 seats under the usage name mailboxes', async () => {
    const all = (await h.api('GET', `/tenants/usages?tenants=${customers.join(',')}&usage_names=mailboxes`)).body.items;
    const seats = all.flatMap((i: { usages: Usage[] }) => i.usages);
    expect(seats.length).toBeGreaterThan(0);
    expect(seats.every((u: Usage) => u.usage_name === 'mailboxes' && u.name === 'pw_base_m365_seats')).toBe(true);
  });

  it('refuses more than 100 tenants with 400', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const r = await h.api('GET', `/tenants/usages?tenants=${ids.join(',')}`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/100/);
    expect((await h.api('GET', `/tenants/usages?tenants=${ids.slice(0, 100).join(',')}`)).status).toBe(200);
    expect((await h.api('GET', '/tenants/usages')).status).toBe(400);
  });

  it('filters by editions', async () => {
    const r = await h.api('GET', `/tenants/${customers[0]}/usages?editions=pck_per_workload`);
    expect(r.body.items.length).toBeGreaterThan(0);
    expect(r.body.items.every((u: Usage) => u.edition === 'pck_per_workload')).toBe(true);
  });

  it('reports 0 for a newly enabled item and follows usage set through the control API', async () => {
    const c = (await h.api('POST', '/tenants', { name: 'Usage Co', kind: 'customer', parent_id: partner })).body.id;
    await h.api('PUT', `/tenants/${c}/offering_items`, { offering_items: [{ application_id: BACKUP, name: 'pw_base_m365_seats', status: 1 }] });
    let u = (await h.api('GET', `/tenants/${c}/usages`)).body.items as Usage[];
    expect(u).toHaveLength(1);
    expect(u[0]).toMatchObject({ usage_name: 'mailboxes', value: 0, offering_item: { status: 1 } });
    const set = await h.control('PUT', '/usages', { tenant_id: c, usage_name: 'mailboxes', value: 42 });
    expect(set.status).toBe(200);
    u = (await h.api('GET', `/tenants/${c}/usages`)).body.items;
    expect(u[0]).toMatchObject({ value: 42, absolute_value: 42 });
    // Turning the item off keeps the recorded usage, now without a quota.
    await h.api('PUT', `/tenants/${c}/offering_items`, { offering_items: [{ application_id: BACKUP, name: 'pw_base_m365_seats', status: 0 }] });
    u = (await h.api('GET', `/tenants/${c}/usages`)).body.items;
    expect(u[0]).toMatchObject({ value: 42, offering_item: { status: 0 } });
    expect(u[0]?.offering_item?.quota).toBeUndefined();
  });

  it('keys infra usage per storage and asks the control API for infra_id', async () => {
    expect((await h.control('PUT', '/usages', { tenant_id: customers[0], usage_name: 'storage', value: 1 })).status).toBe(400);
    expect((await h.control('PUT', '/usages', { tenant_id: customers[0], usage_name: 'teleports', value: 1 })).status).toBe(400);
  });
});
