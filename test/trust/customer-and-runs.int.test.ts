// The API behind the portal's trust screens, on both databases over real HTTP: the run history pages
// (total, offset, each run's verdict), the dry run counts changes apart from problems and names
// the problems' company and service, and the per-customer view (contracts by service, quotas
// against usage, mapping history; a company the integration does not have is a 404 saying so).
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { testDatabases } from '../support/databases.ts';
import type { CwHub } from '../connectwise/hub.ts';
import type { SyncWorld } from '../support/autotask-sync-world.ts';
import { useAutotaskHub } from './autotask-hub.ts';

interface Run {
  id: string;
  loop: string;
  status: string;
  verdict: { status: string; count: number; reason: string | null };
}

describe.each(testDatabases())('trust API on $name', (db) => {
  let store: Store;
  let hub: CwHub;
  let world: SyncWorld;
  useAutotaskHub(db, (w) => ({ store, hub, world } = w));

  it('pages the run history newest first with a total, each run with its verdict', { timeout: 60_000 }, async () => {
    const id = world.integrationId;
    for (let i = 0; i < 3; i++) expect((await hub.runner.runNow(id, 'directory')).status).toBe('ok');
    // A pass the runner calls succeeded but that reported failed companies reads failed.
    const failing = await store.repos.loopRuns.start(id, 'provisioning');
    await store.repos.loopRuns.finish(failing.id, { status: 'succeeded', stats: { companiesFailed: 2 } });

    const first = await hub.api('GET', `/api/v1/integrations/${id}/runs?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 4, limit: 2, offset: 0 });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toMatchObject({ id: failing.id, status: 'succeeded', verdict: { status: 'failed', count: 2, reason: '2 companies failed' } });
    const second = await hub.api('GET', `/api/v1/integrations/${id}/runs?limit=2&offset=2`);
    expect(second.body.items).toHaveLength(2);
    const seen = [...first.body.items, ...second.body.items].map((r: Run) => r.id);
    expect(new Set(seen).size).toBe(4);
    expect((await hub.api('GET', `/api/v1/integrations/${id}/runs?limit=2&offset=4`)).body.items).toEqual([]);
    const directory = await hub.api('GET', `/api/v1/integrations/${id}/runs?loop=directory&status=succeeded`);
    expect(directory.body.total).toBe(3);
    expect(directory.body.items.every((r: Run) => r.loop === 'directory' && r.verdict.status === 'succeeded')).toBe(true);
    const bad = await hub.api('GET', `/api/v1/integrations/${id}/runs?offset=-1`);
    expect(bad.status).toBe(400);
  });

  it('counts the dry run\'s problems apart from its changes and shows one customer with its contracts by service and mapping history', { timeout: 90_000 }, async () => {
    const id = world.integrationId;
    expect((await hub.runner.runNow(id, 'directory')).status).toBe('ok');
    expect((await hub.runner.runNow(id, 'provisioning')).status).toBe('ok');
    const mappings = await store.repos.mappings.list(id);
    const rt0 = await world.runtime();
    const contracts = await rt0.snapshots.contractsOf(id, mappings.map((m) => m.companyId));
    const sells = new Set([world.services.get('Workstations'), world.services.get('Servers')]);
    const company = mappings.find((m) => m.state === 'not_mapped' && (contracts.get(m.companyId) ?? []).some((c) => (c as { lines: { productId: string }[] }).lines.some((l) => sells.has(l.productId))))!;
    const taken = new Set(mappings.flatMap((m) => (m.tenantId === null ? [] : [m.tenantId])));
    const tenant = [...world.acronis.state.tenants.values()].find((t) => t.kind === 'customer' && t.parent_id === world.acronis.partnerId && !taken.has(t.id) && t.enabled)!;
    const mapped = await hub.api('POST', `/api/v1/integrations/${id}/mappings/${encodeURIComponent(company.companyId)}/map`, { tenantId: tenant.id });
    expect(mapped.status, JSON.stringify(mapped.body)).toBeLessThan(300);

    const summary = await hub.api('GET', `/api/v1/integrations/${id}/summary?plan=true`);
    expect(summary.status).toBe(200);
    for (const loop of summary.body.plan) {
      expect(loop).toMatchObject({ changes: expect.any(Number), problems: expect.any(Number), problemList: expect.any(Array) });
      if (loop.loop !== 'provisioning') continue;
      // A company plan holding only problems is not a change: changes are the operations.
      const operations = loop.sample.reduce((n: number, p: { operations: unknown[] }) => n + p.operations.length, 0);
      const problems = loop.sample.reduce((n: number, p: { problems: unknown[] }) => n + p.problems.length, 0);
      if (loop.planned === loop.sample.length) {
        expect(loop.changes).toBe(operations);
        expect(loop.problems).toBe(problems);
      }
      for (const p of loop.problemList) expect(p).toMatchObject({ companyName: expect.any(String), message: expect.any(String), advice: expect.any(String) });
    }

    const customer = await hub.api('GET', `/api/v1/integrations/${id}/customers/${encodeURIComponent(company.companyId)}`);
    expect(customer.status, JSON.stringify(customer.body)).toBe(200);
    expect(customer.body.company).toMatchObject({ id: company.companyId, name: company.companyName, state: 'mapped' });
    expect(customer.body.tenant).toMatchObject({ id: tenant.id, name: tenant.name, enabled: true });
    const lines: { lineId: string; service: string | null }[] = customer.body.contracts.flatMap((c: { lines: unknown[] }) => c.lines);
    const rt = await world.runtime();
    const stored = ((await rt.snapshots.contractsOf(id, [company.companyId])).get(company.companyId) ?? []) as { lines: { lineId: string; productId: string }[] }[];
    expect(lines.length).toBe(stored.flatMap((c) => c.lines).length);
    // A line on the Workstations / Servers product is named by that service, not by its id.
    const byProduct = new Map([...world.services].map(([name, productId]) => [productId, name]));
    let named = 0;
    for (const line of stored.flatMap((c) => c.lines)) {
      const service = byProduct.get(line.productId);
      if (service !== 'Workstations' && service !== 'Servers') continue;
      expect(lines.find((l) => l.lineId === line.lineId)?.service).toBe(service);
      named += 1;
    }
    expect(named, 'the company has a Workstations or Servers line').toBeGreaterThan(0);
    expect(customer.body.quotasError).toBeNull();
    expect(customer.body.quotas.every((q: { item: string; over: boolean }) => typeof q.item === 'string' && typeof q.over === 'boolean')).toBe(true);
    expect(customer.body.history[0]).toMatchObject({ action: 'mapping.map', actor: 'token:tests', details: { companyId: company.companyId } });

    const missing = await hub.api('GET', `/api/v1/integrations/${id}/customers/no-such-company`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('There is no company no-such-company in this integration');
  });
});
