// What the two large first-sync workloads (Autotask: sync-large.ts, ConnectWise: connectwise-large.ts)
// do alike: map the Acronis items to the target's products by name, time each loop pass with the
// calls it made per system, and map company i to tenant i as a person would.
import type { CallCounter } from '../../src/connectors/kit/call-metrics.ts';
import type { CatalogItemKey } from '../../src/domain/offering-item-catalog.ts';
import type { Store } from '../../src/store/store.ts';
import type { IntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import type { LoopOutcome } from '../../src/sync/loop-result.ts';
import { integrationSettings } from '../../src/sync/settings/settings.ts';
import { measure, type Measurement } from '../measure.ts';

/**
 * Maps each item to the target product of that name (storage on the platform-owned storage), and
 * lets the first sync set every mapped tenant's quotas to its contract's, reductions included (no
 * person approves here). Returns the mapping's entries.
 */
export async function mapProductsByName(store: Store, rt: IntegrationRuntime, integrationId: string, products: readonly [CatalogItemKey, string][]) {
  const settings = integrationSettings(store.repos.settings);
  const storage = (await rt.vendor.listStorages(rt.partnerTenantId)).find((s) => s.platformOwned === true);
  const entries = [];
  for (const [itemKey, name] of products) {
    const product = await rt.target.catalog!.findServiceByName(name);
    if (product) entries.push({ itemKey, infraId: itemKey === 'storage' ? (storage?.id ?? null) : null, service: { kind: 'existing', productId: product.id }, periodType: 'monthly', serviceCode: null });
  }
  await settings.write(integrationId, 'product-mapping', { entries });
  await settings.write(integrationId, 'provisioning', { defaultStorageInfraId: storage?.id ?? null, allowServiceReductions: true });
  return entries;
}

export interface StepFigures {
  /** The loop stats kept (non-zero numbers of these names). */
  statNames: readonly string[];
  /** Whether the loop's text stats are kept too. */
  keepText: boolean;
  /** The figure name of the target's call count ("autotaskCalls"). */
  targetCallsName: string;
}

/** A step of a workload: measures `work` and records its kept stats and the calls per system in `results`. */
export function measuredSteps(vendorCalls: CallCounter, targetCalls: CallCounter, results: Measurement[], figures: StepFigures) {
  const calls = () => vendorCalls.total() + targetCalls.total();
  return async (name: string, work: () => Promise<LoopOutcome | Record<string, number | string>>) => {
    const v0 = vendorCalls.total();
    const t0 = targetCalls.total();
    results.push(
      await measure(
        name,
        async () => {
          const outcome = await work();
          const stats = 'stats' in outcome ? (outcome.stats as Record<string, unknown>) : outcome;
          const keep = Object.fromEntries(
            Object.entries(stats).filter(([k, v]) => (typeof v === 'number' && v !== 0 && figures.statNames.includes(k)) || (figures.keepText && typeof v === 'string')),
          ) as Record<string, number | string>;
          return { ...keep, acronisCalls: vendorCalls.total() - v0, [figures.targetCallsName]: targetCalls.total() - t0 };
        },
        calls,
      ),
    );
  };
}

/** Maps company i to tenant i in the store only (the datasets share no names, so a person would). */
export async function mapCompanyIToTenantI(store: Store, rt: IntegrationRuntime, integrationId: string): Promise<{ mapped: number }> {
  const companies = await store.repos.mappings.list(integrationId);
  const tenants = (await rt.snapshots.listTenants(integrationId)).map((t) => t.tenantId);
  let mapped = 0;
  for (let i = 0; i < Math.min(companies.length, tenants.length); i++) {
    await store.repos.mappings.map(integrationId, companies[i]!.companyId, { tenantId: tenants[i]! });
    mapped += 1;
  }
  return { mapped };
}
