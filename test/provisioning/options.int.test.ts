import { describe, expect, it } from 'vitest';
import type { TargetContract } from '../../src/connectors/ports.ts';
import type { ProvisioningOperation } from '../../src/domain/provisioning-plan.ts';
import { catalogItem } from '../../src/domain/offering-item-catalog.ts';
import { loginCandidates } from '../../src/domain/admin-account.ts';
import { operationKey } from '../../src/domain/stable-key.ts';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { testDatabases } from '../support/databases.ts';
import { itemsOf, useSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';

async function contracts(world: SyncWorld): Promise<Map<string, TargetContract[]>> {
  const rt = await world.runtime();
  const byCompany = new Map<string, TargetContract[]>();
  for await (const c of rt.target.contracts!.listContracts({})) byCompany.set(c.companyId, [...(byCompany.get(c.companyId) ?? []), c]);
  return byCompany;
}

/** A company with one prepaid contract that sells no storage and at least one mapped service. */
async function prepaidWithoutStorage(world: SyncWorld): Promise<{ companyId: string; contract: TargetContract }> {
  const storage = world.services.get('Acronis Hosted storage (GB)');
  const mapped = new Set(world.services.values());
  for (const [companyId, list] of await contracts(world)) {
    const [c] = list;
    if (list.length === 1 && c!.billing === 'prepaid' && !c!.lines.some((l) => l.productId === storage) && c!.lines.some((l) => mapped.has(l.productId))) {
      return { companyId, contract: c! };
    }
  }
  throw new Error('no such company in the demo dataset');
}

/** Automatic provisioning on; a company it will make a tenant for, and the admin account its dry run plans. */
async function plannedAdminAccount(world: SyncWorld): Promise<{ companyId: string; op: Extract<ProvisioningOperation, { kind: 'create_admin_user' }> }> {
  const rt = await world.runtime();
  await rt.settings.write(world.integrationId, 'provisioning', { automaticProvisioning: true });
  await runDirectoryLoop(rt);
  const { companyId } = await prepaidWithoutStorage(world);
  const dry = await runProvisioningLoop(rt, { dryRun: true });
  const op = dry.plan.find((p) => p.companyId === companyId)!.operations.find((o) => o.kind === 'create_admin_user');
  if (op?.kind !== 'create_admin_user') throw new Error('no admin account planned');
  return { companyId, op };
}

const customerTenant = (world: SyncWorld, index: number) =>
  [...world.acronis.state.tenants.values()].filter((t) => t.kind === 'customer' && t.parent_id === world.acronis.partnerId && t.enabled && t.name !== 'Trey Research')[index]!.id;

describe.each(testDatabases())('provisioning options on $name', (db) => {
  let store: Store;
  let world: SyncWorld;
  useSyncWorld(db, (opened) => ({ store, world } = opened));

  it.each([false, true])('Free option %s: items not in the contract get 0 or unlimited; the default storage is enabled', async (free) => {
    const rt = await world.runtime();
    // About the Free option's values; reductions below usage are test/trust/service-guards.int.test.ts's.
    await rt.settings.write(world.integrationId, 'provisioning', { freeProvisioning: free, defaultStorageInfraId: world.acronisInfra, allowServiceReductions: true });
    await runDirectoryLoop(rt);
    const { companyId } = await prepaidWithoutStorage(world);
    const tenantId = customerTenant(world, 3);
    await store.repos.mappings.map(world.integrationId, companyId, { tenantId });
    const run = await runProvisioningLoop(rt);
    const plan = run.plan.find((p) => p.companyId === companyId)!;
    const decisions = plan.operations.flatMap((o) => (o.kind === 'set_offering_items' ? o.decisions : []));
    const freeReason = free ? 'free_unlimited' : 'free_zero';
    const byFree = decisions.filter((d) => d.reason === freeReason && d.to.quota !== null);
    expect(byFree.length).toBeGreaterThan(0);
    const items = await itemsOf(rt.vendor, tenantId);
    for (const d of byFree) expect(items.get(d.name)).toEqual({ enabled: true, value: free ? null : 0 });
    const storage = catalogItem('storage').names.map((n) => items.get(`${n}@${world.acronisInfra}`)).find((i) => i?.enabled);
    expect(storage).toEqual({ enabled: true, value: free ? null : 0 });
  });

  it('automatic provisioning: one tenant with its items, an admin and 2FA for an unmapped company; never twice', async () => {
    const rt = await world.runtime();
    await rt.settings.write(world.integrationId, 'provisioning', { automaticProvisioning: true, mfaForNewCustomers: true });
    await runDirectoryLoop(rt);
    const { companyId } = await prepaidWithoutStorage(world);
    const run = await runProvisioningLoop(rt);
    expect(run.stats.tenantsCreated).toBeGreaterThan(0);
    const mapping = (await store.repos.mappings.get(world.integrationId, companyId))!;
    expect(mapping.state).toBe('mapped');
    const key = operationKey('create_tenant', [world.integrationId, companyId]);
    const tagged = [...world.acronis.state.tenants.values()].filter((t) => t.internal_tag === key);
    expect(tagged.map((t) => t.id)).toEqual([mapping.tenantId]);
    expect(tagged[0]!.customer_id).toBe(companyId);
    expect(tagged[0]!.mfa_status).toBe('enabled');
    const users = world.acronis.state.usersByTenant.get(mapping.tenantId!) ?? [];
    expect(users).toHaveLength(1);

    const again = await runProvisioningLoop(rt);
    expect(again.stats.operationsPlanned).toBe(0);
    expect([...world.acronis.state.tenants.values()].filter((t) => t.internal_tag === key)).toHaveLength(1);
    expect(world.acronis.state.usersByTenant.get(mapping.tenantId!) ?? []).toHaveLength(1);
  });

  it('automatic provisioning: a taken admin login gets the shared suffix rule (login-2), as the mapping job does', async () => {
    const rt = await world.runtime();
    const { companyId, op } = await plannedAdminAccount(world);
    // Someone elsewhere in the cloud holds the login first.
    await rt.vendor.createUser({ tenantId: customerTenant(world, 0), login: op.login, email: 'holder@elsewhere.test' });

    await runProvisioningLoop(rt);
    const mapping = (await store.repos.mappings.get(world.integrationId, companyId))!;
    const users = world.acronis.state.usersByTenant.get(mapping.tenantId!) ?? [];
    expect(users.map((u) => u.login)).toEqual([loginCandidates(op.login)[1]]);
    expect(loginCandidates(op.login)[1]).toBe(`${op.login}-2`);
  });

  it('automatic provisioning: a login taken between its check and the create (companies run several at a time) goes to the next candidate', async () => {
    const { companyId, op } = await plannedAdminAccount(world);
    // The check says free; another company's create takes the login before this one's create.
    const rt = await world.runtime({
      wrapVendor: (vendor) => ({
        ...vendor,
        isLoginAvailable: async (login) => {
          const free = await vendor.isLoginAvailable(login);
          if (free && login === op.login) await vendor.createUser({ tenantId: customerTenant(world, 0), login, email: 'racer@elsewhere.test' });
          return free;
        },
      }),
    });
    const run = await runProvisioningLoop(rt);
    expect(run.stats.companiesFailed).toBe(0);
    const mapping = (await store.repos.mappings.get(world.integrationId, companyId))!;
    expect(mapping.state).toBe('mapped');
    expect((world.acronis.state.usersByTenant.get(mapping.tenantId!) ?? []).map((u) => u.login)).toEqual([`${op.login}-2`]);
  });

  it.each(['zeroQuotas', 'disableTenant', 'deleteTenant'] as const)('deprovisioning %s when the contract ends (and nothing when off)', async (option) => {
    const rt = await world.runtime();
    await runDirectoryLoop(rt);
    const { companyId, contract } = await prepaidWithoutStorage(world);
    const tenantId = customerTenant(world, 4);
    await store.repos.mappings.map(world.integrationId, companyId, { tenantId });
    await runProvisioningLoop(rt);

    const row = world.autotask.state.table('Contracts').rows.get(Number(contract.id))!;
    row.endDate = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00Z';
    row.lastModifiedDateTime = new Date(Date.now() + 1000).toISOString();
    const before = await itemsOf(rt.vendor, tenantId);
    const off = await runProvisioningLoop(rt, { full: true });
    expect(off.plan.find((p) => p.companyId === companyId)?.problems.map((p) => p.code)).toContain('contract_ended');
    expect(await itemsOf(rt.vendor, tenantId)).toEqual(before);

    // Deprovisioning itself; that a person approves it by default is test/trust/service-guards.int.test.ts's.
    await rt.settings.patch(world.integrationId, 'provisioning', { deprovisioning: { [option]: true }, allowServiceReductions: true });
    await runProvisioningLoop(rt, { full: true });
    const tenant = world.acronis.state.tenants.get(tenantId);
    if (option === 'deleteTenant') {
      expect(tenant === undefined || tenant.deleted_at !== null).toBe(true);
      expect((await store.repos.mappings.get(world.integrationId, companyId))!.state).toBe('not_mapped');
    } else if (option === 'disableTenant') {
      expect(tenant!.enabled).toBe(false);
    } else {
      const items = await itemsOf(rt.vendor, tenantId);
      const quotas = [...items.values()].filter((i) => i.enabled && i.value !== null);
      expect(quotas.length).toBeGreaterThan(0);
      expect(quotas.every((i) => i.value === 0)).toBe(true);
    }
  });
});
