// After a crash, incremental passes must finish what the crashed pass left unfinished: the journal
// entries it left pending (and their companies) belong in every pass, not only in the daily full
// pass. The first provisioning pass "dies" (throws, recording nothing, as a killed process would)
// right after the pending record of a new tenant and of a new tenant's admin user; the pass after it
// meets the live leases (the mapping shows pending, the summary is not ok); after the lease only
// incremental passes run, and they create the tenant, the admin user and the 2FA, once each.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { JournalRepository } from '../../src/store/repositories/journal.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { listMappings } from '../../src/sync/mapping-list.ts';
import { readIntegrationHealth } from '../../src/sync/integration-health.ts';
import { testDatabases } from '../support/databases.ts';
import { useSyncWorld, type SyncWorld } from './harness.ts';

class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

/** Dies once right after the first pending record of each of `operations`, before its call. */
function dyingJournal(repo: JournalRepository, operations: string[]): { repo: JournalRepository; died: Map<string, string> } {
  const died = new Map<string, string>();
  const wrapped = Object.assign(Object.create(repo) as JournalRepository, {
    insertPending: async (...args: Parameters<JournalRepository['insertPending']>) => {
      const entry = await repo.insertPending(...args);
      const op = args[0];
      if (entry !== undefined && operations.includes(op.operation) && !died.has(op.operation)) {
        died.set(op.operation, op.idempotencyKey.split(':').at(-1)!); // `<operation>:<integration>:<company>`
        throw new SimulatedCrash(`crash after the pending ${op.operation}, before the call`);
      }
      return entry;
    },
    markFailed: async () => {}, // a dead process records no failure
  });
  return { repo: wrapped, died };
}

describe.each(testDatabases())('unfinished work after a crash on $name', (db) => {
  let store: Store;
  let world: SyncWorld;
  useSyncWorld(db, (opened) => ({ store, world } = opened));

  it('a pass killed with create_tenant and create_admin_user pending → incremental passes after the lease finish both, no duplicates', { timeout: 120_000 }, async () => {
    // Time moves on by hand past the journal's lease (5 minutes), the same for loops and journal.
    let shift = 0;
    const clock = () => new Date(Date.now() + shift);
    const journalRepo = new JournalRepository(store.db, clock);
    const rt = await world.runtime({ clock, journalRepo });
    await rt.settings.write(world.integrationId, 'provisioning', { automaticProvisioning: true, mfaForNewCustomers: true, defaultStorageInfraId: world.acronisInfra });
    await runDirectoryLoop(rt);

    const dying = dyingJournal(journalRepo, ['create_tenant', 'create_admin_user']);
    const crashing = await world.runtime({ clock, journalRepo: dying.repo });
    await expect(runProvisioningLoop(crashing)).rejects.toThrow(SimulatedCrash);
    const noTenant = dying.died.get('create_tenant')!;
    const noUser = dying.died.get('create_admin_user')!;
    expect(noTenant).toBeDefined();
    expect(noUser).toBeDefined();

    // The next pass (a full one: the crashed pass recorded none) meets the live leases and says so.
    const during = await runProvisioningLoop(rt);
    expect(during.stats.inProgress).toBeGreaterThanOrEqual(2);
    // An incremental pass while the leases still hold: nothing else changed for these companies.
    const stillLeased = await runProvisioningLoop(rt);
    expect(stillLeased.stats).toMatchObject({ full: false, scoped: true });
    expect(stillLeased.stats.inProgress).toBeGreaterThanOrEqual(2);
    const listed = await listMappings(rt, { limit: 1000 });
    expect(listed.items.find((m) => m.companyId === noTenant)).toMatchObject({ state: 'not_mapped', pending: true });
    expect(listed.items.find((m) => m.companyId === noUser)).toMatchObject({ state: 'mapped', pending: true });
    const health = await readIntegrationHealth(store, { id: world.integrationId, enabled: true });
    expect(health.status).toBe('degraded');
    expect(health.reason).toContain('left unfinished');

    // After the lease, incremental passes only.
    shift = 6 * 60_000;
    const after = await runProvisioningLoop(rt);
    expect(after.stats).toMatchObject({ full: false, scoped: true });
    expect(after.stats.tenantsCreated).toBe(1);
    await runProvisioningLoop(rt);

    const tenants = [...world.acronis.state.tenants.values()];
    const tags = tenants.flatMap((t) => (t.internal_tag?.startsWith('create_tenant:') ? [t.internal_tag] : []));
    expect(tags.length - new Set(tags).size).toBe(0);
    for (const companyId of [noTenant, noUser]) {
      const mapping = (await store.repos.mappings.get(world.integrationId, companyId))!;
      expect(mapping).toMatchObject({ state: 'mapped', error: null });
      const tenant = world.acronis.state.tenants.get(mapping.tenantId!)!;
      expect(tenant.mfa_status).toBe('enabled');
      expect(world.acronis.state.usersByTenant.get(tenant.id) ?? []).toHaveLength(1);
    }
    expect(await store.repos.journal.list({ integrationId: world.integrationId, loop: 'provisioning', states: ['pending', 'failed'] })).toEqual([]);
    const listedAfter = await listMappings(rt, { limit: 1000 });
    expect(listedAfter.items.filter((m) => m.pending)).toEqual([]);
    expect((await readIntegrationHealth(store, { id: world.integrationId, enabled: true })).reasons).toEqual([]);

    // Nothing was left for the full pass to repair.
    const full = await runProvisioningLoop(rt, { full: true });
    expect(full.stats).toMatchObject({ applied: 0, tenantsCreated: 0, inProgress: 0 });
  });
});
