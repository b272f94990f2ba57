// The provisioning + usage scenario on the demo datasets, run three ways: undisturbed; with 20 % of
// requests to both emulators failing (429, 503, timeouts, dropped connections); and with the process
// "crashing" at random points between journal steps (after the external write, before its record;
// after the record, before the write). The final state must be the undisturbed one, with no tenant,
// user or unit adjustment twice. The three runs: test/support/reliability-scenario.ts.
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { createdTenantTags, describeReliability, enabledItems } from '../support/reliability-scenario.ts';
import { startSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';

async function prepare(world: SyncWorld, store: Store): Promise<void> {
  const rt = await world.runtime();
  await rt.settings.write(world.integrationId, 'provisioning', { automaticProvisioning: true, mfaForNewCustomers: true, defaultStorageInfraId: world.acronisInfra });
  await runDirectoryLoop(rt);
  // Two existing tenants mapped by a person: a prepaid and a PAYG company, so usage is written too.
  const companies = await store.repos.mappings.list(world.integrationId);
  const tenants = [...world.acronis.state.tenants.values()].filter((t) => t.kind === 'customer' && t.parent_id === world.acronis.partnerId && t.enabled && t.name !== 'Trey Research');
  const contracts = world.autotask.state.table('Contracts');
  const payg = [...contracts.rows.values()].filter((c) => contracts.udfs.get(c.id as number)?.get('acronis payg') === 'Yes').map((c) => String(c.companyID));
  const first = companies.find((c) => payg.includes(c.companyId))!;
  const second = companies.find((c) => !payg.includes(c.companyId) && c.companyId !== first.companyId)!;
  await store.repos.mappings.map(world.integrationId, first.companyId, { tenantId: tenants[0]!.id });
  await store.repos.mappings.map(world.integrationId, second.companyId, { tenantId: tenants[1]!.id });
}

/** What the scenario leaves behind, independent of generated ids. */
async function finalState(world: SyncWorld, store: Store) {
  const mappings = await store.repos.mappings.list(world.integrationId);
  const tenants = world.acronis.state.tenants;
  const companies = mappings.map((m) => {
    const t = m.tenantId === null ? undefined : tenants.get(m.tenantId);
    return {
      company: m.companyName,
      state: m.state,
      tenant: t?.name ?? null,
      mfa: t?.mfa_status ?? null,
      // Which of two companies whose contacts share a name gets the `-2` login depends on the order
      // the faults let them finish in, so logins are compared as a whole below, users per tenant here.
      users: t === undefined ? 0 : (world.acronis.state.usersByTenant.get(t.id) ?? []).length,
      items: enabledItems(t),
    };
  });
  const units = [...world.autotask.state.serviceAdjustments.entries()].map(([line, list]) => [line, list.reduce((n, a) => n + a.unitChange, 0)]).sort();
  const logins = mappings
    .flatMap((m) => (m.tenantId === null ? [] : (world.acronis.state.usersByTenant.get(m.tenantId) ?? []).map((u) => u.login)))
    .sort();
  return { companies, logins, ...createdTenantTags(world.acronis), units };
}

describeReliability({
  title: 'reliability on $name',
  startWorld: startSyncWorld,
  targetUrl: (world) => world.autotask.url,
  prepare,
  finalState,
  faultSeed: 7,
  crashSeed: 'crash',
  undisturbed: { title: 'the undisturbed run creates tenants, writes usage and converges' },
});
