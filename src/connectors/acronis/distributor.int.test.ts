import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcronisEmulator, type AcronisEmulator } from '../../../emulators/acronis/server.ts';
import { ConnectorError } from '../kit/errors.ts';
import { createAcronisVendor } from './vendor.ts';

let emu: AcronisEmulator;

beforeAll(async () => {
  emu = await startAcronisEmulator({ port: 0, seed: 'distributor' });
});
afterAll(async () => {
  await emu.close();
});

const vendor = (clientId = emu.credentials.client_id, clientSecret = emu.credentials.client_secret) =>
  createAcronisVendor({ baseUrl: emu.url, clientId, clientSecret, reportPollMs: 1, sleep: async () => {} });

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emu.url}/_emulator${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe('Acronis vendor as a distributor', () => {
  it('belongs to the distributor, which can hold service providers', async () => {
    const me = await vendor().whoAmI();
    expect(me.tenantName).toBe('Contoso Cloud Distribution EU');
    expect(me.tenantKind).toBe('partner');
    const forPartners = await vendor().getAvailableForChild(me.tenantId, 'partner');
    expect(forPartners.some((i) => i.name === 'pw_base_workstations')).toBe(true);
  });

  it('reads the price list in each priced currency and names them for an unknown one', async () => {
    const v = vendor();
    const me = await v.whoAmI();
    const usd = await v.getPriceList(me.tenantId, 'USD');
    const eur = await v.getPriceList(me.tenantId, 'EUR');
    expect(usd.availableCurrencies).toEqual(expect.arrayContaining(['USD', 'EUR', 'GBP', 'JPY']));
    const ws = usd.items.find((i) => i.name === 'pw_base_workstations');
    const wsEur = eur.items.find((i) => i.name === 'pw_base_workstations');
    expect(ws?.price).toBe(3.5);
    expect(wsEur?.price).toBeCloseTo(3.22, 2);
    expect(usd.items.find((i) => i.name === 'pw_base_storage')?.measurementUnit).toBe('bytes');
    // Features carry no price; legacy standard items are not sold.
    expect(usd.items.some((i) => i.name === 'pw_base_m365_mailboxes' || i.edition === 'standard')).toBe(false);
    const error = await v.getPriceList(me.tenantId, 'XYZ').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('bad_request');
    expect((error as ConnectorError).message).toContain('USD, EUR, GBP, AUD, JPY, CAD');
  });

  it('creates a service-provider tenant once per idempotency key and gives it quotas', async () => {
    const v = vendor();
    const me = await v.whoAmI();
    const input = { parentId: me.tenantId, name: 'Woodgrove Partners', kind: 'partner' as const, customerId: 'BSS-77' };
    const first = await v.createCustomerTenant(input, { idempotencyKey: 'iw:test:account:77' });
    const again = await v.createCustomerTenant(input, { idempotencyKey: 'iw:test:account:77' });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.tenant.id).toBe(first.tenant.id);
    expect(first.tenant.kind).toBe('partner');
    expect(first.tenant.customerId).toBe('BSS-77');
    const backup = '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb';
    await v.setOfferingItems(first.tenant.id, [{ applicationId: backup, name: 'pw_base_workstations', enabled: true, quota: { value: 50, overage: 5 } }]);
    const items = await v.getOfferingItems(first.tenant.id);
    expect(items.find((i) => i.name === 'pw_base_workstations')).toMatchObject({ enabled: true, quota: { value: 50, overage: 5 } });
  });

  it('reads a service provider customers usage for a period, the same for a closed period every time', async () => {
    const v = vendor();
    const info = await control<{ service_provider_ids: string[] }>('GET', '/distributor');
    const sp = info.service_provider_ids[0] as string;
    const last = new Date();
    last.setUTCDate(1);
    last.setUTCMonth(last.getUTCMonth() - 1);
    const start = last.toISOString().slice(0, 10);
    const endDate = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    const first = await v.getPeriodUsage(sp, { start, end: endDate });
    expect(new Set(first.map((u) => u.customerName)).size).toBe(5);
    expect(first.every((u) => u.parentId === sp)).toBe(true);
    expect(first.some((u) => u.offeringItem === 'pw_base_workstations' && u.value > 0)).toBe(true);
    // Usage moves on now; the closed month does not.
    const customer = first[0]?.customerTenantId as string;
    await control('PUT', '/usages', { tenant_id: customer, usage_name: 'workstations', value: 999 });
    const second = await v.getPeriodUsage(sp, { start, end: endDate });
    expect(second).toEqual(first);
    const current = new Date().toISOString().slice(0, 8) + '01';
    const now = await v.getPeriodUsage(sp, { start: current, end: current });
    expect(now.find((u) => u.customerTenantId === customer && u.usageName === 'workstations')?.value).toBe(999);
  });

  it('serves a second distributor agreement with its own API client', async () => {
    const me = await vendor(emu.credentials.second_client_id, emu.credentials.second_client_secret).whoAmI();
    expect(me.tenantName).toBe('Contoso Cloud Distribution US');
  });
});
