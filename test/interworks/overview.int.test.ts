// What the portal's Distribution page reads (GET /api/v1/service-managers) after the BSS emulator
// saved an instance, ran Get Services Definition, ordered for a reseller, suspended that
// subscription, pulled a billing cycle's usage and had an order refused: the settings without
// any secret, the products with cost and sell, the service provider with its subscription state,
// the pull with its totals, and the refused call by its track id with the message the BSS got.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { lastMonth, startInterworksWorld, type InterworksWorld } from './harness.ts';

describe.each(testDatabases())('the service-manager overview API on $name', (db) => {
  let w: InterworksWorld;
  let text: string;
  let body: any;
  let refused: { ok: boolean; code: number; message: string; track_id: string };
  let billed: { subscription_id: string; ok: boolean; usages: number; cost: number; sell: number };

  beforeAll(async () => {
    w = await startInterworksWorld(db);
    const instance = await w.bssControl('POST', '/instances', { name: 'Acronis EU', settings: w.settings() });
    expect(instance.saved).toBe(true);
    expect((await w.bssControl('POST', `/instances/${instance.id}/service-definition`)).ok).toBe(true);
    const order = await w.bssControl('POST', '/orders', { instance_id: instance.id, account: { id: '7101', name: 'Contoso Resellers', email: 'ops@contoso-resellers.example' }, subscription_id: '9101', tier: '250', quotas: { pw_base_workstations: '', pw_base_storage: '' } });
    expect(order.ok).toBe(true);
    await w.acronisControl('POST', `/partners/${order.tenant_id}/customers`, { count: 2 });
    const run = await w.bssControl('POST', '/billing-runs', { instance_id: instance.id, ...lastMonth(), currency: 'EUR' });
    billed = run.subscriptions.find((s: { subscription_id: string }) => s.subscription_id === '9101');
    expect(billed.ok).toBe(true);
    expect((await w.bssControl('POST', '/subscriptions/9101/suspend')).ok).toBe(true);
    refused = await w.bssControl('POST', '/orders', { instance_id: instance.id, account: { id: '7102', name: 'Litware Partners', email: 'it@litware.example' }, subscription_id: '9102', quotas: { pw_base_workstations: 'lots' } });
    expect(refused.ok).toBe(false);

    const res = await fetch(`${w.hub.url}/api/v1/service-managers`, { headers: await w.hub.tokenHeaders() });
    expect(res.status).toBe(200);
    text = await res.text();
    body = JSON.parse(text);
  }, 90_000);
  afterAll(async () => {
    await w?.close();
  });

  const eu = () => body.instances.find((i: { settings: { systemName: string } }) => i.settings.systemName === 'Acronis EU');

  it('gives the registration and the instance settings, with the secrets only as "set"', () => {
    expect(body.registrations).toEqual([expect.objectContaining({ name: 'BSS test', applicationId: w.bss.credentials.application_id, applicationKey: 'set', lastUsedAt: expect.any(String) })]);
    expect(eu()).toMatchObject({
      registrationId: body.registrations[0].id,
      registrationName: 'BSS test',
      settings: { systemName: 'Acronis EU', gateway: w.acronis.url, clientId: w.acronis.credentials.client_id, clientSecret: 'set', discountPercent: 18, currency: 'EUR', updateNames: 'continuous' },
      connection: { status: 'ok' },
    });
  });

  it('never contains the client secret or the application key, in any encoding', () => {
    const key = w.bss.credentials.application_key;
    const secret = w.acronis.credentials.client_secret;
    for (const forbidden of [secret, key, Buffer.from(key).toString('base64'), encodeURIComponent(key)]) expect(text).not.toContain(forbidden);
    expect(text).not.toMatch(/clientSecret"\s*:\s*"(?!set")/);
    expect(text).not.toMatch(/secret_encrypted|key_sealed/i);
  });

  it('gives the last Get Services Definition with its products, sell from the price list and cost after the 18 % discount', () => {
    const definition = eu().lastDefinition;
    expect(definition).toMatchObject({ productTypeId: eu().productTypeId, currency: 'EUR', at: expect.any(String) });
    expect(definition.products.find((p: { id: string }) => p.id.endsWith('.ppu.pw_base_workstations'))).toMatchObject({ name: 'Cyber Protection – Workstations', sell: 3.22, cost: 2.6404 });
    expect(definition.products.find((p: { id: string }) => p.id.endsWith('.tier.250'))).toMatchObject({ sell: 250, cost: 205 });
  });

  it('lists the service provider with its subscription, now suspended', () => {
    const contoso = eu().serviceProviders.find((s: { accountId: string }) => s.accountId === '7101');
    expect(contoso).toMatchObject({ name: 'Contoso Resellers', state: 'active', adminLogin: 'ops@contoso-resellers.example', tenantId: expect.any(String) });
    expect(contoso.subscriptions).toEqual([expect.objectContaining({ subscriptionId: '9101', state: 'suspended', tier: '250', services: { pw_base_workstations: null, pw_base_storage: null } })]);
  });

  it('gives the usage pull with the totals the BSS billed', () => {
    expect(eu().usagePulls).toHaveLength(1);
    const pull = eu().usagePulls[0];
    expect(pull).toMatchObject({ subscriptionId: '9101', window: lastMonth(), currency: 'EUR', closed: true, items: billed.usages, pulls: 1 });
    expect(pull.sell).toBeCloseTo(billed.sell, 6);
    expect(pull.cost).toBeCloseTo(billed.cost, 6);
    expect(pull.sell).toBeGreaterThan(0);
  });

  it('lists the refused call by its track id with the message the BSS was given', () => {
    const failed = eu().failedCalls.find((f: { trackId: string }) => f.trackId === refused.track_id);
    expect(failed).toMatchObject({ route: 'Subscriptions/Create', code: refused.code, message: refused.message });
    expect(failed.message).toMatch(/'lots', which is not a quota/);
  });
});
