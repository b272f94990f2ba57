// The vendor's rule for automatic provisioning, on each PSA that has contracts (Autotask and
// ConnectWise; CloudBlue provisions by mapping to new): a tenant is created only for an unmapped
// company whose active contract has a mapped service. Not for a company whose contract sells only
// unmapped services, whose contracts have ended or were cancelled, that has no contract, or that a
// person already mapped. The expected set is computed here from the contracts as the PSA lists them.
import { describe, expect, it } from 'vitest';
import type { TargetContract } from '../../src/connectors/ports.ts';
import { operationKey } from '../../src/domain/stable-key.ts';
import type { Store } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import type { IntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { testDatabases } from '../support/databases.ts';
import { PSAS, usePsaWorld, type PsaWorld } from './psa-worlds.ts';

const DAY = 86_400_000;

async function contractsByCompany(rt: IntegrationRuntime): Promise<Map<string, TargetContract[]>> {
  const byCompany = new Map<string, TargetContract[]>();
  for await (const c of rt.target.contracts!.listContracts({})) byCompany.set(c.companyId, [...(byCompany.get(c.companyId) ?? []), c]);
  return byCompany;
}

/** In effect today: active, started, not ended (an open end counts). */
const inEffect = (item: { active: boolean; startDate: string | null; endDate: string | null }, now: number): boolean =>
  item.active && (item.startDate === null || Date.parse(item.startDate) <= now) && (item.endDate === null || Date.parse(item.endDate) >= now - DAY);

/** The rule as the vendor words it: an active contract with a mapped service. */
function hasActiveContractWithMappedService(contracts: readonly TargetContract[], mapped: ReadonlySet<string>, now: number): boolean {
  return contracts.some((c) => inEffect(c, now) && c.lines.some((l) => inEffect(l, now) && mapped.has(l.productId)));
}

describe.each(testDatabases())('automatic provisioning scope on $name', (db) => {
  describe.each(PSAS)('$name', (psa) => {
    let store: Store;
    let world: PsaWorld;
    usePsaWorld(db, psa, (opened) => ({ store, world } = opened));

    it('creates a tenant exactly for the unmapped companies whose active contract has a mapped service', { timeout: 120_000 }, async () => {
      const rt = await world.runtime();
      const mapped = new Set(world.mappedProducts.map((p) => p.productId));
      await rt.settings.write(world.integrationId, 'product-mapping', {
        entries: world.mappedProducts.map((p) => ({ itemKey: p.itemKey, infraId: null, service: { kind: 'existing', productId: p.productId }, periodType: 'monthly', serviceCode: null })),
      });
      await rt.settings.write(world.integrationId, 'provisioning', { automaticProvisioning: true, allowServiceReductions: true });
      await runDirectoryLoop(rt);
      const now = Date.now();
      const before = await contractsByCompany(rt);
      const eligible = [...before].filter(([, list]) => hasActiveContractWithMappedService(list, mapped, now)).map(([id]) => id);
      expect(eligible.length).toBeGreaterThan(3);

      // One eligible company's contracts end; another is mapped by a person to an existing tenant.
      const [ending, personMapped] = eligible as [string, string];
      for (const c of before.get(ending)!) world.endContract(c.id);
      await store.repos.mappings.map(world.integrationId, personMapped, { tenantId: world.freeTenant() });

      const contracts = await contractsByCompany(rt);
      const companies = await store.repos.mappings.list(world.integrationId);
      const expected = companies
        .filter((m) => m.state === 'not_mapped' && hasActiveContractWithMappedService(contracts.get(m.companyId) ?? [], mapped, now))
        .map((m) => m.companyId)
        .sort();
      // Each kind of company the rule leaves alone is in the dataset.
      const unmapped = companies.filter((m) => m.state === 'not_mapped').map((m) => m.companyId);
      const onlyUnmappedServices = unmapped.filter((id) => (contracts.get(id) ?? []).some((c) => inEffect(c, now)) && !expected.includes(id));
      const withoutContract = unmapped.filter((id) => !contracts.has(id));
      expect(onlyUnmappedServices.length + withoutContract.length).toBeGreaterThan(0);
      expect(expected).not.toContain(ending);
      expect(expected).not.toContain(personMapped);

      const run = await runProvisioningLoop(rt);
      expect(run.stats.tenantsCreated).toBe(expected.length);
      const created = [...world.acronis.state.tenants.values()]
        .filter((t) => t.internal_tag !== null && companies.some((m) => t.internal_tag === operationKey('create_tenant', [world.integrationId, m.companyId])))
        .map((t) => t.customer_id)
        .sort();
      expect(created).toEqual(expected);
      const after = new Map((await store.repos.mappings.list(world.integrationId)).map((m) => [m.companyId, m]));
      for (const id of expected) expect(after.get(id)?.state).toBe('mapped');
      for (const id of [ending, ...onlyUnmappedServices, ...withoutContract]) expect(after.get(id)?.tenantId ?? null).toBeNull();
      expect(after.get(personMapped)?.state).toBe('mapped');
    });
  });
});
