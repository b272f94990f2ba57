// The ConnectWise provisioning + usage scenario on the demo datasets (the pattern of
// test/sync/reliability.int.test.ts), run three ways: undisturbed; with 20 % of requests to both
// emulators failing (429, 503, timeouts, dropped connections); and with the process "crashing" at
// random points between journal steps. The final state must be the undisturbed one: the same
// tenants, quotas, users and addition quantities, with no tenant created twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogItem } from '../../src/domain/offering-item-catalog.ts';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import type { IntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { runUsageLoop } from '../../src/sync/usage-loop.ts';
import { crashingJournal, runCrashingPasses } from '../support/crashing-journal.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { customerTenants, startCwWorld, type CwWorld } from './harness.ts';

function scenario(rt: IntegrationRuntime, passes: number) {
  return runCrashingPasses(rt, [runDirectoryLoop, runProvisioningLoop, runUsageLoop], passes);
}

/** Automatic provisioning on; two existing tenants mapped by a person (company 250 has a PAYG line) with usage to write. */
async function prepare(world: CwWorld, store: Store): Promise<void> {
  const rt = await world.runtime();
  await rt.settings.write(world.integrationId, 'provisioning', { automaticProvisioning: true, mfaForNewCustomers: true, defaultStorageInfraId: world.acronisInfra });
  await runDirectoryLoop(rt);
  const [first, second] = customerTenants(world);
  await store.repos.mappings.map(world.integrationId, '250', { tenantId: first!.id });
  await store.repos.mappings.map(world.integrationId, '253', { tenantId: second!.id });
  const put = (body: object) => fetch(`${world.acronis.url}/_emulator/usages`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await put({ tenant_id: first!.id, usage_name: catalogItem('workstations').usageName, value: 9 });
  await put({ tenant_id: second!.id, usage_name: catalogItem('workstations').usageName, value: 4 });
}

async function finalState(world: CwWorld, store: Store) {
  const mappings = await store.repos.mappings.list(world.integrationId);
  const tenants = world.acronis.state.tenants;
  const companies = mappings.map((m) => {
    const t = m.tenantId === null ? undefined : tenants.get(m.tenantId);
    const items =
      t === undefined
        ? []
        : [...t.items.entries()]
            .filter(([, s]) => s.status === 1 || (s as { enabled?: boolean }).enabled === true)
            .map(([k, s]) => `${k}=${JSON.stringify((s as { quota?: unknown }).quota ?? null)}`)
            .sort();
    return { company: m.companyName, state: m.state, tenant: t?.name ?? null, mfa: t?.mfa_status ?? null, users: t === undefined ? [] : (world.acronis.state.usersByTenant.get(t.id) ?? []).map((u) => u.login).sort(), items };
  });
  const tags = [...tenants.values()].flatMap((t) => (t.internal_tag?.startsWith('create_tenant:') ? [t.internal_tag] : []));
  const additions = [...world.cw.state.table('additions').rows.values()].map((a) => `${a.id}=${String(a.quantity ?? 0)}`).sort();
  return { companies, duplicateTags: tags.length - new Set(tags).size, createdTenants: tags.length, additions };
}

describe.each(testDatabases())('ConnectWise reliability on $name', (db) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let world: CwWorld;
  let reference: Awaited<ReturnType<typeof finalState>>;

  beforeEach(async () => {
    const ref = await openTestStore(db);
    const refWorld = await startCwWorld(ref.store);
    try {
      await prepare(refWorld, ref.store);
      await scenario(await refWorld.runtime(), 2);
      reference = await finalState(refWorld, ref.store);
    } finally {
      await refWorld.close();
      await ref.cleanup();
    }
    ({ store, cleanup } = await openTestStore(db));
    world = await startCwWorld(store);
  });
  afterEach(async () => {
    await world.close();
    await cleanup();
  });

  it('the undisturbed run creates tenants, writes usage to PAYG additions and converges', () => {
    expect(reference.createdTenants).toBeGreaterThan(10);
    expect(reference.duplicateTags).toBe(0);
    expect(reference.companies.filter((c) => c.state === 'mapped').length).toBeGreaterThan(10);
    expect(reference.additions.some((a) => a.endsWith('=9'))).toBe(true);
  });

  it('20 % injected faults (429, 503, timeouts, dropped connections): same final state, no duplicates', { timeout: 240_000 }, async () => {
    await prepare(world, store);
    const rules = {
      seed: 11,
      rules: [
        { kind: 'rate_limit', share: 0.06, retryAfterSeconds: 0 },
        { kind: 'status', status: 503, share: 0.06 },
        { kind: 'drop', share: 0.06 },
        { kind: 'timeout', share: 0.02, count: 4 },
      ],
    };
    for (const url of [world.acronis.url, world.cw.url]) {
      const res = await fetch(`${url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rules) });
      expect(res.status).toBeLessThan(300);
    }
    const rt = await world.runtime({ patient: true, journalLeaseMs: 0 });
    await scenario(rt, 4);
    for (const url of [world.acronis.url, world.cw.url]) await fetch(`${url}/_emulator/faults`, { method: 'DELETE' });
    await scenario(rt, 1);
    const state = await finalState(world, store);
    expect(state.duplicateTags).toBe(0);
    expect(state).toEqual(reference);
  });

  it('crashes at random points between journal steps, then re-runs: same final state, no duplicates', { timeout: 240_000 }, async () => {
    await prepare(world, store);
    const crashing = await world.runtime({ journalRepo: crashingJournal(store, 'cw-crash', 0.3), journalLeaseMs: 0 });
    const { crashes } = await scenario(crashing, 6);
    expect(crashes).toBeGreaterThan(0);
    await scenario(await world.runtime({ journalLeaseMs: 0 }), 1);
    const state = await finalState(world, store);
    expect(state.duplicateTags).toBe(0);
    expect(state).toEqual(reference);
  });
});
