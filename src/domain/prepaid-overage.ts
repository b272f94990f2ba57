/**
 * Prepaid usage compared, not written (the vendor's usage-sync rule for PREPAID: "skip, or compare
 * with quota value/overage", reference/interworks-gradient-wire.md §3; seed 002 §9 rule 2: prepaid
 * quantities are never overwritten by usage). For each item a customer bought prepaid, the usage now
 * against the contracted quantity and the quota the tenant holds, and the overage: a list an MSP can
 * bill from. Pure.
 *
 * Decisions:
 * - the contracted quantity of an item is the sum of its prepaid lines in effect (as the planner
 *   sets the quota from that sum); a bundle line counts for each of its members;
 * - usage and quota are shown in the contract's billing units (workloads, started GB), as the
 *   usage write-back counts them; unknown usage (no usage record) is shown as unknown, never as 0;
 * - overage = usage − contracted when positive; a customer is over when any item is;
 * - on/off feature items have no usage and are left out; refused (mixed) contracts are left out,
 *   as their items are held.
 */
import { compareText, readContractLines, type ContractLine } from './contract-line.ts';
import { BYTES_PER_GB, catalogItem, usageToBillingUnits, type CatalogItemKey } from './offering-item-catalog.ts';
import { entryLabel, indexProductMapping, type ProductMapping } from './product-mapping.ts';
import type { VendorUsage } from './vendor-model.ts';

export interface PrepaidUsageRow {
  itemKey: CatalogItemKey;
  infraId: string | null;
  label: string;
  billingUnit: 'quantity' | 'GB';
  lineIds: string[];
  productIds: string[];
  /** Sum of the prepaid lines in effect. */
  contracted: number;
  /** Usage now, in billing units; null when the vendor reported none. */
  usage: number | null;
  /** The tenant's soft quota and hard overage in billing units; null = unlimited / none / item off. */
  quotaValue: number | null;
  quotaOverage: number | null;
  /** Units used beyond the contracted quantity (0 when within it or unknown). */
  overage: number;
  over: boolean;
}

export interface PrepaidUsageReport {
  tenantId: string;
  rows: PrepaidUsageRow[];
  /** True when any item is used beyond its contracted quantity. */
  over: boolean;
  totalOverage: number;
}

export interface PrepaidUsageInput {
  tenantId: string;
  lines: readonly ContractLine[];
  mapping: ProductMapping;
  usages: readonly VendorUsage[];
  allowMixedBilling: boolean;
  now: Date;
}

function toBillingUnits(unit: 'quantity' | 'GB', raw: number | null): number | null {
  if (raw === null) return null;
  return unit === 'GB' ? Math.round((raw / BYTES_PER_GB) * 100) / 100 : raw;
}

export function comparePrepaidUsage(input: PrepaidUsageInput): PrepaidUsageReport {
  const reading = readContractLines(input.lines, indexProductMapping(input.mapping), input.now, { allowMixedBilling: input.allowMixedBilling });
  const slots = new Map<string, PrepaidUsageRow>();
  for (const { line, product } of reading.effective) {
    if (line.billing !== 'prepaid') continue;
    for (const entry of product.entries) {
      const item = catalogItem(entry.itemKey);
      if (item.billingUnit === 'n/a') continue;
      const id = `${entry.itemKey}|${entry.infraId ?? ''}`;
      let row = slots.get(id);
      if (row === undefined) {
        const matching = input.usages.filter((u) => u.usageName === item.usageName && item.names.includes(u.name) && (!item.perStorage || u.infraId === entry.infraId));
        const quota = matching.find((u) => u.offeringItem?.enabled === true)?.offeringItem?.quota ?? null;
        row = {
          itemKey: entry.itemKey,
          infraId: entry.infraId,
          label: entryLabel(entry),
          billingUnit: item.billingUnit,
          lineIds: [],
          productIds: [],
          contracted: 0,
          usage: matching.length === 0 ? null : usageToBillingUnits(item, matching.reduce((sum, u) => sum + u.value, 0)),
          quotaValue: toBillingUnits(item.billingUnit, quota?.value ?? null),
          quotaOverage: toBillingUnits(item.billingUnit, quota?.overage ?? null),
          overage: 0,
          over: false,
        };
        slots.set(id, row);
      }
      row.contracted += line.quantity;
      row.lineIds.push(line.lineId);
      if (!row.productIds.includes(line.productId)) row.productIds.push(line.productId);
    }
  }
  const rows = [...slots.values()].sort((a, b) => compareText(`${a.itemKey}|${a.infraId ?? ''}`, `${b.itemKey}|${b.infraId ?? ''}`));
  for (const row of rows) {
    row.overage = row.usage === null ? 0 : Math.max(0, row.usage - row.contracted);
    row.over = row.overage > 0;
  }
  return { tenantId: input.tenantId, rows, over: rows.some((r) => r.over), totalOverage: rows.reduce((sum, r) => sum + r.overage, 0) };
}
