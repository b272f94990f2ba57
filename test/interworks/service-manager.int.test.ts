import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { lastMonth, startInterworksWorld, type InterworksWorld } from './harness.ts';

const BACKUP = '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb';

describe.each(testDatabases())('interworks.cloud BSS against the hub on $name', (db) => {
  let w: InterworksWorld;
  let instance: { id: string; saved: boolean; errors: string[]; productTypeId: string | null };

  beforeAll(async () => {
    w = await startInterworksWorld(db);
    instance = await w.bssControl('POST', '/instances', { name: 'Acronis EU', settings: w.settings() });
  }, 60_000);
  afterAll(async () => {
    await w.close();
  });

  const raw = async (method: string, route: string, init: { headers?: Record<string, string>; body?: string } = {}) => {
    const res = await fetch(`${w.baseUrl}/${route}`, {
      method,
      headers: {
        'X-CloudPlatform-ApplicationId': w.bss.credentials.application_id,
        'X-CloudPlatform-APIKey': Buffer.from(w.bss.credentials.application_key).toString('base64'),
        ...Object.fromEntries(Object.entries(w.settings()).map(([k, v]) => [`X-CloudPlatform-Setting-${k}`, v])),
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('renders the activation form and saves a valid instance', async () => {
    expect(instance.saved).toBe(true);
    expect(instance.errors).toEqual([]);
    const form = await raw('GET', 'Fields/Get');
    expect(form.body.Fields.map((f: { ID: string }) => f.ID)).toEqual(['SystemName', 'Gateway', 'ClientId', 'ClientSecret', 'DistributorDiscount', 'PrimaryCurrency', 'UpdateProductNames']);
    expect(form.body.Fields.find((f: { ID: string }) => f.ID === 'ClientSecret').Definition.Kind).toBe(1);
  });

  it('answers Get Services Definition with the instance product type, sell from the price list and cost = sell × (1 − 18 %)', async () => {
    const run = await w.bssControl('POST', `/instances/${instance.id}/service-definition`);
    expect(run.ok).toBe(true);
    const state = await w.bssControl('GET', '/bss');
    const ws = state.catalogue.find((p: { id: string }) => p.id.endsWith('.ppu.pw_base_workstations'));
    expect(ws).toMatchObject({ sell: 3.22, cost: 2.6404, currency: 'EUR' });
    const tier = state.catalogue.find((p: { id: string }) => p.id.endsWith('.tier.1000'));
    expect(tier).toMatchObject({ sell: 1000, cost: 820 });
    // Stable across runs.
    const again = await w.bssControl('POST', `/instances/${instance.id}/service-definition`);
    expect(again.product_type_id).toBe(run.product_type_id);
    expect(again.created).toBe(0);
  });

  it('gives a second instance (another agreement) its own product type', async () => {
    const second = await w.bssControl('POST', '/instances', { name: 'Acronis US', settings: w.settings({}, 'second') });
    expect(second.saved).toBe(true);
    const run = await w.bssControl('POST', `/instances/${second.id}/service-definition`);
    const first = (await w.bssControl('GET', '/bss')).instances.find((i: { id: string }) => i.id === instance.id);
    expect(run.product_type_id).not.toBe(first.productTypeId);
  });

  it('provisions a service provider under the distributor with the ordered quotas, once for a repeated order', async () => {
    const order = { instance_id: instance.id, account: { id: '7001', name: 'Northwind Resellers', email: 'ops@northwind-resellers.example' }, subscription_id: '9001', tier: '250', quotas: { pw_base_workstations: '40', pw_base_servers: '' } };
    const first = await w.bssControl('POST', '/orders', order);
    expect(first.ok).toBe(true);
    const tenant = w.acronis.state.tenants.get(first.tenant_id);
    expect(tenant?.kind).toBe('partner');
    expect(tenant?.parent_id).toBe(w.acronis.partnerId);
    expect(tenant?.customer_id).toBe('7001');
    const items = (await w.acronisControl('GET', `/tenants/${first.tenant_id}`)).offering_items;
    expect(items.find((i: { name: string }) => i.name === 'pw_base_workstations').quota.value).toBe(40);
    expect(items.find((i: { name: string }) => i.name === 'pw_base_servers').quota.value).toBeNull();
    const admin = (await w.acronisControl('GET', `/users?tenant_id=${first.tenant_id}`)).items;
    expect(admin.map((u: { login: string }) => u.login)).toEqual(['ops@northwind-resellers.example']);

    await w.acronisControl('DELETE', '/requests');
    const repeat = await w.bssControl('POST', '/orders', order);
    expect(repeat.tenant_id).toBe(first.tenant_id);
    const children = [...(w.acronis.state.children.get(w.acronis.partnerId) ?? [])].filter((t) => t.name === 'Northwind Resellers' && t.deleted_at === null);
    expect(children).toHaveLength(1);
    const writes = (await w.acronisControl('GET', '/requests')).items.filter((r: { method: string }) => r.method !== 'GET');
    expect(writes.filter((r: { path: string }) => r.path.endsWith('/offering_items'))).toEqual([]);
    expect(writes.filter((r: { path: string; method: string }) => r.method === 'POST' && r.path === '/api/2/tenants')).toEqual([]);
  });

  it("orders for a new reseller without listing the distributor's service providers (the lookup is by the BSS account id)", async () => {
    await w.acronisControl('DELETE', '/requests');
    const order = await w.bssControl('POST', '/orders', { instance_id: instance.id, account: { id: '7009', name: 'Margie Resellers', email: 'ops@margie-resellers.example' }, subscription_id: '9009', quotas: { pw_base_workstations: '3' } });
    expect(order.ok).toBe(true);
    const requests = (await w.acronisControl('GET', '/requests')).items as Array<{ method: string; path: string; query: string }>;
    expect(requests.filter((r) => r.method === 'GET' && r.path === '/api/2/tenants' && r.query.includes('parent_id='))).toEqual([]);
    expect(requests.filter((r) => r.method === 'POST' && r.path === '/api/2/tenants')).toHaveLength(1);
    // The same account ordered through another instance of the same distributor (a second API
    // client) gets the tenant the first made, found by the account id; nothing is created.
    const client = await w.acronisControl('POST', '/clients', { client_name: 'second BSS instance' });
    const other = await w.bssControl('POST', '/instances', { name: 'Acronis EU (second client)', settings: w.settings({ SystemName: 'Acronis EU 2', ClientId: client.client_id, ClientSecret: client.client_secret }) });
    expect(other.saved).toBe(true);
    await w.bssControl('POST', `/instances/${other.id}/service-definition`);
    await w.acronisControl('DELETE', '/requests');
    const again = await w.bssControl('POST', '/orders', { instance_id: other.id, account: { id: '7009', name: 'Margie Resellers', email: 'ops@margie-resellers.example' }, subscription_id: '9010', quotas: { pw_base_workstations: '3' } });
    expect(again).toMatchObject({ ok: true, tenant_id: order.tenant_id });
    const writes = (await w.acronisControl('GET', '/requests')).items as Array<{ method: string; path: string }>;
    expect(writes.filter((r) => r.method === 'POST' && r.path === '/api/2/tenants')).toEqual([]);
  });

  it('changes quotas absolutely, suspends, activates and cancels', async () => {
    const q = await w.bssControl('POST', '/subscriptions/9001/quotas', { quotas: { pw_base_workstations: '60' } });
    expect(q.ok).toBe(true);
    const tenantId = (await w.bssControl('GET', '/bss')).accounts.find((a: { id: string }) => a.id === '7001').externalIds[instance.id];
    let items = (await w.acronisControl('GET', `/tenants/${tenantId}`)).offering_items;
    expect(items.find((i: { name: string }) => i.name === 'pw_base_workstations').quota.value).toBe(60);
    expect(items.some((i: { name: string }) => i.name === 'pw_base_servers')).toBe(false);
    expect((await w.bssControl('POST', '/subscriptions/9001/suspend')).ok).toBe(true);
    expect(w.acronis.state.tenants.get(tenantId)?.enabled).toBe(false);
    expect((await w.bssControl('POST', '/subscriptions/9001/activate')).ok).toBe(true);
    expect(w.acronis.state.tenants.get(tenantId)?.enabled).toBe(true);
    const audit = await w.hub.store.repos.auditLog.list({ subjectId: tenantId });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['service_provider.created', 'service_provider.services_set', 'service_provider.disabled', 'service_provider.enabled']));
    expect(audit.every((a) => typeof a.details.trackId === 'string' && (a.details.trackId as string).startsWith('bss-'))).toBe(true);
    expect((await w.bssControl('POST', '/subscriptions/9001/cancel')).ok).toBe(true);
    items = (await w.acronisControl('GET', `/tenants/${tenantId}`)).offering_items;
    expect(items.filter((i: { application_id: string }) => i.application_id === BACKUP)).toEqual([]);
  });

  it('bills a closed cycle from Ppu/usages with cost and sell, the same answer for the same window every time', async () => {
    const order = await w.bssControl('POST', '/orders', { instance_id: instance.id, account: { id: '7002', name: 'Fabrikam Resellers', email: 'it@fabrikam-resellers.example' }, subscription_id: '9002', quotas: { pw_base_workstations: '', pw_base_storage: '' } });
    expect(order.ok).toBe(true);
    await w.acronisControl('POST', `/partners/${order.tenant_id}/customers`, { count: 3 });
    const window = lastMonth();
    const run1 = await w.bssControl('POST', '/billing-runs', { instance_id: instance.id, ...window, currency: 'EUR' });
    const line1 = run1.subscriptions.find((s: { subscription_id: string }) => s.subscription_id === '9002');
    expect(line1.ok).toBe(true);
    expect(line1.usages).toBeGreaterThan(0);
    expect(line1.cost).toBeCloseTo(line1.sell * 0.82, 0);
    // Usage moves on; the closed window does not.
    const customer = (w.acronis.state.children.get(order.tenant_id) ?? [])[0];
    await w.acronisControl('PUT', '/usages', { tenant_id: customer?.id, usage_name: 'workstations', value: 500 });
    const run2 = await w.bssControl('POST', '/billing-runs', { instance_id: instance.id, ...window, currency: 'EUR' });
    const line2 = run2.subscriptions.find((s: { subscription_id: string }) => s.subscription_id === '9002');
    expect(line2).toEqual(line1);
    const records = (await w.bssControl('GET', '/bss')).usage_records.filter((r: { subscriptionId: string }) => r.subscriptionId === '9002');
    expect(records.every((r: { attributeId: string }) => r.attributeId.startsWith('OI_'))).toBe(true);
    expect(records.some((r: { attributeId: string; unit: string }) => r.attributeId === 'OI_pw_base_storage' && r.unit === 'GB')).toBe(true);
  });

  it('matches routes case-insensitively and takes Addon/ and Addons/ alike', async () => {
    const body = (addonAction: string) => JSON.stringify({ ID: '9002', ServiceType: instance.productTypeId ?? '', Account: { ID: '7002' }, AttributeList: { Tier: { Value: '0' }, OI_pw_base_workstations: { Value: '' } }, Addons: [{ ID: 'a1', ProductID: 'x.ppu.pw_base_servers', ActionType: addonAction, AttributeList: { OI_pw_base_servers: { Value: '5' } } }] });
    const state = await w.bssControl('GET', '/bss');
    const productTypeId = state.instances.find((i: { id: string }) => i.id === instance.id).productTypeId;
    const b = (a: string) => body(a).replace('"ServiceType":""', `"ServiceType":"${productTypeId}"`);
    expect((await raw('POST', 'addon/create', { body: b('Provision') })).body.Code).toBe(0);
    expect((await raw('POST', 'ADDONS/UPDATE', { body: b('None') })).body.Code).toBe(0);
    const tenantId = state.accounts.find((a: { id: string }) => a.id === '7002').externalIds[instance.id];
    let items = (await w.acronisControl('GET', `/tenants/${tenantId}`)).offering_items;
    expect(items.find((i: { name: string }) => i.name === 'pw_base_servers').quota.value).toBe(5);
    expect((await raw('POST', 'Addons/Cancel', { body: b('Cancel') })).body.Code).toBe(0);
    items = (await w.acronisControl('GET', `/tenants/${tenantId}`)).offering_items;
    expect(items.some((i: { name: string }) => i.name === 'pw_base_servers')).toBe(false);
    expect((await raw('POST', 'accounts/EXISTS', { body: JSON.stringify({ ID: '7002', Name: 'Fabrikam Resellers' }) })).body).toEqual({ Code: 1, Message: '', Result: tenantId });
    expect((await raw('POST', 'Accounts/Exists', { body: JSON.stringify({ ID: '404404', Name: 'Nobody' }) })).body.Code).toBe(0);
  });

  it('keeps product names of the first run when told to, and offers them for update otherwise', async () => {
    const state = await w.bssControl('GET', '/bss');
    const ws = state.catalogue.find((p: { id: string; instanceId: string }) => p.instanceId === instance.id && p.id.endsWith('.ppu.pw_base_workstations'));
    await w.bssControl('POST', `/products/${ws.id}/rename`, { name: 'Renamed in the BSS' });
    await w.bssControl('PUT', `/instances/${instance.id}/settings`, { settings: { UpdateProductNames: 'keep' } });
    await w.bssControl('POST', `/instances/${instance.id}/service-definition`);
    let product = (await w.bssControl('GET', '/bss')).catalogue.find((p: { id: string }) => p.id === ws.id);
    expect(product).toMatchObject({ name: 'Renamed in the BSS', nameUpdatable: false });
    await w.bssControl('PUT', `/instances/${instance.id}/settings`, { settings: { UpdateProductNames: 'continuous' } });
    await w.bssControl('POST', `/instances/${instance.id}/service-definition`);
    product = (await w.bssControl('GET', '/bss')).catalogue.find((p: { id: string }) => p.id === ws.id);
    expect(product).toMatchObject({ name: 'Cyber Protection – Workstations', nameUpdatable: true });
  });

  it('never logs or returns the client secret and logs the track id', async () => {
    const secret = w.acronis.credentials.client_secret;
    expect(w.hub.logs.some((l) => l.includes(secret))).toBe(false);
    expect(w.hub.logs.some((l) => l.includes(w.bss.credentials.application_key))).toBe(false);
    expect(w.hub.logs.some((l) => l.includes('"trackId":"bss-'))).toBe(true);
    const overview = await fetch(`${w.hub.url}/api/v1/service-managers`, { headers: await w.hub.tokenHeaders() });
    const text = await overview.text();
    expect(overview.status).toBe(200);
    expect(text).not.toContain(secret);
    const body = JSON.parse(text);
    const eu = body.instances.find((i: { id: string; settings: { systemName: string } }) => i.settings.systemName === 'Acronis EU');
    expect(eu.serviceProviders.map((s: { name: string }) => s.name)).toEqual(['Northwind Resellers', 'Margie Resellers', 'Fabrikam Resellers']);
    expect(eu.usagePulls.length).toBeGreaterThan(0);
    expect(eu.lastDefinition.products.length).toBeGreaterThan(9);
  });

  describe('bad input', () => {
    const tenantsUnderDistributor = () => (w.acronis.state.children.get(w.acronis.partnerId) ?? []).filter((t) => t.deleted_at === null).length;

    it('refuses a wrong application key with 401 and records it without the key', async () => {
      const res = await raw('GET', 'Fields/Get', { headers: { 'X-CloudPlatform-APIKey': Buffer.from('wrong-key-wrong-key').toString('base64'), 'X-CloudPlatform-TrackId': 'bad-key-1' } });
      expect(res).toEqual({ status: 401, body: { Message: 'Authorization has been denied for this request.' } });
      const failures = await w.hub.store.repos.serviceManager.listFailures({ trackId: 'bad-key-1' });
      expect(failures[0]?.code).toBe(401);
      expect(w.hub.logs.some((l) => l.includes('wrong-key-wrong-key'))).toBe(false);
    });

    const validate = async (overrides: Record<string, string>, extra: Array<{ ID: string; Value: string }> = []) =>
      (await raw('POST', 'Fields/Validate', { body: JSON.stringify({ Fields: [...Object.entries(w.settings(overrides)).map(([ID, Value]) => ({ ID, Value })), ...extra] }) })).body as string[];

    it('says what to fix for wrong instance credentials, a gateway that is not the vendor, 150 %, an unknown currency and unknown fields', async () => {
      expect((await validate({ ClientSecret: 'not-the-secret' }))[0]).toMatch(/refused Client Id .* with this Client Secret: check both/);
      expect((await validate({ Gateway: w.bss.url }))[0]).toMatch(/is not an Acronis data center/);
      expect((await validate({ DistributorDiscount: '150' }))[0]).toMatch(/Distributor Discount \(%\) must be between 0 and 100, not 150/);
      expect((await validate({ PrimaryCurrency: 'XYZ' }))[0]).toMatch(/Primary Currency XYZ is not one Acronis prices in: .*USD, EUR, GBP, AUD, JPY, CAD/);
      expect((await validate({}, [{ ID: 'Colour', Value: 'blue' }]))[0]).toMatch(/Unknown field 'colour'/);
      expect(await validate({})).toEqual([]);
    });

    it('refuses an order for another instance product type, and for an account never synchronized, provisioning nothing', async () => {
      const before = tenantsUnderDistributor();
      const state = await w.bssControl('GET', '/bss');
      const us = state.instances.find((i: { name: string }) => i.name === 'Acronis US');
      const wrongType = await w.bssControl('POST', '/orders', { instance_id: instance.id, product_type_id: us.productTypeId, account: { id: '7003', name: 'Tailspin Partners', email: 'a@tailspin.example' }, subscription_id: '9003', quotas: { pw_base_workstations: '5' } });
      expect(wrongType).toMatchObject({ ok: false, step: 'pre-check', code: -4 });
      expect(wrongType.message).toContain("belongs to the instance 'Acronis US'");
      const never = await raw('POST', 'Subscriptions/Create', { body: JSON.stringify({ ID: '9099', ServiceType: state.instances.find((i: { id: string }) => i.id === instance.id).productTypeId, Account: { ID: '8888' }, AttributeList: {}, CheckOnly: true }) });
      expect(never.body.Code).toBe(-5);
      expect(never.body.Message).toMatch(/Account 8888 was never synchronized .* run Accounts\/Synchronize/);
      // The account of the refused order was synchronized (a real BSS does that first), nothing more.
      expect(tenantsUnderDistributor()).toBe(before + 1);
      const tailspin = [...(w.acronis.state.children.get(w.acronis.partnerId) ?? [])].find((t) => t.name === 'Tailspin Partners');
      expect([...(tailspin?.items.values() ?? [])].filter((i) => i.status === 1)).toEqual([]);
    });

    it('answers a malformed body, an unknown attribute and a non-quota value with code -3 and what to send', async () => {
      const malformed = await raw('POST', 'Accounts/Synchronize', { body: '{"ID": "1", "Name": ' });
      expect(malformed).toMatchObject({ status: 200, body: { Code: -3 } });
      expect(malformed.body.Message).toMatch(/not valid JSON/);
      const noName = await raw('POST', 'Accounts/Synchronize', { body: JSON.stringify({ ID: '1' }) });
      expect(noName.body.Message).toMatch(/Name/);
      const pt = (await w.bssControl('GET', '/bss')).instances.find((i: { id: string }) => i.id === instance.id).productTypeId;
      const unknown = await raw('POST', 'Subscriptions/Update', { body: JSON.stringify({ ID: '9002', ServiceType: pt, Account: { ID: '7002' }, AttributeList: { Colour: { Value: 'blue' } } }) });
      expect(unknown.body).toMatchObject({ Code: -3 });
      expect(unknown.body.Message).toMatch(/Unknown attribute 'Colour'/);
      const notQuota = await raw('POST', 'Subscriptions/Update', { body: JSON.stringify({ ID: '9002', ServiceType: pt, Account: { ID: '7002' }, AttributeList: { OI_pw_base_workstations: { Value: 'lots' } } }) });
      expect(notQuota.body.Message).toMatch(/'lots', which is not a quota/);
      const unsupported = await raw('POST', 'Users/Add', { body: '{}' });
      expect(unsupported.body).toEqual({ Code: -1, Message: 'Users/Add functionality is not supported by default', Result: null });
    });

    it('lists refused calls by track id with the message the BSS was given', async () => {
      const overview = (await (await fetch(`${w.hub.url}/api/v1/service-managers`, { headers: await w.hub.tokenHeaders() })).json()) as any;
      const eu = overview.instances.find((i: { settings: { systemName: string } }) => i.settings.systemName === 'Acronis EU');
      expect(eu.failedCalls.some((f: { code: number; trackId: string; message: string }) => f.code === -4 && f.trackId.startsWith('bss-') && f.message.includes('Acronis US'))).toBe(true);
    });
  });
});
