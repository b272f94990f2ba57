/**
 * What a service-provider subscription needs on the vendor: the absolute set of offering items
 * and quotas the subscription and its add-ons say (never deltas), against what the tenant holds.
 * Items the subscription granted before and no longer lists are turned off; items it never
 * granted are left alone (a person may have given them by hand).
 */
import type { OfferingItem, OfferingItemChange, Quota } from './vendor-model.ts';

/** Item name → soft quota (null = unlimited). */
export type DesiredServices = Readonly<Record<string, number | null>>;

export interface ServicePlanInput {
  /** What the tenant holds now. */
  current: readonly OfferingItem[];
  /** What the parent (the distributor) may give a service provider. */
  available: readonly OfferingItem[];
  desired: DesiredServices;
  /** What this subscription granted before (its last applied set). */
  previouslyGranted: readonly string[];
}

export interface ServicePlan {
  changes: OfferingItemChange[];
  /** Desired items the distributor cannot give (the order is refused before anything changes). */
  unavailable: string[];
}

const quotaOf = (value: number | null): Quota => ({ value, overage: null });

function sameQuota(item: OfferingItem, want: number | null): boolean {
  return item.enabled && (item.quota?.value ?? null) === want;
}

export function planServiceProviderServices(input: ServicePlanInput): ServicePlan {
  // An item is one (name, infra) instance; a name with several storages uses the first offered.
  const availableByName = new Map<string, OfferingItem>();
  for (const item of input.available) if (!availableByName.has(item.name)) availableByName.set(item.name, item);
  const currentByKey = new Map(input.current.map((i) => [`${i.name}|${i.infraId ?? ''}`, i]));
  const unavailable = Object.keys(input.desired).filter((name) => !availableByName.has(name)).sort();
  if (unavailable.length > 0) return { changes: [], unavailable };

  const changes: OfferingItemChange[] = [];
  for (const name of Object.keys(input.desired).sort()) {
    const want = input.desired[name] ?? null;
    const offered = availableByName.get(name) as OfferingItem;
    const now = currentByKey.get(`${name}|${offered.infraId ?? ''}`);
    if (now !== undefined && sameQuota(now, want)) continue;
    changes.push({ applicationId: offered.applicationId, name, infraId: offered.infraId, enabled: true, quota: quotaOf(want) });
  }
  for (const name of [...new Set(input.previouslyGranted)].sort()) {
    if (name in input.desired) continue;
    for (const now of input.current) {
      if (now.name === name && now.enabled) changes.push({ applicationId: now.applicationId, name, infraId: now.infraId, enabled: false });
    }
  }
  return { changes, unavailable: [] };
}

/** True when the tenant holds exactly what `desired` says (the plan would change nothing). */
export function servicesInForce(current: readonly OfferingItem[], desired: DesiredServices, previouslyGranted: readonly string[]): boolean {
  return planServiceProviderServices({ current, available: current, desired, previouslyGranted }).changes.length === 0
    && Object.keys(desired).every((name) => current.some((i) => i.name === name && sameQuota(i, desired[name] ?? null)));
}
