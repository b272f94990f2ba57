// ConnectWise usage write-back costs the changes, not the number of companies: between full passes
// the hub plans from what it last wrote (the contract snapshot) and reads no agreement; a usage
// change is written (one read, one write); the daily full pass reads every PAYG addition fresh and
// repairs a quantity a technician changed by hand. Both databases.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCallCounter } from '../../src/connectors/kit/call-metrics.ts';
import { catalogItem } from '../../src/domain/offering-item-catalog.ts';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { runUsageLoop } from '../../src/sync/usage-loop.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { customerTenants, startCwWorld, type CwWorld } from './harness.ts';

interface Addition {
  id: number;
  agreementId: number;
  quantity: number;
  product: { identifier: string };
  customFields: { caption: string; value?: unknown }[];
}

const isPayg = (x: Addition) => x.customFields.some((f) => f.caption === 'Acronis PAYG' && f.value === true);

describe.each(testDatabases())('ConnectWise usage memory on $name', (db) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let world: CwWorld;

  beforeEach(async () => {
    picked.length = 0;
    counted = undefined;
    ({ store, cleanup } = await openTestStore(db));
    world = await startCwWorld(store);
  });
  afterEach(async () => {
    await world.close();
    await cleanup();
  });

  /** Maps `count` companies that have a PAYG workstations addition to demo tenants, each with its own usage. */
  const picked: { companyId: string; tenantId: string; addition: Addition; usage: number }[] = [];
  async function mapPaygCompanies(count: number): Promise<{ companyId: string; tenantId: string; addition: Addition; usage: number }[]> {
    const rt = await world.runtime();
    await runDirectoryLoop(rt);
    const known = new Set((await store.repos.mappings.list(world.integrationId)).map((m) => m.companyId));
    const agreements = (await world.control('GET', '/entities/agreements?limit=1000')).items as { id: number; company: { id: number } }[];
    const additions = (await world.control('GET', '/entities/additions?limit=100000')).items as Addition[];
    const tenants = customerTenants(world);
    const used = new Set(picked.map((p) => p.companyId));
    const wanted = picked.length + count;
    for (const addition of additions) {
      if (picked.length === wanted) break;
      if (!isPayg(addition) || addition.product.identifier !== 'AcronisPhysicalWorkstations') continue;
      // Only the PAYG line sells workstations there (a prepaid one beside it would take part of the usage).
      if (additions.filter((x) => x.agreementId === addition.agreementId && x.product.identifier === addition.product.identifier).length !== 1) continue;
      const companyId = String(agreements.find((a) => a.id === addition.agreementId)!.company.id);
      if (used.has(companyId) || !known.has(companyId)) continue;
      used.add(companyId);
      const tenantId = tenants[picked.length]!.id;
      await store.repos.mappings.map(world.integrationId, companyId, { tenantId });
      const usage = 3 + picked.length;
      await fetch(`${world.acronis.url}/_emulator/usages`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant_id: tenantId, usage_name: catalogItem('workstations').usageName, value: usage }) });
      picked.push({ companyId, tenantId, addition, usage });
    }
    expect(picked).toHaveLength(wanted);
    return picked.slice(wanted - count);
  }

  // One runtime, as a running hub has: the target's one-time preparation (codebase, PAYG field) is not counted per pass.
  let counted: { rt: Awaited<ReturnType<CwWorld['runtime']>>; calls: ReturnType<typeof createCallCounter> } | undefined;
  const countedPass = async (options: { full?: boolean } = {}) => {
    if (counted === undefined) {
      const calls = createCallCounter();
      counted = { calls, rt: await world.runtime({ onTargetCall: calls.observe }) };
    }
    counted.calls.reset();
    const outcome = await runUsageLoop(counted.rt, options);
    return { outcome, calls: counted.calls.total(), operations: counted.calls.records().map((r) => r.operation) };
  };

  it('an unchanged pass between full passes reads no agreement or addition (one listing page); a change costs one read and one write', async () => {
    const companies = await mapPaygCompanies(4);
    const first = await countedPass();
    expect(first.outcome.stats).toMatchObject({ full: true, written: 4, failed: 0 });
    for (const c of companies) expect((await world.row('additions', c.addition.id)).quantity).toBe(c.usage);

    // The next pass still sees the hub's own writes as changed agreements (the incremental listing
    // reads those); the one after is the steady state.
    await countedPass();
    const unchanged = await countedPass();
    expect(unchanged.outcome.stats).toMatchObject({ full: false, writesPlanned: 0 });
    // Only the incremental agreement listing (nothing changed: one page): no read per agreement or addition.
    expect(unchanged.operations).toEqual(['list agreements']);

    // One customer's usage changes: one read and one write on ConnectWise, beside the listing.
    await fetch(`${world.acronis.url}/_emulator/usages`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant_id: companies[0]!.tenantId, usage_name: catalogItem('workstations').usageName, value: 40 }) });
    const changed = await countedPass();
    expect(changed.outcome.stats).toMatchObject({ written: 1 });
    expect(changed.calls).toBe(unchanged.calls + 2);
    expect((await world.row('additions', companies[0]!.addition.id)).quantity).toBe(40);
  });

  it("the full pass reads every PAYG addition fresh and repairs a technician's change", async () => {
    const [company] = await mapPaygCompanies(1);
    await countedPass();
    // A technician sets the quantity by hand in ConnectWise.
    world.cw.state.table('additions').rows.get(company!.addition.id)!.quantity = 99;
    const between = await countedPass();
    expect(between.outcome.stats).toMatchObject({ full: false, writesPlanned: 0 });
    const full = await countedPass({ full: true });
    expect(full.outcome.stats).toMatchObject({ full: true, written: 1 });
    expect((await world.row('additions', company!.addition.id)).quantity).toBe(company!.usage);
  });
});
