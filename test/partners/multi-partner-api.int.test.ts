// The partners of an integration over the HTTP API (issue 14 item 7), against the Autotask and
// Acronis emulators: list, add (refusing a second time), choose the partner for new tenants, refuse a
// removal while mapped; and every mapping row names its tenant's partner once there are two partners
// (with one partner the rows carry no partner at all, as before).
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import type { CwHub } from '../connectwise/hub.ts';
import { testDatabases } from '../support/databases.ts';
import { useAutotaskHub } from '../trust/autotask-hub.ts';
import type { SyncWorld } from '../support/autotask-sync-world.ts';
import { addSecondPartner } from './second-partner.ts';

interface Row {
  companyId: string;
  tenantId: string | null;
  partner?: { connectionName: string; tenantName: string | null; dataCenter: string } | null;
}

describe.each(testDatabases())('integration partners API on $name', (db) => {
  let store: Store;
  let hub: CwHub;
  let world: SyncWorld;
  useAutotaskHub(db, (w) => ({ store, hub, world } = w));

  it('adds a partner, names the partner of every mapped tenant, chooses the partner for new tenants, refuses a removal while mapped', async () => {
    const base = `/api/v1/integrations/${world.integrationId}`;
    const one = await hub.api('GET', `${base}/partners`);
    expect(one.status).toBe(200);
    expect(one.body.items).toMatchObject([{ connectionName: 'emu-cloud', primary: true, newTenants: true, dataCenter: world.acronis.url }]);
    await runDirectoryLoop(await world.runtime());
    const single = (await hub.api('GET', `${base}/mappings?limit=5`)).body.items as Row[];
    expect(single.length).toBeGreaterThan(0);
    expect(single.every((r) => !('partner' in r))).toBe(true);

    const second = await addSecondPartner(store, world);
    const added = await hub.api('POST', `${base}/partners`, { connectionId: second.connection.id });
    expect(added.status).toBe(201);
    expect(added.body.items.map((p: { connectionName: string }) => p.connectionName)).toEqual(['emu-cloud', 'nordics']);
    const again = await hub.api('POST', `${base}/partners`, { connectionId: second.connection.id });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('already a partner');

    await runDirectoryLoop(await world.runtime());
    const [a, b] = (await store.repos.mappings.list(world.integrationId, { state: 'not_mapped', limit: 2 })).map((m) => ({ companyId: m.companyId }));
    if (a === undefined || b === undefined) throw new Error('the demo has unmapped companies');
    const tenantA = [...world.acronis.state.tenants.values()].find((t) => t.kind === 'customer' && t.parent_id === world.acronis.partnerId && t.deleted_at === null)!.id;
    await store.repos.mappings.map(world.integrationId, a.companyId, { tenantId: tenantA });
    await store.repos.mappings.map(world.integrationId, b.companyId, { tenantId: second.customers[0]! });
    const rows = (await hub.api('GET', `${base}/mappings?limit=1000`)).body.items as Row[];
    const byCompany = new Map(rows.map((r) => [r.companyId, r]));
    expect(byCompany.get(a.companyId)?.partner).toMatchObject({ connectionName: 'emu-cloud', dataCenter: world.acronis.url });
    expect(byCompany.get(b.companyId)?.partner).toMatchObject({ connectionName: 'nordics', tenantName: 'Northwind MSP Nordics' });
    expect(rows.filter((r) => r.tenantId === null).every((r) => r.partner === null)).toBe(true);

    const chosen = await hub.api('PUT', `${base}/partners/new-tenants`, { connectionId: second.connection.id });
    expect(chosen.status).toBe(200);
    expect(chosen.body.items.map((p: { newTenants: boolean }) => p.newTenants)).toEqual([false, true]);

    const refused = await hub.api('DELETE', `${base}/partners/${second.connection.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/1 company is mapped to tenants of partner "nordics".*unlink it first/);
  });
});
