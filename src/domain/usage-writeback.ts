/**
 * The pay-as-you-go rule: from a tenant's vendor usages and the quantities its PAYG contract lines
 * hold now, what each line must hold for the current billing period. Level-triggered for every
 * target: the plan says the quantity the line must show (the usage in billing units) and what it was
 * observed to hold; the target's usage port reads the quantity in force and writes the difference
 * (Autotask: a unit adjustment `unitChange` with an effective date; ConnectWise: the addition's
 * quantity). Units carry over from one period to the next, so "usage now − units in force now" is
 * the amount to write whatever period the units were left in: a new month never counts the previous
 * ones again, and a retry after a crash finds the units moved and writes nothing.
 *
 * Decisions where the seeds are silent:
 * - the billing period is the calendar month in UTC, as the vendor's usage `range_start` (the 1st);
 *   an adjustment takes effect at the later of the period start and the line's start;
 * - the usage written is the vendor's current `value` (protected workloads now, bytes stored now),
 *   summed over the item's names in every edition and, for storage, over the mapped storage only;
 *   bytes are billed per started GB (2^30 bytes);
 * - an item with no usage record is not written (unknown is not zero: a vendor answer missing a
 *   usage must not wipe a bill);
 * - the usage of an item goes to one PAYG line: the earliest (start date, contract, line id);
 *   others on the same item are reported, so a customer is never billed twice for one workload;
 * - PAYG lines on a bundle are not written (which member's usage is the bundle's is undefined);
 * - the usage of a line that ended is not written any more, including its last partial period.
 */
import { compareText, readContractLines, utcDay } from './contract-line.ts';
import { catalogItem, usageToBillingUnits } from './offering-item-catalog.ts';
import { problem, type PlanProblem } from './plan-problem.ts';
import { entryLabel, indexProductMapping } from './product-mapping.ts';
import { operationKey } from './stable-key.ts';
import type { PrepaidUsageInput } from './prepaid-overage.ts';

/** How a target stores usage (its capability); the plan is the same for both. */
export type WritebackMode = 'delta' | 'absolute';

/**
 * The tenant's contract lines (`quantity` = what each holds now, observed on the target), mapping,
 * usage and settings, as the prepaid comparison reads them; `allowMixedBilling` as in the
 * provisioning settings: refused mixed contracts get no usage either.
 */
export interface UsageWritebackInput extends PrepaidUsageInput {
  integrationId: string;
}

export interface UsageWrite {
  kind: 'write_usage';
  key: string;
  lineId: string;
  contractId: string;
  productId: string;
  periodStart: string;
  /** The date the quantity applies from (an Autotask adjustment's effective date). */
  effectiveDate: string;
  /** What the line was observed to hold. */
  previous: number;
  /** What the line must hold: the usage in billing units. */
  quantity: number;
  /** `quantity − previous`, for people (the target computes its own difference from what it holds). */
  delta: number;
}

export interface UsageWritebackPlan {
  periodStart: string;
  writes: UsageWrite[];
  problems: PlanProblem[];
}

/** 00:00 UTC on the 1st of the month that holds `now`. */
export function usagePeriodStart(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}

export function planUsageWriteback(input: UsageWritebackInput): UsageWritebackPlan {
  const periodStart = usagePeriodStart(input.now);
  const problems: PlanProblem[] = [];
  const reading = readContractLines(input.lines, indexProductMapping(input.mapping), input.now, { allowMixedBilling: input.allowMixedBilling });
  problems.push(...reading.problems.filter((p) => p.code === 'mixed_billing' || p.code === 'invalid_line'));

  const payg = reading.effective
    .filter((m) => m.line.billing === 'payg')
    .sort(
      (a, b) =>
        compareText(a.line.startDate ?? '', b.line.startDate ?? '') || compareText(a.line.contractId, b.line.contractId) || compareText(a.line.lineId, b.line.lineId),
    );

  const writes: UsageWrite[] = [];
  const claimed = new Map<string, string>();
  for (const { line, product } of payg) {
    const context = { tenantId: input.tenantId, contractId: line.contractId, lineId: line.lineId };
    const entry = product.entries[0];
    if (product.bundleId !== null || entry === undefined) {
      problems.push(problem('payg_bundle_unsupported', 'warning', `Pay-as-you-go line ${line.lineId} sells a bundle; usage is written to single services only.`, context));
      continue;
    }
    const item = catalogItem(entry.itemKey);
    if (item.billingUnit === 'n/a') {
      problems.push(problem('not_metered', 'info', `${item.displayName} is an on/off feature with no usage to bill; line ${line.lineId} is left as it is.`, context));
      continue;
    }
    const slot = `${entry.itemKey}|${entry.infraId ?? ''}`;
    const owner = claimed.get(slot);
    if (owner !== undefined) {
      problems.push(
        problem('duplicate_payg_line', 'warning', `${entryLabel(entry)} has more than one pay-as-you-go line; its usage goes to line ${owner} only, not to line ${line.lineId}.`, {
          ...context,
          ownerLineId: owner,
        }),
      );
      continue;
    }
    claimed.set(slot, line.lineId);

    const matching = input.usages.filter(
      (u) => u.usageName === item.usageName && item.names.includes(u.name) && (!item.perStorage || u.infraId === entry.infraId),
    );
    if (matching.length === 0) {
      problems.push(problem('usage_missing', 'info', `The vendor reported no usage of ${entryLabel(entry)}; line ${line.lineId} is not written.`, context));
      continue;
    }
    const quantity = usageToBillingUnits(item, matching.reduce((sum, u) => sum + u.value, 0));
    const previous = line.quantity;
    if (quantity === previous) continue;

    const lineStart = line.startDate === null ? Number.NaN : utcDay(line.startDate);
    const effectiveDate = Number.isNaN(lineStart) || lineStart < Date.parse(periodStart) ? periodStart : new Date(lineStart).toISOString();
    writes.push({
      kind: 'write_usage',
      key: operationKey('write_usage', [input.integrationId, line.lineId, periodStart], { previous, quantity }),
      lineId: line.lineId,
      contractId: line.contractId,
      productId: line.productId,
      periodStart,
      effectiveDate,
      previous,
      quantity,
      delta: quantity - previous,
    });
  }
  return { periodStart, writes, problems };
}
