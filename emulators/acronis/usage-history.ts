// Usage per calendar month, so a usage report for a past period answers the same every time. The
// live `TenantRecord.usages` are the current month; a past month is what the dataset seeded for it,
// or, when nothing was seeded, the live values frozen the first time that month is read (a closed
// month does not change afterwards). Kept beside the state, keyed by it, so a re-seed starts afresh.
import { hashSeed } from '../kit/prng.ts';
import type { AcronisState, TenantRecord, UsageState } from './state.ts';

/** `YYYY-MM` of an instant (UTC). */
export const monthOf = (ms: number): string => new Date(ms).toISOString().slice(0, 7);

type Months = Map<string, Map<string, UsageState>>;

const histories = new WeakMap<AcronisState, Map<string, Months>>();

function monthsOf(state: AcronisState, tenantId: string): Months {
  let byTenant = histories.get(state);
  if (byTenant === undefined) histories.set(state, (byTenant = new Map()));
  let months = byTenant.get(tenantId);
  if (months === undefined) byTenant.set(tenantId, (months = new Map()));
  return months;
}

/** Records a tenant's usage for a past month (datasets, control API). */
export function recordMonth(state: AcronisState, t: TenantRecord, month: string, usages: Iterable<[string, UsageState]>): void {
  monthsOf(state, t.id).set(month, new Map([...usages].map(([k, u]) => [k, { ...u }])));
}

/**
 * The tenant's usage in `month`: the live values for the current month (or a later one), the
 * recorded month otherwise; a past month with no record is frozen from the live values now (each
 * scaled by a factor in [0.8, 1] fixed by tenant, usage and month, so months differ the same way
 * on every run), and a month before the tenant existed is empty.
 */
export function usageInMonth(state: AcronisState, t: TenantRecord, month: string, nowMs: number): ReadonlyMap<string, UsageState> {
  if (month >= monthOf(nowMs)) return t.usages;
  const months = monthsOf(state, t.id);
  const recorded = months.get(month);
  if (recorded !== undefined) return recorded;
  if (month < monthOf(t.created_at)) return new Map();
  const frozen = new Map(
    [...t.usages].map(([k, u]) => {
      const factor = 0.8 + (0.2 * hashSeed(`${t.id}|${k}|${month}`)) / 0xffffffff;
      const value = Math.round(u.value * factor);
      return [k, { ...u, value, absolute: Math.max(value, Math.round(u.absolute * factor)) }];
    }),
  );
  months.set(month, frozen);
  return frozen;
}
