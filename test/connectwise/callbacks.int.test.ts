// ConnectWise callbacks end to end, on both databases, over real HTTP: the hub registers its
// callbacks at its public URL; a technician's change in ConnectWise is delivered signed and applied
// by the triggered loop within seconds (measured, printed, not asserted); unsigned and wrongly
// signed deliveries are refused with 401 and audit-logged; disabling removes the callbacks.
import { createHash, createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogItem } from '../../src/domain/offering-item-catalog.ts';
import { DirtyCompaniesRepository } from '../../src/store/repositories/dirty-companies.ts';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { mapToExisting } from '../../src/sync/mapping-actions.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { startCwHub, type CwHub } from './hub.ts';
import { customerTenants, startCwWorld, type CwWorld } from './harness.ts';

const COMPANY = '250';

async function waitFor<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}


/** The company's agreement in the ConnectWise emulator and its prepaid addition (the one not flagged PAYG). */
async function prepaidAdditionOf(world: { control(method: string, path: string, body?: unknown): Promise<any> }, companyId: string) {
  const agreements = (await world.control('GET', '/entities/agreements?limit=1000')).items as { id: number; company: { id: number } }[];
  const agreement = agreements.find((a) => String(a.company.id) === companyId)!;
  const additions = (await world.control('GET', `/entities/additions?limit=100000`)).items.filter((x: { agreementId: number }) => x.agreementId === agreement.id);
  const prepaid = additions.find((x: { customFields: { value?: unknown }[] }) => !x.customFields.some((f) => f.value === true));
  return { agreement, prepaid };
}

/** The tenant's Microsoft 365 seats quota in Acronis. */
async function m365Quota(rt: { vendor: { getOfferingItems(tenantId: string): Promise<Array<{ name: string; quota: { value: number | null } | null }>> } }, tenantId: string) {
  const names = catalogItem('m365_seats').names;
  return (await rt.vendor.getOfferingItems(tenantId)).find((i) => names.includes(i.name))?.quota?.value;
}

describe.each(testDatabases())('ConnectWise callbacks on $name', (db) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let world: CwWorld;
  let hub: CwHub;

  beforeEach(async () => {
    ({ store, cleanup } = await openTestStore(db));
    world = await startCwWorld(store);
    hub = await startCwHub(store);
  });
  afterEach(async () => {
    await hub.close();
    await world.close();
    await cleanup();
  });

  it('registers at the public URL, applies a signed change within seconds, and unregisters on disable', { timeout: 60_000 }, async () => {
    // An address that is not http(s) is refused in words before anything is registered in ConnectWise.
    const bad = await hub.api('PUT', `/api/v1/integrations/${world.integrationId}/callbacks`, { enabled: true, publicUrl: 'ftp://hub.example.com' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('public_url_invalid');
    expect(bad.body.error.message).toContain('http(s)');
    expect((await world.control('GET', '/entities/callbacks')).items).toHaveLength(0);
    const on = await hub.api('PUT', `/api/v1/integrations/${world.integrationId}/callbacks`, { enabled: true, publicUrl: hub.url });
    expect(on.status).toBe(200);
    expect(on.body.callbackUrl).toBe(`${hub.url}/api/v1/callbacks/connectwise/${world.integrationId}`);
    expect(on.body.registrations.map((r: { entity: string }) => r.entity).sort()).toEqual(['company', 'contract', 'ticket']);
    expect((await world.control('GET', '/entities/callbacks')).items.filter((c: { url: string }) => c.url === on.body.callbackUrl)).toHaveLength(3);

    const rt = await world.runtime();
    // Mapping to an existing tenant sets its unlimited quotas to the contracted ones: a reduction the
    // guards would hold for approval (test/trust/service-guards.int.test.ts); here it is allowed.
    await rt.settings.patch(world.integrationId, 'provisioning', { allowServiceReductions: true });
    await runDirectoryLoop(rt);
    const tenant = customerTenants(world)[0]!;
    await mapToExisting(rt, 'tester', COMPANY, tenant.id);
    await runProvisioningLoop(rt);
    const { agreement, prepaid } = await prepaidAdditionOf(world, COMPANY);
    const quota = () => m365Quota(rt, tenant.id);
    expect(await quota()).toBe(prepaid.quantity);

    // A technician raises the prepaid quantity in ConnectWise: the agreement callback arrives signed.
    const started = Date.now();
    await world.control('POST', '/changes', { resource: 'additions', parentId: agreement.id, id: prepaid.id, set: { quantity: prepaid.quantity + 5 } });
    await waitFor('the new quota', async () => ((await quota()) === prepaid.quantity + 5 ? true : undefined));
    const latencyMs = Date.now() - started;
    console.log(`[connectwise callbacks/${db.name}] technician change → quota applied in ${latencyMs} ms`);
    const deliveries = (await world.control('GET', '/callbacks/deliveries')).items ?? (await world.control('GET', '/callbacks/deliveries'));
    expect((deliveries as { status: number }[]).some((d) => d.status === 202)).toBe(true);

    // A company renamed by a technician reaches the mappings through the directory loop.
    await world.control('POST', '/changes', { resource: 'companies', id: Number(COMPANY), set: { name: 'Renamed by callback' } });
    await waitFor('the renamed company', async () => ((await store.repos.mappings.get(world.integrationId, COMPANY))?.companyName === 'Renamed by callback' ? true : undefined));

    const off = await hub.api('PUT', `/api/v1/integrations/${world.integrationId}/callbacks`, { enabled: false });
    expect(off.body).toMatchObject({ enabled: false, registrations: [] });
    expect((await world.control('GET', '/entities/callbacks')).items).toHaveLength(0);
    const afterOff = await fetch(on.body.callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(afterOff.status).toBe(404);
  });

  it('a contract callback plans the changed company, not every company, and clears its dirty mark', { timeout: 60_000 }, async () => {
    const on = await hub.api('PUT', `/api/v1/integrations/${world.integrationId}/callbacks`, { enabled: true, publicUrl: hub.url });
    expect(on.status).toBe(200);
    const rt = await world.runtime();
    await rt.settings.patch(world.integrationId, 'provisioning', { allowServiceReductions: true });
    await runDirectoryLoop(rt);
    const tenant = customerTenants(world)[0]!;
    await mapToExisting(rt, 'tester', COMPANY, tenant.id);
    const first = await runProvisioningLoop(rt);
    expect(first.stats.companiesPlanned).toBeGreaterThan(3);
    await runProvisioningLoop(rt); // re-plans what the first pass itself changed (the tenant's quotas)

    const { agreement, prepaid } = await prepaidAdditionOf(world, COMPANY);
    const quota = () => m365Quota(rt, tenant.id);
    await world.control('POST', '/changes', { resource: 'additions', parentId: agreement.id, id: prepaid.id, set: { quantity: prepaid.quantity + 3 } });
    await waitFor('the new quota', async () => ((await quota()) === prepaid.quantity + 3 ? true : undefined));

    const run = await waitFor('the triggered provisioning run', async () => {
      const [latest] = await store.repos.loopRuns.list(world.integrationId, { loop: 'provisioning' });
      return latest?.status === 'succeeded' ? latest : undefined;
    });
    expect(run.stats).toMatchObject({ full: false, scoped: true });
    expect(Number(run.stats.companiesPlanned)).toBeGreaterThanOrEqual(1);
    expect(Number(run.stats.companiesPlanned)).toBeLessThan(Number(first.stats.companiesPlanned));
    expect(await new DirtyCompaniesRepository(store.db).list(world.integrationId, 'provisioning')).toEqual([]);
  });

  it('refuses unsigned and wrongly signed deliveries with 401 and audit-logs them', async () => {
    const on = await hub.api('PUT', `/api/v1/integrations/${world.integrationId}/callbacks`, { enabled: true, publicUrl: hub.url });
    const key = await world.control('GET', '/callbacks/key');
    const body = JSON.stringify({ Action: 'updated', Type: 'company', ID: 250, CompanyId: 'emulator_msp', MemberId: 'jsmith', Entity: '{"id":250}', Metadata: { key_url: key.key_url } });
    const post = (headers: Record<string, string>, text = body) => fetch(on.body.callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text });
    const unsigned = await post({});
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual({ error: { code: 'signature_refused', message: 'The callback could not be verified and is refused' } });
    const wrongKey = createHmac('sha256', createHash('sha256').update('not the key').digest()).update(body).digest('base64');
    expect((await post({ 'x-content-signature': wrongKey })).status).toBe(401);
    const forged = body.replace(key.key_url, 'http://127.0.0.1:1/key');
    expect((await post({ 'x-content-signature': wrongKey }, forged)).status).toBe(401);
    const right = createHmac('sha256', createHash('sha256').update(key.signing_key).digest()).update(body).digest('base64');
    const ok = await post({ 'x-content-signature': right });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ entity: 'company', loop: 'directory', triggered: true });
    // One audit entry per minute for an integration's refusals: the first, saying why.
    const refused = (await store.repos.auditLog.list({ subjectId: world.integrationId })).filter((e) => e.action === 'callback.refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.details).toMatchObject({ reason: expect.stringMatching(/no x-content-signature/), refusedSinceLastEntry: 0 });
    expect(hub.logs.some((l) => l.includes('callback refused'))).toBe(true);
  });

  it('refuses a replayed delivery, bounds signing-key fetches, writes no audit row per forgery, and tells an unauthenticated caller nothing of the hub', { timeout: 120_000 }, async () => {
    const on = await hub.api('PUT', `/api/v1/integrations/${world.integrationId}/callbacks`, { enabled: true, publicUrl: hub.url });
    const key = await world.control('GET', '/callbacks/key');
    const signed = (text: string) => createHmac('sha256', createHash('sha256').update(key.signing_key).digest()).update(text).digest('base64');
    const post = (text: string, signature: string, url = on.body.callbackUrl as string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-content-signature': signature }, body: text });
    const body = JSON.stringify({ Action: 'updated', Type: 'company', ID: 250, CompanyId: 'emulator_msp', MemberId: 'jsmith', Entity: '{"id":250}', Metadata: { key_url: key.key_url } });

    // A genuine delivery, sent 20 times: applied once.
    const answers = [];
    for (let i = 0; i < 20; i += 1) answers.push((await post(body, signed(body))).status);
    expect(answers[0]).toBe(202);
    expect(answers.slice(1)).toEqual(Array.from({ length: 19 }, () => 409));

    // 100 forgeries naming distinct key URLs on the site: a handful of key fetches, not 200.
    await world.control('GET', '/requests?clear=true');
    const auditBefore = (await store.repos.auditLog.list({ subjectId: world.integrationId })).length;
    const origin = new URL(key.key_url as string).origin;
    const statuses = new Set<number>();
    const bodies: string[] = [];
    for (let i = 0; i < 100; i += 1) {
      const forged = body.replace(key.key_url, `${origin}/v4_6_release/system/callbackkey/forged-${i}`);
      const res = await post(forged, signed(forged));
      statuses.add(res.status);
      bodies.push(await res.text());
    }
    expect([...statuses]).toEqual([401]);
    const log = (await world.control('GET', '/requests')) as { items: { path?: string; url?: string }[] };
    const keyFetches = log.items.filter((r) => (r.path ?? r.url ?? '').includes('/callbackkey/'));
    expect(keyFetches.length).toBeGreaterThan(0);
    expect(keyFetches.length).toBeLessThanOrEqual(5);
    // At most one audit row for the whole flood (the minute's first was written above).
    expect((await store.repos.auditLog.list({ subjectId: world.integrationId })).length - auditBefore).toBeLessThanOrEqual(1);
    // No site, key URL or integration name in any answer.
    const said = bodies.join('\n');
    expect(said).not.toContain(origin);
    expect(said).not.toContain('callbackkey');
    const unknownIntegration = await post(body, signed(body), on.body.callbackUrl.replace(world.integrationId, 'no-such-integration'));
    expect(unknownIntegration.status).toBe(404);
    expect(await unknownIntegration.text()).not.toContain('connectwise');
  });
});
