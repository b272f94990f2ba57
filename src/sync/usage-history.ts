/**
 * The chart history the usage loop leaves behind (migration 0004): for each mapped company with a
 * contract, per mapped offering item, the units its prepaid lines hold now (contracted) and the
 * vendor's usage in billing units (used), once per UTC day.
 *
 * Best effort by design: the history is for people looking at charts, so a failure here is
 * swallowed and never fails or delays the billing work of the loop that calls it. One batched
 * usage listing (100 tenants a call) per pass, at most once per loop run (daily by default).
 */
import type { TargetContract } from '../connectors/ports.ts';
import { readContractLines } from '../domain/contract-line.ts';
import { catalogItem, usageToBillingUnits } from '../domain/offering-item-catalog.ts';
import { indexProductMapping, type ProductMapping } from '../domain/product-mapping.ts';
import type { VendorUsage } from '../domain/vendor-model.ts';
import { utcDayOf, type UsagePoint } from '../store/repositories/usage-history.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';

export interface UsageHistoryInput {
  mapped: readonly { companyId: string; tenantId: string | null }[];
  contracts: ReadonlyMap<string, readonly TargetContract[]>;
  mapping: ProductMapping;
  allowMixedBilling: boolean;
  now: Date;
}

/** Pure: one company's points from its contracts and its tenant's usages. */
export function usagePointsOf(
  company: { companyId: string; tenantId: string },
  contracts: readonly TargetContract[],
  usages: readonly VendorUsage[],
  input: Pick<UsageHistoryInput, 'mapping' | 'allowMixedBilling' | 'now'>,
): UsagePoint[] {
  const reading = readContractLines(
    contracts.flatMap((c) => c.lines),
    indexProductMapping(input.mapping),
    input.now,
    { allowMixedBilling: input.allowMixedBilling },
  );
  const slots = new Map<string, UsagePoint>();
  for (const { line, product } of reading.effective) {
    for (const entry of product.entries) {
      const item = catalogItem(entry.itemKey);
      if (item.billingUnit === 'n/a') continue; // an on/off feature has no units to chart
      const slot = `${entry.itemKey}|${entry.infraId ?? ''}`;
      let point = slots.get(slot);
      if (point === undefined) {
        const matching = usages.filter((u) => u.usageName === item.usageName && item.names.includes(u.name) && (!item.perStorage || u.infraId === entry.infraId));
        point = {
          companyId: company.companyId,
          tenantId: company.tenantId,
          itemKey: entry.itemKey,
          infraId: entry.infraId,
          contracted: null,
          used: matching.length === 0 ? null : usageToBillingUnits(item, matching.reduce((sum, u) => sum + u.value, 0)),
        };
        slots.set(slot, point);
      }
      if (line.billing === 'prepaid') point.contracted = (point.contracted ?? 0) + line.quantity;
    }
  }
  return [...slots.values()];
}

/** Records today's points for every mapped company with a contract; answers how many rows were written (0 on failure). */
export async function recordUsageHistory(rt: IntegrationRuntime, input: UsageHistoryInput): Promise<number> {
  try {
    const companies = input.mapped.filter((m): m is { companyId: string; tenantId: string } => m.tenantId !== null && (input.contracts.get(m.companyId) ?? []).length > 0);
    if (companies.length === 0) return 0;
    const usages = new Map<string, VendorUsage[]>();
    for await (const entry of rt.vendor.getUsages(companies.map((c) => c.tenantId))) usages.set(entry.tenantId, entry.usages);
    const points = companies.flatMap((c) => usagePointsOf(c, input.contracts.get(c.companyId) ?? [], usages.get(c.tenantId) ?? [], input));
    return await rt.repos.usageHistory.record(rt.integration.id, utcDayOf(input.now), points);
  } catch {
    return 0;
  }
}
