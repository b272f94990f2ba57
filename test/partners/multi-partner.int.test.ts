// Several partner tenants in one integration (the vendor's multi-mapping, issue 14 item 7): an
// Autotask PSA serving an MSP with two partner accounts, each its own API client in the Acronis
// emulator. Companies map to tenants of either partner; quotas, new tenants, usage and alerts go
// to and come from the right partner; a partner that cannot be read fails the pass by name while
// the other partner's companies are still processed.
import { describe, expect, it } from 'vitest';
import type { TargetContract } from '../../src/connectors/ports.ts';
import { catalogItem, type CatalogItem, type CatalogItemKey } from '../../src/domain/offering-item-catalog.ts';
import { runVerdict } from '../../src/domain/integration-health.ts';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { addPartner, listPartners, removePartner, setNewTenantsPartner } from '../../src/sync/integration-partners.ts';
import { SYNC_LOOPS } from '../../src/sync/loops.ts';
import { mapToNew } from '../../src/sync/mapping-actions.ts';
import { runMappingJobs } from '../../src/sync/mapping-job.ts';
import { integrationSettings } from '../../src/sync/settings/settings.ts';
import { testDatabases } from '../support/databases.ts';
import { emulatorControl } from '../support/world.ts';
import { writeTicketSettings } from '../alerts/harness.ts';
import { itemsOf, useSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';
import { addSecondPartner, type SecondPartner } from './second-partner.ts';

const COUNTED: [CatalogItemKey, string][] = [
  ['workstations', 'Workstations'],
  ['servers', 'Servers'],
  ['vms', 'Virtual machines'],
  ['mobiles', 'Mobile devices'],
];

interface Candidate {
  companyId: string;
  item: CatalogItem;
  units: number;
  line: TargetContract['lines'][number];
}

/** Companies whose one contract of `billing` sells a counted, mapped workload. */
async function companiesWith(world: SyncWorld, billing: 'prepaid' | 'payg'): Promise<Candidate[]> {
  const rt = await world.runtime();
  const byCompany = new Map<string, TargetContract[]>();
  for await (const c of rt.target.contracts!.listContracts({})) byCompany.set(c.companyId, [...(byCompany.get(c.companyId) ?? []), c]);
  const out: Candidate[] = [];
  for (const [companyId, contracts] of byCompany) {
    const [c] = contracts;
    if (contracts.length !== 1 || c!.billing !== billing) continue;
    for (const [key, service] of COUNTED) {
      const lines = c!.lines.filter((l) => l.productId === world.services.get(service));
      if (lines.length > 0) {
        out.push({ companyId, item: catalogItem(key), units: lines.reduce((n, l) => n + l.quantity, 0), line: lines[0]! });
        break;
      }
    }
  }
  return out;
}

function primaryTenants(world: SyncWorld): string[] {
  return [...world.acronis.state.tenants.values()]
    .filter((t) => t.kind === 'customer' && t.parent_id === world.acronis.partnerId && t.enabled && t.deleted_at === null && t.name !== 'Trey Research')
    .map((t) => t.id);
}

/** Makes the second partner unreadable: its API client is deleted, as when someone revokes it. */
async function revokeClient(world: SyncWorld, second: SecondPartner): Promise<void> {
  const basic = Buffer.from(`${second.clientId}:${second.clientSecret}`).toString('base64');
  const token = await fetch(`${world.acronis.url}/api/2/idp/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const { access_token } = (await token.json()) as { access_token: string };
  const res = await fetch(`${world.acronis.url}/api/2/clients/${second.clientId}`, { method: 'DELETE', headers: { authorization: `Bearer ${access_token}` } });
  expect(res.status).toBeLessThan(300);
}

describe.each(testDatabases())('several partner tenants in one integration on $name', (db) => {
  let store: Store;
  let world: SyncWorld;
  useSyncWorld(db, (opened) => ({ store, world } = opened));

  it('adds a partner with its rules; lists both partners; refuses a double-provisioning connection and a removal while mapped', async () => {
    const second = await addSecondPartner(store, world);
    const partners = await addPartner(store, world.integrationId, second.connection.id);
    expect(partners.map((p) => ({ name: p.connectionName, primary: p.primary, newTenants: p.newTenants, tenantId: p.tenantId }))).toEqual([
      { name: 'emu-cloud', primary: true, newTenants: true, tenantId: world.acronis.partnerId },
      { name: 'nordics', primary: false, newTenants: false, tenantId: second.partnerId },
    ]);
    await expect(addPartner(store, world.integrationId, second.connection.id)).rejects.toThrow(/already a partner/);

    // Another Autotask integration may not take the same partner: its customers would be provisioned twice.
    const primary = (await store.repos.integrations.get(world.integrationId))!;
    const other = await store.repos.integrations.create({ name: 'second-autotask', connectionId: primary.connectionId, target: 'autotask', credentials: { username: 'u', secret: 's', integrationCode: 'c' } });
    await expect(addPartner(store, other.id, second.connection.id)).rejects.toThrow(/already serves integration "emu-autotask" for the same autotask PSA/);

    // Mapped to one of its tenants: removal is refused, saying what to do.
    const rt = await world.runtime();
    await runDirectoryLoop(rt);
    const [company] = await store.repos.mappings.list(world.integrationId, { state: 'not_mapped', limit: 1 });
    await store.repos.mappings.map(world.integrationId, company!.companyId, { tenantId: second.customers[0]! });
    await expect(removePartner(store, world.integrationId, second.connection.id)).rejects.toThrow(/1 company is mapped to tenants of partner "nordics" .*unlink it first/);
    await expect(removePartner(store, world.integrationId, primary.connectionId)).rejects.toThrow(/primary/);
    await store.repos.mappings.unmap(world.integrationId, company!.companyId);
    expect((await removePartner(store, world.integrationId, second.connection.id)).map((p) => p.connectionName)).toEqual(['emu-cloud']);
  });

  it('provisions quotas into each partner’s tenant, creates a new tenant under the chosen partner, writes usage back from both', async () => {
    const second = await addSecondPartner(store, world);
    await addPartner(store, world.integrationId, second.connection.id);
    const rt = await world.runtime();
    expect(rt.partners).toHaveLength(2);
    await runDirectoryLoop(rt);
    // The directory lists the customers of both partners, each tagged with its partner.
    const snapshots = await store.repos.syncSnapshots.getTenants<{ partnerConnectionId?: string }, never>(world.integrationId, [second.customers[0]!, primaryTenants(world)[0]!]);
    expect(snapshots.get(second.customers[0]!)?.data.partnerConnectionId).toBe(second.connection.id);
    expect(snapshots.get(primaryTenants(world)[0]!)?.data.partnerConnectionId).toBe(rt.partners[0]!.connectionId);

    const [prepaidA, prepaidB] = await companiesWith(world, 'prepaid');
    const [paygA, paygB] = await companiesWith(world, 'payg');
    const [tenantA1, tenantA2] = primaryTenants(world);
    await store.repos.mappings.map(world.integrationId, prepaidA!.companyId, { tenantId: tenantA1! });
    await store.repos.mappings.map(world.integrationId, prepaidB!.companyId, { tenantId: second.customers[0]! });
    await store.repos.mappings.map(world.integrationId, paygA!.companyId, { tenantId: tenantA2! });
    await store.repos.mappings.map(world.integrationId, paygB!.companyId, { tenantId: second.customers[1]! });

    // The seeded customers use more than their contracts sell: let the quotas go below usage without an approval.
    await integrationSettings(store.repos.settings).patch(world.integrationId, 'provisioning', { allowServiceReductions: true });
    const run = await SYNC_LOOPS.provisioning(rt);
    expect(run.stats.partnersUnread).toBeUndefined();
    for (const [c, tenantId] of [[prepaidA!, tenantA1!], [prepaidB!, second.customers[0]!]] as const) {
      const items = await itemsOf(rt.vendor, tenantId);
      expect(c.item.names.map((n) => items.get(n)).filter((i) => i?.enabled)).toEqual([{ enabled: true, value: c.units }]);
    }
    // The second partner's tenant got its quota through the second partner's own API client: the state says so.
    const bTenant = world.acronis.state.tenants.get(second.customers[0]!)!;
    expect(bTenant.parent_id).toBe(second.partnerId);

    // New tenants under the second partner from now on; a company mapped to new gets its tenant there.
    await setNewTenantsPartner(store, world.integrationId, second.connection.id);
    const rt2 = await world.runtime();
    expect(rt2.newTenantParentId).toBe(second.partnerId);
    const [fresh] = await store.repos.mappings.list(world.integrationId, { state: 'not_mapped', limit: 1 });
    await mapToNew(rt2, 'test', fresh!.companyId);
    await runMappingJobs(rt2);
    const madeFor = await store.repos.mappings.get(world.integrationId, fresh!.companyId);
    expect(madeFor).toMatchObject({ state: 'mapped' });
    expect(world.acronis.state.tenants.get(madeFor!.tenantId!)!.parent_id).toBe(second.partnerId);
    expect((await rt2.partnerOf(madeFor!.tenantId!)).connectionName).toBe('nordics');
    // Companies mapped before keep their partner.
    expect((await rt2.partnerOf(tenantA1!)).connectionName).toBe('emu-cloud');

    // Usage written back from both partners' tenants.
    const usage = await SYNC_LOOPS.usage(rt2);
    expect(usage.stats.written).toBeGreaterThanOrEqual(2);
    for (const [c, tenantId] of [[paygA!, tenantA2!], [paygB!, second.customers[1]!]] as const) {
      let used = 0;
      for await (const u of rt2.vendor.getUsages([tenantId])) used = u.usages.filter((x) => x.usageName === c.item.usageName && c.item.names.includes(x.name)).reduce((n, x) => n + x.value, 0);
      expect(used).toBeGreaterThan(0);
      expect(await rt2.target.usage!.readBilledQuantity(c.line, new Date())).toBe(used);
    }
  });

  it('an alert from a tenant of the second partner becomes a ticket for its company', async () => {
    const second = await addSecondPartner(store, world);
    await addPartner(store, world.integrationId, second.connection.id);
    await writeTicketSettings(store, world.integrationId);
    const rt = await world.runtime();
    await runDirectoryLoop(rt);
    const [company] = await store.repos.mappings.list(world.integrationId, { state: 'not_mapped', limit: 1 });
    await store.repos.mappings.map(world.integrationId, company!.companyId, { tenantId: second.customers[1]! });
    await SYNC_LOOPS.alerts(rt); // the first pass starts the cursor
    const alert = await emulatorControl(world.acronis.url)<{ id: string }>('POST', '/alerts', { tenant_id: second.customers[1]!, type: 'BackupFailed', details: { resourceName: 'oslo-fs01' } });
    const pass = await SYNC_LOOPS.alerts(rt);
    expect(pass.stats.partnersUnread).toBeUndefined();
    expect(pass.stats.created).toBe(1);
    const tickets = [...world.autotask.state.table('Tickets').rows.values()].filter((t) => String(t.companyID) === company!.companyId);
    expect(tickets).toHaveLength(1);
    expect(String(tickets[0]!.title)).toContain('oslo-fs01');
    void alert;
  });

  it('a partner that cannot be read fails the pass naming it; the other partner’s companies are still processed and its tenants are not forgotten', async () => {
    const second = await addSecondPartner(store, world);
    await addPartner(store, world.integrationId, second.connection.id);
    const rt = await world.runtime();
    await runDirectoryLoop(rt);
    const [prepaidA, prepaidB] = await companiesWith(world, 'prepaid');
    const tenantA = primaryTenants(world)[0]!;
    await store.repos.mappings.map(world.integrationId, prepaidA!.companyId, { tenantId: tenantA });
    await store.repos.mappings.map(world.integrationId, prepaidB!.companyId, { tenantId: second.customers[0]! });
    await integrationSettings(store.repos.settings).patch(world.integrationId, 'provisioning', { allowServiceReductions: true });

    await revokeClient(world, second);
    const fresh = await world.runtime(); // a new process: no token cached for the second partner
    const run = await SYNC_LOOPS.provisioning(fresh, { full: true });
    expect(run.stats.partnersUnread).toBe(1);
    const verdict = runVerdict({ status: 'succeeded', error: null, stats: run.stats as Record<string, unknown> });
    expect(verdict.status).toBe('failed');
    expect(verdict.reason).toContain('"nordics"');
    // The first partner's company got its quota all the same.
    const items = await itemsOf(fresh.vendor, tenantA);
    expect(prepaidA!.item.names.map((n) => items.get(n)).filter((i) => i?.enabled)).toEqual([{ enabled: true, value: prepaidA!.units }]);
    // The unread partner's tenants are still known (a full pass did not take them for deleted), its company not marked lost.
    const kept = await store.repos.syncSnapshots.getTenants(world.integrationId, second.customers);
    expect([...kept.values()].every((r) => !r.deleted)).toBe(true);
    expect((await store.repos.mappings.get(world.integrationId, prepaidB!.companyId))!.tenantId).toBe(second.customers[0]);
    expect((await listPartners(store, world.integrationId)).map((p) => p.connectionName)).toEqual(['emu-cloud', 'nordics']);
  });
});
