// Guards on changes that take service from a customer (issue "What was seen" 2), on both databases
// over real HTTP: before a mapping is saved the hub says what it would do ("Workstations 60 → 0,
// 55 in use"); once saved, that reduction waits for a person's approval (the rest goes out), the
// integration is degraded saying so, and approving the company's changes applies them.
import { describe, expect, it } from 'vitest';
import type { TargetContract } from '../../src/connectors/ports.ts';
import type { Store } from '../../src/store/store.ts';
import { testDatabases } from '../support/databases.ts';
import type { CwHub } from '../connectwise/hub.ts';
import type { SyncWorld } from '../support/autotask-sync-world.ts';
import { useAutotaskHub } from './autotask-hub.ts';

describe.each(testDatabases())('service-reduction guards on $name', (db) => {
  let store: Store;
  let hub: CwHub;
  let world: SyncWorld;
  useAutotaskHub(db, (w) => ({ store, hub, world } = w));

  it('previews a mapping, holds the reduction below usage for approval, and applies it once approved', { timeout: 120_000 }, async () => {
    const id = world.integrationId;
    expect((await hub.runner.runNow(id, 'directory')).status).toBe('ok');
    // A first pass reads the contracts (nothing is mapped yet, so nothing changes).
    expect((await hub.runner.runNow(id, 'provisioning')).status).toBe('ok');
    const rt = await world.runtime();
    // A company selling workstations, and a customer tenant (not mapped) that has 60 with 55 in use.
    const contracts = await rt.snapshots.contractsOf<TargetContract>(id, (await store.repos.mappings.list(id)).map((m) => m.companyId));
    const workstations = world.services.get('Workstations')!;
    // A prepaid contract that sells no workstations: with free provisioning off the plan sets them to 0.
    const [companyId] = [...contracts].find(([, list]) => list.length > 0 && list.every((x) => x.billing === 'prepaid' && x.active && x.lines.every((l) => l.productId !== workstations)))!;
    const sold = 0;
    const company = (await store.repos.mappings.get(id, companyId))!;
    const mappedTenants = new Set((await store.repos.mappings.list(id)).flatMap((m) => (m.tenantId === null || m.state === 'ready' ? [] : [m.tenantId])));
    const tenant = [...world.acronis.state.tenants.values()].find((t) => t.kind === 'customer' && t.parent_id === world.acronis.partnerId && !mappedTenants.has(t.id) && t.enabled)!;
    const item = (await rt.vendor.getOfferingItems(tenant.id)).find((i) => i.usageName === 'workstations' && i.edition !== null) ?? (await rt.vendor.getOfferingItems(tenant.id)).find((i) => i.usageName === 'workstations')!;
    await rt.vendor.setOfferingItems(tenant.id, [{ applicationId: item.applicationId, name: item.name, enabled: true, quota: { value: 60, overage: 0 } }]);
    const usage = await fetch(`${world.acronis.url}/_emulator/usages`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_id: tenant.id, usage_name: 'workstations', value: 55, ...(item.edition ? { edition: item.edition } : {}) }),
    });
    expect(usage.status, await usage.text()).toBeLessThan(300);

    const preview = await hub.api('POST', `/api/v1/integrations/${id}/mappings/preview`, { companyId, tenantId: tenant.id });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.changes).toEqual(expect.arrayContaining([expect.objectContaining({ item: 'Workstations', from: '60', to: String(sold), inUse: 55, reduces: true })]));
    expect(preview.body.summary).toContain(`Mapping "${company.companyName}" to "${tenant.name}" will set `);
    expect(preview.body.summary).toContain(`Workstations 60 → ${sold}, 55 in use`);
    expect(preview.body.reductions).toBeGreaterThanOrEqual(1);

    expect((await hub.api('POST', `/api/v1/integrations/${id}/mappings/${encodeURIComponent(companyId)}/map`, { tenantId: tenant.id })).status).toBeLessThan(300);
    const ran = await hub.api('POST', `/api/v1/integrations/${id}/loops/provisioning/run`);
    expect(ran.body.verdict.status).not.toBe('succeeded');
    const quotaNow = async () => (await rt.vendor.getOfferingItems(tenant.id)).find((i) => i.name === item.name && i.infraId === item.infraId)!.quota?.value;
    expect(await quotaNow()).toBe(60);

    const waiting = (await hub.api('GET', `/api/v1/integrations/${id}/approvals`)).body.waiting;
    expect(waiting).toEqual(expect.arrayContaining([expect.objectContaining({ company: { id: companyId, name: company.companyName }, change: 'quota_below_usage', description: `Workstations 60 → ${sold}, 55 in use` })]));
    const health = (await hub.api('GET', `/api/v1/integrations/${id}/health`)).body;
    expect(['degraded', 'failed']).toContain(health.status);
    expect(health.reasons.map((r: { message: string }) => r.message).join('\n')).toMatch(/Waiting for approval/);

    // A key that is not waiting is refused; the company's changes are approved and applied now.
    expect((await hub.api('POST', `/api/v1/integrations/${id}/approvals`, { changeKeys: ['nope'] })).status).toBe(409);
    const approved = await hub.api('POST', `/api/v1/integrations/${id}/approvals`, { companyId, run: true });
    expect(approved.status).toBe(200);
    expect(approved.body.approved.length).toBe(waiting.filter((w: { company: { id: string } }) => w.company.id === companyId).length);
    expect(await quotaNow()).toBe(sold);
    expect((await hub.api('GET', `/api/v1/integrations/${id}/approvals`)).body.waiting.filter((w: { company: { id: string } }) => w.company.id === companyId)).toEqual([]);
    const audit = (await store.repos.auditLog.list({ subjectType: 'integration', subjectId: id })).filter((e) => e.action === 'provisioning.approve_reductions');
    expect(audit[0]).toMatchObject({ actor: 'token:tests', details: { count: approved.body.approved.length } });
  });
});
