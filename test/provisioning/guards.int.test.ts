import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../emulators/acronis/routes/users.ts';
import type { Store } from '../../src/store/store.ts';
import { createTenantKey } from '../../src/domain/directory-plan.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { unlink } from '../../src/sync/mapping-actions.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { testDatabases } from '../support/databases.ts';
import { companiesWithOnePrepaidContract, useSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';

const PASSWORD = 'Guard-Manual-Passw0rd!';
const ADMIN_BY_NAME = { basedOn: 'company_name', activationEmail: 'ops@msp.example' } as const;

/** A company with one prepaid contract on at least one mapped service (so a pass provisions it). */
async function provisionable(world: SyncWorld): Promise<{ companyId: string; companyName: string }> {
  for (const { companyId } of await companiesWithOnePrepaidContract(world)) {
    const m = await world.store.repos.mappings.get(world.integrationId, companyId);
    if (m !== undefined && m.tenantId === null) return { companyId, companyName: m.companyName };
  }
  throw new Error('no such company in the demo dataset');
}

const taggedTenants = (world: SyncWorld, companyId: string) =>
  [...world.acronis.state.tenants.values()].filter((t) => t.internal_tag === createTenantKey(world.integrationId, companyId) && t.deleted_at === null);

describe.each(testDatabases())('provisioning guards on $name', (db) => {
  let store: Store;
  let world: SyncWorld;
  useSyncWorld(db, (opened) => ({ store, world } = opened));

  it('unfinished new-tenant steps follow the one manageability rule: a self-service hub tenant gets no admin account', async () => {
    const rt = await world.runtime();
    await rt.settings.write(world.integrationId, 'provisioning', { adminAccount: ADMIN_BY_NAME, mfaForNewCustomers: true });
    await runDirectoryLoop(rt, { full: true });
    const { companyId, companyName } = await provisionable(world);
    // The hub made the tenant (its tag) but its admin / 2FA steps never ran; the customer then went self-service.
    const { tenant } = await rt.vendor.createCustomerTenant(
      { parentId: rt.partnerTenantId, name: companyName, customerId: companyId },
      { idempotencyKey: createTenantKey(world.integrationId, companyId) },
    );
    await runDirectoryLoop(rt, { full: true });
    expect(await store.repos.mappings.get(world.integrationId, companyId)).toMatchObject({ tenantId: tenant.id, state: 'mapped' });
    world.acronis.state.tenants.get(tenant.id)!.ancestral_access = false;

    const run = await runProvisioningLoop(rt, { full: true });
    const plan = run.plan.find((p) => p.companyId === companyId)!;
    expect(plan.problems.map((p) => p.code)).toContain('tenant_unmanageable');
    expect(plan.operations).toEqual([]);
    expect(world.acronis.state.usersByTenant.get(tenant.id) ?? []).toHaveLength(0);
    expect(world.acronis.state.tenants.get(tenant.id)!.mfa_status).not.toBe('enabled');
  });

  it('manual password with none stored: nothing is made, the company fails saying to set it; once set, the next pass completes it', async () => {
    const rt = await world.runtime();
    await rt.settings.write(world.integrationId, 'provisioning', { automaticProvisioning: true, adminAccount: { ...ADMIN_BY_NAME, password: 'manual' } });
    await runDirectoryLoop(rt, { full: true });
    const { companyId } = await provisionable(world);

    const run = await runProvisioningLoop(rt);
    const plan = run.plan.find((p) => p.companyId === companyId)!;
    expect(plan.problems).toContainEqual(expect.objectContaining({ code: 'admin_password_missing', severity: 'error' }));
    expect(plan.operations).toEqual([]);
    expect(run.stats.tenantsCreated).toBe(0);
    expect(taggedTenants(world, companyId)).toHaveLength(0);
    const failed = (await store.repos.mappings.get(world.integrationId, companyId))!;
    expect(failed).toMatchObject({ state: 'failed', tenantId: null });
    expect(failed.error).toContain('Provisioning tab');
    expect(failed.error).toContain('/settings/provisioning/admin-password');

    const credentials = await store.repos.integrations.getCredentials(world.integrationId);
    await store.repos.integrations.update(world.integrationId, { credentials: { ...credentials, adminPassword: PASSWORD } });
    await runProvisioningLoop(rt);
    const done = (await store.repos.mappings.get(world.integrationId, companyId))!;
    expect(done).toMatchObject({ state: 'mapped', error: null });
    expect(taggedTenants(world, companyId).map((t) => t.id)).toEqual([done.tenantId]);
    expect((world.acronis.state.usersByTenant.get(done.tenantId!) ?? []).map((u) => u.passwordHash)).toEqual([hashPassword(PASSWORD)]);
  });

  it('automatic provisioning leaves an unlinked company alone: auto-provisioned → unlink → pass → still unlinked, no new tenant', async () => {
    const rt = await world.runtime();
    await rt.settings.write(world.integrationId, 'provisioning', { automaticProvisioning: true, adminAccount: ADMIN_BY_NAME });
    await runDirectoryLoop(rt, { full: true });
    const { companyId } = await provisionable(world);
    await runProvisioningLoop(rt);
    const provisioned = (await store.repos.mappings.get(world.integrationId, companyId))!;
    expect(provisioned.state).toBe('mapped');
    expect(taggedTenants(world, companyId)).toHaveLength(1);
    const tenantCount = world.acronis.state.tenants.size;

    await unlink(rt, 'anna', companyId);
    for (const options of [{}, { full: true }]) {
      const run = await runProvisioningLoop(rt, options);
      expect(run.stats.tenantsCreated).toBe(0);
      const after = (await store.repos.mappings.get(world.integrationId, companyId))!;
      expect(after).toMatchObject({ tenantId: null, state: 'not_mapped' });
      expect(after.unlinkedAt).not.toBeNull();
      expect(world.acronis.state.tenants.size).toBe(tenantCount);
      expect(taggedTenants(world, companyId)).toHaveLength(1);
    }
    expect(world.acronis.state.usersByTenant.get(provisioned.tenantId!) ?? []).toHaveLength(1);
  });
});
