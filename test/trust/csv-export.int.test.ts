// CSV export of the mapping table and the prepaid usage table (issue 15, Deliver 7), over real HTTP
// on both databases: text/csv with a download file name, every company (not one page), and each
// record reads back, with RFC 4180 quoting, to the same values the JSON routes give.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/connectors/acronis/csv.ts';
import type { Store } from '../../src/store/store.ts';
import { testDatabases } from '../support/databases.ts';
import type { CwHub } from '../connectwise/hub.ts';
import type { SyncWorld } from '../support/autotask-sync-world.ts';
import { useAutotaskHub } from './autotask-hub.ts';

describe.each(testDatabases())('CSV export on $name', (db) => {
  let store: Store;
  let hub: CwHub;
  let world: SyncWorld;
  useAutotaskHub(db, (w) => ({ store, hub, world } = w));

  const download = async (path: string) => {
    const res = await hub.app.inject({ method: 'GET', url: `/api/v1${path}`, headers: await hub.headers() });
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };

  it('exports every company of the mapping table and the prepaid usage, quoted so they read back', { timeout: 120_000 }, async () => {
    const id = world.integrationId;
    expect((await hub.runner.runNow(id, 'directory')).status).toBe('ok');
    const json = (await hub.api('GET', `/api/v1/integrations/${id}/mappings?limit=1000`)).body;
    expect(json.total).toBeGreaterThan(0);

    const res = await download(`/integrations/${id}/mappings.csv`);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[A-Za-z0-9._-]+-mappings\.csv"$/);
    const [header, ...records] = parseCsv(res.body).filter((r) => r.length > 1);
    expect(header).toEqual(['Company', 'Company ID', 'PSA status', 'Active', 'Mapping', 'Tenant', 'Tenant ID', 'Pending', 'Error', 'Updated']);
    expect(records).toHaveLength(json.total);
    expect(records.every((r) => r.length === header!.length)).toBe(true);
    const byId = new Map(records.map((r) => [r[1], r]));
    for (const row of json.items as Array<{ companyId: string; companyName: string; stateLabel: string }>) {
      const record = byId.get(row.companyId)!;
      expect(record[0]!.replace(/^'/, '')).toBe(row.companyName);
      expect(record[4]).toBe(row.stateLabel);
    }

    // Map customers to tenants, so the usage table has records.
    const tenants = [...world.acronis.state.tenants.values()].filter((t) => t.kind === 'customer' && t.parent_id === world.acronis.partnerId && t.enabled && t.ancestral_access);
    const companies = await store.repos.mappings.list(id);
    for (const [i, tenant] of tenants.entries()) if (companies[i]) await store.repos.mappings.map(id, companies[i]!.companyId, { tenantId: tenant.id });
    expect((await hub.runner.runNow(id, 'provisioning')).status).toBe('ok');
    const prepaid = (await hub.api('GET', `/api/v1/integrations/${id}/prepaid-usage`)).body;
    const usage = await download(`/integrations/${id}/prepaid-usage.csv`);
    expect(usage.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(usage.headers['content-disposition']).toMatch(/prepaid-usage\.csv"$/);
    const [usageHeader, ...usageRecords] = parseCsv(usage.body).filter((r) => r.length > 1);
    expect(usageHeader).toEqual(['Company', 'Tenant', 'Service', 'Unit', 'Contracted', 'Usage', 'Quota', 'Overage', 'Over contract']);
    const expected = (prepaid.customers as Array<{ companyName: string; rows: Array<{ label: string; contracted: number; overage: number }> }>).flatMap((c) =>
      c.rows.map((r) => [c.companyName, r.label, String(r.contracted), String(r.overage)]),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(usageRecords.map((r) => [r[0]!.replace(/^'/, ''), r[2], r[4], r[7]])).toEqual(expected);

    const missing = await hub.app.inject({ method: 'GET', url: '/api/v1/integrations/nope/mappings.csv', headers: await hub.headers() });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });
});
