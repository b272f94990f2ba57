// Which partner each tenant belongs to in the summary's tables (issue 14 rule 7, "in every table"),
// over the HTTP API against the Autotask and Acronis emulators: the open problems and the dry run's
// plan entries and problems name the partner of the company's tenant once the integration serves two
// partner tenants, and carry no partner at all with one.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { addPartner } from '../../src/sync/integration-partners.ts';
import { SYNC_LOOPS } from '../../src/sync/loops.ts';
import type { CwHub } from '../connectwise/hub.ts';
import { testDatabases } from '../support/databases.ts';
import { useAutotaskHub } from '../trust/autotask-hub.ts';
import type { SyncWorld } from '../support/autotask-sync-world.ts';
import { addSecondPartner } from './second-partner.ts';

type Partner = { connectionName: string; tenantName: string | null; dataCenter: string } | null;
interface Problem { company: { id: string }; partner?: Partner }
interface PlanLoop { loop: string; sample: Array<{ companyId?: string; partner?: Partner }>; problemList: Array<{ companyId: string | null; partner?: Partner }> }

describe.each(testDatabases())('the partner in the summary tables on $name', (db) => {
  let store: Store;
  let hub: CwHub;
  let world: SyncWorld;
  useAutotaskHub(db, (w) => ({ store, hub, world } = w));

  it("names the partner of each company's tenant in the problems and the dry-run plan, only with several partners", async () => {
    const base = `/api/v1/integrations/${world.integrationId}`;
    const rt = await world.runtime();
    await runDirectoryLoop(rt);
    const withContract = new Set<string>();
    for await (const c of rt.target.contracts!.listContracts({})) withContract.add(c.companyId);
    const [viaSecond, viaPrimary] = (await store.repos.mappings.list(world.integrationId, { state: 'not_mapped', limit: 500 })).filter((m) => withContract.has(m.companyId));
    const primaryTenant = [...world.acronis.state.tenants.values()].find((t) => t.kind === 'customer' && t.parent_id === world.acronis.partnerId && t.enabled && t.deleted_at === null)!;
    await store.repos.mappings.map(world.integrationId, viaPrimary!.companyId, { tenantId: primaryTenant.id, tenantName: primaryTenant.name });
    await SYNC_LOOPS.provisioning(rt);

    // One partner: no row says a partner.
    const single = await hub.api('GET', `${base}/problems`);
    expect(single.body.items.length).toBeGreaterThan(0);
    expect(single.body.items.some((p: Problem) => 'partner' in p)).toBe(false);
    const singlePlan = (await hub.api('GET', `${base}/summary?plan=true`)).body.plan as PlanLoop[];
    expect(singlePlan.flatMap((l) => [...l.sample, ...l.problemList]).some((row) => 'partner' in row)).toBe(false);

    const second = await addSecondPartner(store, world);
    await addPartner(store, world.integrationId, second.connection.id);
    const rt2 = await world.runtime();
    await runDirectoryLoop(rt2);
    await store.repos.mappings.map(world.integrationId, viaSecond!.companyId, { tenantId: second.customers[0]!, tenantName: 'Fjord Shipping' });
    // The seeded usage is above what the contracts sell: the reductions wait for approval, an open problem per item.
    await SYNC_LOOPS.provisioning(rt2);

    const problems = (await hub.api('GET', `${base}/problems`)).body.items as Problem[];
    const partnerOf = (companyId: string) => problems.filter((p) => p.company.id === companyId).map((p) => p.partner?.connectionName);
    expect(partnerOf(viaSecond!.companyId).length).toBeGreaterThan(0);
    expect(new Set(partnerOf(viaSecond!.companyId))).toEqual(new Set(['nordics']));
    expect(new Set(partnerOf(viaPrimary!.companyId))).toEqual(new Set(['emu-cloud']));
    expect(problems.find((p) => p.company.id === viaSecond!.companyId)!.partner).toEqual({
      connectionId: second.connection.id,
      connectionName: 'nordics',
      tenantName: 'Northwind MSP Nordics',
      dataCenter: world.acronis.url,
    });

    const plan = (await hub.api('GET', `${base}/summary?plan=true`)).body.plan as PlanLoop[];
    const provisioning = plan.find((l) => l.loop === 'provisioning')!;
    expect(provisioning.sample.find((e) => e.companyId === viaSecond!.companyId)?.partner?.connectionName).toBe('nordics');
    const planProblems = provisioning.problemList.filter((p) => p.companyId === viaSecond!.companyId);
    expect(planProblems.length).toBeGreaterThan(0);
    expect(planProblems.every((p) => p.partner?.connectionName === 'nordics')).toBe(true);
    // Every entry of a company names its tenant's partner; a company without a tenant has none.
    const expected = (companyId: string) => (companyId === viaSecond!.companyId ? 'nordics' : companyId === viaPrimary!.companyId ? 'emu-cloud' : null);
    const companyEntries = [...provisioning.sample, ...provisioning.problemList].filter((e): e is { companyId: string; partner?: Partner } => typeof e.companyId === 'string');
    expect(companyEntries.length).toBeGreaterThan(planProblems.length);
    for (const e of companyEntries) expect(e.partner === null ? null : e.partner?.connectionName, e.companyId).toBe(expected(e.companyId));
  });
});
