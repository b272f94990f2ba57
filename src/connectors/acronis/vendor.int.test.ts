import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAcronisEmulator } from '../../../emulators/acronis/server.ts';
import { emulatorControl } from '../../../emulators/kit/raw-client.test-support.ts';
import { createCallCounter } from '../kit/call-metrics.ts';
import { collect } from '../kit/paging.ts';
import type { VendorCloud } from '../ports.ts';
import { createAcronisClient } from './client.ts';
import { createAcronisVendor, type AcronisVendorOptions } from './vendor.ts';
import { tenant as tenantSchema } from './wire.ts';
import { connectorFailure as failure } from '../kit/connector-failure.test-support.ts';

type Emulator = Awaited<ReturnType<typeof startAcronisEmulator>>;

let emu: Emulator;
/** The emulator's control API; `emu` is started before any test runs. */
const control = (method: string, path: string, body?: unknown): Promise<unknown> => emulatorControl(emu.url)(method, path, body);
let partnerId: string;

beforeAll(async () => {
  emu = await startAcronisEmulator({ port: 0, seed: 'demo' });
  partnerId = (await vendor().vendor.whoAmI()).tenantId;
});
afterAll(async () => {
  await emu.close();
});
afterEach(async () => {
  await control('DELETE', '/faults');
});

function vendor(extra: Partial<AcronisVendorOptions> = {}) {
  const counter = createCallCounter();
  const sleeps: number[] = [];
  const v: VendorCloud = createAcronisVendor({
    baseUrl: emu.url,
    clientId: emu.credentials.client_id,
    clientSecret: emu.credentials.client_secret,
    connectionName: 'emulator',
    onCall: counter.observe,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return { vendor: v, counter, sleeps };
}

let seq = 0;
const uniqueName = (prefix: string): string => `${prefix} ${Date.now().toString(36)}-${++seq}`;

describe('Acronis vendor against the emulator', () => {
  it('tells who the API client is', async () => {
    const me = await vendor().vendor.whoAmI();
    expect(me.clientId).toBe(emu.credentials.client_id);
    expect(me.tenantId).toMatch(/[0-9a-f-]{36}/i);
    expect(['partner', 'root']).toContain(me.tenantKind);
    expect(me.tenantName).not.toBe('');
  });

  it('reports a wrong secret as auth_failed naming the client id only', async () => {
    const { vendor: v } = vendor({ clientSecret: 'wrong-secret' });
    const error = await failure(v.whoAmI());
    expect(error.code).toBe('auth_failed');
    expect(error.message).toContain(`client id ${emu.credentials.client_id}`);
    expect(error.message).toContain('check the client id and secret');
    expect(error.message).not.toContain('wrong-secret');
  });

  it('reports a bad data-center URL as unreachable, asking to check the URL', async () => {
    const { vendor: v } = vendor({ baseUrl: 'http://127.0.0.1:1' });
    const error = await failure(v.whoAmI());
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain("check the data-center URL of connection 'emulator'");
  });

  it('renews an expired token once on a 401 and carries on', async () => {
    const { vendor: v, counter } = vendor();
    await v.getTenant(partnerId);
    await control('POST', '/clock', { advance_ms: 3 * 60 * 60 * 1000 });
    await v.getTenant(partnerId);
    expect(counter.total({ operation: 'issue access token' })).toBe(2);
    expect(counter.total({ operation: 'read tenant', status: 401 })).toBe(1);
  });

  it('renews a token before it expires when less than 900 s remain', async () => {
    let skew = 0;
    const { vendor: v, counter } = vendor({ now: () => Date.now() + skew });
    await v.getTenant(partnerId);
    await v.getTenant(partnerId);
    expect(counter.total({ operation: 'issue access token' })).toBe(1);
    // The emulator's clock may run ahead (an earlier test advanced it); its tokens live 2 h from its now.
    const { offset_ms: offset } = (await control('GET', '/clock')) as { offset_ms: number };
    skew = offset + 2 * 60 * 60 * 1000 - 600_000; // the token now has 10 min left
    await v.getTenant(partnerId);
    expect(counter.total({ operation: 'issue access token' })).toBe(2);
    expect(counter.total({ status: 401 })).toBe(0);
  });

  it('pages through customer tenants', async () => {
    const small = vendor({ pageSize: 3 });
    const tenants = await collect(small.vendor.listCustomerTenants({ parentId: partnerId }));
    const big = await collect(vendor({ pageSize: 1000 }).vendor.listCustomerTenants({ parentId: partnerId }));
    expect(tenants.length).toBeGreaterThan(3);
    expect(new Set(tenants.map((t) => t.id)).size).toBe(tenants.length);
    expect(tenants.every((t) => t.kind === 'customer')).toBe(true);
    expect(tenants.map((t) => t.id).sort()).toEqual(big.map((t) => t.id).sort());
    expect(small.counter.total({ operation: 'list customer tenants' })).toBeGreaterThanOrEqual(Math.ceil(tenants.length / 3));
  });

  it('includes customers inside folders, not those of sub-partners, in full and incremental passes', async () => {
    const raw = createAcronisClient({ baseUrl: emu.url, clientId: emu.credentials.client_id, clientSecret: emu.credentials.client_secret });
    const create = (name: string, kind: string, parent: string) =>
      raw.requestJson({ method: 'POST', path: '/api/2/tenants', json: { name, kind, parent_id: parent }, operation: 'seed tenant' }, tenantSchema);
    const { now: since } = (await control('GET', '/clock')) as { now: string };
    const folder = await create(uniqueName('Folder'), 'folder', partnerId);
    const inFolder = await create(uniqueName('In folder'), 'customer', folder.id);
    const reseller = await create(uniqueName('Reseller'), 'partner', partnerId);
    const ofReseller = await create(uniqueName('Of reseller'), 'customer', reseller.id);
    const direct = await create(uniqueName('Direct'), 'customer', partnerId);
    const { vendor: v } = vendor();
    const full = (await collect(v.listCustomerTenants({ parentId: partnerId }))).map((t) => t.id);
    expect(full).toEqual(expect.arrayContaining([inFolder.id, direct.id]));
    expect(full).not.toContain(ofReseller.id);
    const changed = (await collect(v.listCustomerTenants({ parentId: partnerId, updatedSince: since }))).map((t) => t.id);
    expect(changed.sort()).toEqual([inFolder.id, direct.id].sort());
  });

  it('creates a customer tenant once per idempotency key', async () => {
    const { vendor: v } = vendor();
    const key = `op-${Date.now()}-${++seq}`;
    const name = uniqueName('Idempotent Ltd');
    const first = await v.createCustomerTenant({ parentId: partnerId, name, customerId: 'CRM-1', contact: { email: 'it@idem.test' } }, { idempotencyKey: key });
    const second = await v.createCustomerTenant({ parentId: partnerId, name, customerId: 'CRM-1' }, { idempotencyKey: key });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.tenant.id).toBe(first.tenant.id);
    expect(first.tenant).toMatchObject({ kind: 'customer', internalTag: key, customerId: 'CRM-1', parentId: partnerId });
    const all = await collect(v.listCustomerTenants({ parentId: partnerId }));
    expect(all.filter((t) => t.internalTag === key)).toHaveLength(1);
    expect((await v.findTenantsByCustomerId(partnerId, 'CRM-1')).map((t) => t.id)).toContain(first.tenant.id);
  });

  it('does not duplicate a tenant when the create answer is lost (503 after lookup)', async () => {
    const { vendor: v } = vendor();
    const key = `op-${Date.now()}-${++seq}`;
    await control('POST', '/faults', { kind: 'status', status: 503, path: '/api/2/tenants', method: 'POST', count: 1 });
    const result = await v.createCustomerTenant({ parentId: partnerId, name: uniqueName('Flaky Create') }, { idempotencyKey: key });
    const all = await collect(v.listCustomerTenants({ parentId: partnerId }));
    expect(all.filter((t) => t.internalTag === key).map((t) => t.id)).toEqual([result.tenant.id]);
  });

  it('skips the first lookup by tag when the caller knows the key is new, and still looks before repeating a create', async () => {
    const { vendor: v, counter } = vendor();
    const lookups = () => counter.total({ operation: 'find tenant by idempotency key' });
    const creates = () => counter.total({ operation: 'create customer tenant' });
    const fresh = await v.createCustomerTenant({ parentId: partnerId, name: uniqueName('Known New') }, { idempotencyKey: `op-${Date.now()}-${++seq}`, knownAbsent: true });
    expect(fresh.created).toBe(true);
    expect([lookups(), creates()]).toEqual([0, 1]);
    counter.reset();
    const key = `op-${Date.now()}-${++seq}`;
    await control('POST', '/faults', { kind: 'status', status: 503, path: '/api/2/tenants', method: 'POST', count: 1 });
    const flaky = await v.createCustomerTenant({ parentId: partnerId, name: uniqueName('Known New Flaky') }, { idempotencyKey: key, knownAbsent: true });
    expect(lookups()).toBeGreaterThanOrEqual(1);
    const all = await collect(v.listCustomerTenants({ parentId: partnerId }));
    expect(all.filter((t) => t.internalTag === key).map((t) => t.id)).toEqual([flaky.tenant.id]);
  });

  it('resolves a version conflict by re-reading', async () => {
    const { vendor: setup } = vendor();
    const { tenant } = await setup.createCustomerTenant({ parentId: partnerId, name: uniqueName('Contended') }, { idempotencyKey: `op-${++seq}-${Date.now()}` });
    const rival = createAcronisClient({ baseUrl: emu.url, clientId: emu.credentials.client_id, clientSecret: emu.credentials.client_secret });
    let interfered = false;
    // A concurrent writer bumps the version between our read and our write, once.
    const racingFetch: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      if (!interfered && init?.method === 'PUT' && url.pathname === `/api/2/tenants/${tenant.id}`) {
        interfered = true;
        const current = await rival.requestJson({ method: 'GET', path: `/api/2/tenants/${tenant.id}`, operation: 'rival read' }, tenantSchema);
        await rival.request({ method: 'PUT', path: `/api/2/tenants/${tenant.id}`, json: { language: 'de', version: current.version }, operation: 'rival write' });
      }
      return fetch(input, init);
    };
    const { vendor: v, counter } = vendor({ fetch: racingFetch });
    const updated = await v.updateTenant(tenant.id, { name: `${tenant.name} (renamed)` });
    expect(interfered).toBe(true);
    expect(updated.name).toBe(`${tenant.name} (renamed)`);
    expect(updated.language).toBe('de');
    expect(counter.total({ operation: 'update tenant', status: 409 })).toBe(1);
  });

  it('disables and deletes a tenant, and deleting again succeeds', async () => {
    const { vendor: v } = vendor();
    const { tenant } = await v.createCustomerTenant({ parentId: partnerId, name: uniqueName('Doomed') }, { idempotencyKey: `op-${++seq}-${Date.now()}` });
    expect((await v.disableTenant(tenant.id)).enabled).toBe(false);
    expect((await v.enableTenant(tenant.id)).enabled).toBe(true);
    await v.deleteTenant(tenant.id);
    expect((await failure(v.getTenant(tenant.id))).code).toBe('not_found');
    await v.deleteTenant(tenant.id);
  });

  it('retries after a 429 with Retry-After', async () => {
    const { vendor: v, sleeps, counter } = vendor();
    await v.getTenant(partnerId);
    await control('POST', '/faults', { kind: 'rate_limit', path: '/api/2/tenants', count: 1, retryAfterSeconds: 2 });
    await v.getTenant(partnerId);
    expect(sleeps).toEqual([2000]);
    expect(counter.total({ operation: 'read tenant', status: 429 })).toBe(1);
  });

  it('retries 503s', async () => {
    const { vendor: v, counter } = vendor();
    await v.getTenant(partnerId);
    await control('POST', '/faults', { kind: 'status', status: 503, path: '/api/2/tenants', count: 2 });
    await v.getTenant(partnerId);
    expect(counter.total({ operation: 'read tenant', status: 503 })).toBe(2);
    expect(counter.total({ operation: 'read tenant', status: 200 })).toBe(2);
  });

  it('retries a request that timed out', async () => {
    const { vendor: v, counter } = vendor({ timeoutMs: 500 });
    await v.getTenant(partnerId);
    await control('POST', '/faults', { kind: 'timeout', path: '/api/2/tenants', count: 1 });
    await v.getTenant(partnerId);
    expect(counter.records().filter((r) => r.operation === 'read tenant' && r.errorCode === 'timeout')).toHaveLength(1);
  });

  it('reports a malformed body as bad_payload naming the call', async () => {
    const { vendor: v } = vendor();
    await v.getTenant(partnerId);
    await control('POST', '/faults', { kind: 'malformed', path: '/api/2/tenants', count: 1 });
    const error = await failure(v.getTenant(partnerId));
    expect(error.code).toBe('bad_payload');
    expect(error.message).toContain(`Acronis GET /api/2/tenants/${partnerId} (read tenant)`);
  });

  it('reads usages in batches of 100 tenants', async () => {
    const setup = createAcronisClient({ baseUrl: emu.url, clientId: emu.credentials.client_id, clientSecret: emu.credentials.client_secret });
    const existing = (await collect(vendor().vendor.listCustomerTenants({ parentId: partnerId }))).map((t) => t.id);
    const ids = [...existing];
    for (let i = 0; ids.length < 150; i += 1) {
      const created = await setup.requestJson(
        { method: 'POST', path: '/api/2/tenants', json: { name: uniqueName('Usage batch'), kind: 'customer', parent_id: partnerId }, operation: 'seed tenant' },
        tenantSchema,
      );
      ids.push(created.id);
    }
    const { vendor: v, counter } = vendor();
    const results = await collect(v.getUsages(ids));
    expect(counter.total({ operation: 'read usages' })).toBe(Math.ceil(ids.length / 100));
    expect(results.every((r) => ids.includes(r.tenantId))).toBe(true);
    const withUsage = results.find((r) => r.usages.length > 0);
    expect(withUsage).toBeDefined();
    if (withUsage !== undefined) expect(withUsage.usages[0]).toMatchObject({ tenantId: withUsage.tenantId, usageName: expect.any(String) });
  });

  it('reads and changes offering items with the fresh quota version', async () => {
    const { vendor: v } = vendor();
    const [customer] = await collect(v.listCustomerTenants({ parentId: partnerId }));
    expect(customer).toBeDefined();
    const items = await v.getOfferingItems(customer!.id);
    expect(items.length).toBeGreaterThan(0);
    const target = items.find((i) => i.enabled && i.type === 'count') ?? items.find((i) => i.type === 'count');
    expect(target).toBeDefined();
    await v.setOfferingItems(customer!.id, [{ applicationId: target!.applicationId, name: target!.name, infraId: target!.infraId, enabled: true, quota: { value: 7, overage: 2 } }]);
    const after = (await v.getOfferingItems(customer!.id)).find((i) => i.name === target!.name && i.infraId === target!.infraId);
    expect(after).toMatchObject({ enabled: true, quota: { value: 7, overage: 2 } });
    await v.setOfferingItems(customer!.id, [{ applicationId: target!.applicationId, name: target!.name, infraId: target!.infraId, quota: { value: null, overage: null } }]);
    const unlimited = (await v.getOfferingItems(customer!.id)).find((i) => i.name === target!.name && i.infraId === target!.infraId);
    expect(unlimited?.quota).toEqual({ value: null, overage: null });
  });

  it('writes quotas with the versions the subtree listing held: no read before the write', async () => {
    const { vendor: v, counter } = vendor();
    const [customer] = await collect(v.listCustomerTenants({ parentId: partnerId }));
    const target = (await v.getOfferingItems(customer!.id)).find((i) => i.enabled && i.type === 'count')!;
    const { vendor: fresh, counter: calls } = vendor();
    await collect(fresh.listOfferingItems({ subtreeRootId: partnerId }));
    calls.reset();
    const change = { applicationId: target.applicationId, name: target.name, infraId: target.infraId };
    await fresh.setOfferingItems(customer!.id, [{ ...change, quota: { value: 11, overage: 1 } }]);
    // The next write takes the version the first one answered.
    await fresh.setOfferingItems(customer!.id, [{ ...change, quota: { value: 12, overage: 1 } }]);
    expect(calls.total({ operation: 'read offering items' })).toBe(0);
    expect(calls.total({ operation: 'update offering items', status: 200 })).toBe(2);
    expect((await v.getOfferingItems(customer!.id)).find((i) => i.name === target.name && i.infraId === target.infraId)?.quota).toEqual({ value: 12, overage: 1 });
    expect(counter.total({ operation: 'update offering items', status: 409 })).toBe(0);
  });

  it('a quota someone else changed after the listing: the stale write is refused, read again and retried, and their other change stays', async () => {
    const { vendor: setup } = vendor();
    const [customer] = await collect(setup.listCustomerTenants({ parentId: partnerId }));
    const counts = (await setup.getOfferingItems(customer!.id)).filter((i) => i.enabled && i.type === 'count');
    expect(counts.length).toBeGreaterThanOrEqual(2);
    const [mine, theirs] = counts as [(typeof counts)[0], (typeof counts)[0]];
    const { vendor: v, counter } = vendor();
    await collect(v.listOfferingItems({ subtreeRootId: partnerId }));
    // A person changes both quotas in the management portal after the hub's listing.
    const rival = vendor().vendor;
    await rival.setOfferingItems(customer!.id, [
      { applicationId: mine.applicationId, name: mine.name, infraId: mine.infraId, quota: { value: 99, overage: 9 } },
      { applicationId: theirs.applicationId, name: theirs.name, infraId: theirs.infraId, quota: { value: 55, overage: 5 } },
    ]);
    counter.reset();
    const written = await v.setOfferingItems(customer!.id, [{ applicationId: mine.applicationId, name: mine.name, infraId: mine.infraId, quota: { value: 7, overage: 0 } }]);
    expect(written.map((i) => [i.name, i.quota])).toEqual([[mine.name, { value: 7, overage: 0 }]]);
    expect(counter.total({ operation: 'update offering items', status: 409 })).toBe(1);
    expect(counter.total({ operation: 'read offering items' })).toBe(1);
    expect(counter.total({ operation: 'update offering items', status: 200 })).toBe(1);
    const after = await setup.getOfferingItems(customer!.id);
    expect(after.find((i) => i.name === mine.name && i.infraId === mine.infraId)?.quota).toEqual({ value: 7, overage: 0 });
    expect(after.find((i) => i.name === theirs.name && i.infraId === theirs.infraId)?.quota).toEqual({ value: 55, overage: 5 });
  });

  it('lists the offering items of the whole subtree in a few pages, as the per-tenant reads see them', async () => {
    const { vendor: v, counter } = vendor();
    const customers = await collect(v.listCustomerTenants({ parentId: partnerId }));
    counter.reset();
    const listed = await collect(v.listOfferingItems({ subtreeRootId: partnerId }));
    const listingCalls = counter.total();
    expect(listingCalls).toBeLessThan(customers.length);
    const byTenant = new Map<string, string[]>();
    for (const { tenantId, item } of listed) byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), `${item.name}/${item.infraId ?? ''}/${item.enabled}/${item.quota?.value ?? 'unlimited'}`]);
    const sample = customers.find((c) => byTenant.has(c.id));
    expect(sample).toBeDefined();
    const direct = (await v.getOfferingItems(sample!.id)).filter((i) => i.enabled);
    const fromListing = (byTenant.get(sample!.id) ?? []).filter((entry) => entry.includes('/true/'));
    expect(fromListing.sort()).toEqual(direct.map((i) => `${i.name}/${i.infraId ?? ''}/true/${i.quota?.value ?? 'unlimited'}`).sort());

    // Incremental: after a change, only the changed item is listed since the emulator's "now".
    const { now } = (await control('GET', '/clock')) as { now: string };
    await control('POST', '/clock', { advance_ms: 1000 });
    const target = (await v.getOfferingItems(sample!.id)).find((i) => i.enabled && i.type === 'count')!;
    await v.setOfferingItems(sample!.id, [{ applicationId: target.applicationId, name: target.name, infraId: target.infraId, quota: { value: 42, overage: null } }]);
    const changed = await collect(v.listOfferingItems({ subtreeRootId: partnerId, updatedSince: new Date(Date.parse(now) + 500).toISOString() }));
    expect(changed.map((c) => [c.tenantId, c.item.name, c.item.quota?.value])).toEqual([[sample!.id, target.name, 42]]);
  });

  it('lists alerts by updated_at cursor and sees dismissals', async () => {
    const { vendor: v } = vendor();
    const all = await collect(v.listAlerts());
    expect(all.length).toBeGreaterThan(0);
    const ns = all.map((a) => BigInt(a.updatedAtNs));
    expect(ns).toEqual([...ns].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const last = all[all.length - 1]!;
    expect(await collect(v.listAlerts({ updatedAfterNs: last.updatedAtNs }))).toEqual([]);
    const open = all.find((a) => !a.dismissed);
    expect(open).toBeDefined();
    if (open === undefined) return;
    await v.dismissAlert(open.id);
    const changed = await collect(v.listAlerts({ updatedAfterNs: last.updatedAtNs }));
    expect(changed.map((a) => [a.id, a.dismissed])).toEqual([[open.id, true]]);
    await v.dismissAlert(open.id);
  });

  it('lists storages and alert types', async () => {
    const { vendor: v } = vendor();
    const storages = await v.listStorages(partnerId);
    expect(storages.every((s) => Array.isArray(s.capabilities))).toBe(true);
    const types = await v.getAlertTypes();
    expect(types.every((t) => typeof t.id === 'string')).toBe(true);
  });

  it('creates an admin user with a role', async () => {
    const { vendor: v } = vendor();
    const { tenant } = await v.createCustomerTenant({ parentId: partnerId, name: uniqueName('With Admin') }, { idempotencyKey: `op-${++seq}-${Date.now()}` });
    const login = `admin${Date.now().toString(36)}${seq}`;
    expect(await v.isLoginAvailable(login)).toBe(true);
    const user = await v.createUser({ tenantId: tenant.id, login, email: `${login}@example.test`, firstName: 'Ada', lastName: 'Admin' });
    expect(await v.isLoginAvailable(login)).toBe(false);
    expect((await v.findUserByLogin(tenant.id, login))?.id).toBe(user.id);
    await v.setAccessPolicies(user.id, [{ roleId: 'company_admin', tenantId: tenant.id }]);
    await v.sendActivationEmail(user.id);
  });
});
