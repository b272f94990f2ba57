// The ConnectWise provisioning + usage scenario on the demo datasets (the scenario of
// test/support/reliability-scenario.ts, as for Autotask in test/loops/reliability.int.test.ts), run
// three ways: undisturbed; with 20 % of requests to both emulators failing (429, 503, timeouts,
// dropped connections); and with the process "crashing" at random points between journal steps. The
// final state must be the undisturbed one: the same tenants, quotas, users and addition quantities,
// with no tenant created twice.
import { expect } from 'vitest';
import { catalogItem } from '../../src/domain/offering-item-catalog.ts';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { createdTenantTags, describeReliability, enabledItems } from '../support/reliability-scenario.ts';
import { customerTenants, startCwWorld, type CwWorld } from './harness.ts';

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
    const users = t === undefined ? [] : (world.acronis.state.usersByTenant.get(t.id) ?? []).map((u) => u.login).sort();
    return { company: m.companyName, state: m.state, tenant: t?.name ?? null, mfa: t?.mfa_status ?? null, users, items: enabledItems(t) };
  });
  const additions = [...world.cw.state.table('additions').rows.values()].map((a) => `${a.id}=${String(a.quantity ?? 0)}`).sort();
  return { companies, ...createdTenantTags(world.acronis), additions };
}

describeReliability({
  title: 'ConnectWise reliability on $name',
  startWorld: startCwWorld,
  targetUrl: (world) => world.cw.url,
  prepare,
  finalState,
  faultSeed: 11,
  crashSeed: 'cw-crash',
  undisturbed: {
    title: 'the undisturbed run creates tenants, writes usage to PAYG additions and converges',
    check: (reference) => expect(reference.additions.some((a) => a.endsWith('=9'))).toBe(true),
  },
});
