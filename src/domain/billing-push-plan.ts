/**
 * The push plan for a billing platform, pure: from the customer tenants, the services to sell, the
 * usage, what the platform lists and what the hub last pushed, the writes that make the platform
 * match. Level-triggered: nothing already in place is written again.
 *
 * - Accounts: one per customer tenant (id = tenant id), created when the platform does not list the
 *   id (account creation is not idempotent there), renamed when the name differs. A deleted tenant's
 *   account is renamed to say so (the platform has no delete) and its counts go to 0, once.
 * - Services: one per spec, created when no service of that name exists, description kept current.
 * - Counts: planned when the quantity differs from the last one the platform took, or the pair was
 *   waiting for a mapping there (planned again on every pass, so a mapping made on the platform is
 *   filled in by the next pass; which of the waiting pairs are actually asked is the probe's choice,
 *   src/domain/mapping-probe.ts). A count that drops to zero is posted as 0 once; a pair that was
 *   never taken and is zero is not posted.
 */
import type { ServiceSpec } from './billing-services.ts';

export const DELETED_SUFFIX = ' (deleted in Acronis)';

export interface PushTenant {
  id: string;
  name: string;
  deleted: boolean;
}

export interface PlatformAccount {
  id: string;
  name: string;
}

export interface PlatformService {
  id: string;
  name: string;
  description: string;
}

/** What the hub last pushed for an (account, service) pair. */
export interface LastCount {
  accountId: string;
  serviceKey: string;
  quantity: number;
  /** `counted`: the platform took it; `waiting`: it answered "not mapped". */
  state: 'counted' | 'waiting';
  /** The last quantity the platform took, when any (a waiting pair may have been counted before). */
  countedQuantity: number | null;
}

export interface PlannedCount {
  accountId: string;
  serviceKey: string;
  quantity: number;
  /** Why: `changed`, `retry_waiting`, `first`, `dropped_to_zero`, `tenant_deleted`. */
  reason: 'first' | 'changed' | 'retry_waiting' | 'dropped_to_zero' | 'tenant_deleted';
}

export interface PushPlan {
  createAccounts: { id: string; name: string; description: string }[];
  renameAccounts: { id: string; name: string; from: string }[];
  createServices: ServiceSpec[];
  updateServices: { spec: ServiceSpec; id: string }[];
  /** The spec key → the platform's service id, for every spec that exists now. */
  serviceIds: Map<string, string>;
}

export const accountName = (t: PushTenant) => (t.deleted ? `${t.name}${DELETED_SUFFIX}` : t.name);
export const accountDescription = (t: PushTenant) => `Acronis Cyber Protect Cloud customer tenant ${t.id}`;

export function planAccountsAndServices(input: {
  tenants: readonly PushTenant[];
  platformAccounts: readonly PlatformAccount[];
  specs: readonly ServiceSpec[];
  platformServices: readonly PlatformService[];
}): PushPlan {
  const listed = new Map<string, string>();
  for (const a of input.platformAccounts) if (!listed.has(a.id)) listed.set(a.id, a.name);
  const createAccounts: PushPlan['createAccounts'] = [];
  const renameAccounts: PushPlan['renameAccounts'] = [];
  const seen = new Set<string>();
  for (const t of input.tenants) {
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    const name = accountName(t);
    const current = listed.get(t.id);
    if (current === undefined) {
      // A tenant deleted before it was ever pushed has nothing to retire.
      if (!t.deleted) createAccounts.push({ id: t.id, name, description: accountDescription(t) });
    } else if (current !== name) renameAccounts.push({ id: t.id, name, from: current });
  }

  // First service of a name wins (the platform may hold duplicates made by someone else).
  const byName = new Map<string, PlatformService>();
  for (const s of input.platformServices) if (!byName.has(s.name)) byName.set(s.name, s);
  const createServices: ServiceSpec[] = [];
  const updateServices: PushPlan['updateServices'] = [];
  const serviceIds = new Map<string, string>();
  for (const spec of input.specs) {
    const existing = byName.get(spec.name);
    if (existing === undefined) createServices.push(spec);
    else {
      serviceIds.set(spec.key, existing.id);
      if (existing.description !== spec.description) updateServices.push({ spec, id: existing.id });
    }
  }
  return { createAccounts, renameAccounts, createServices, updateServices, serviceIds };
}

/**
 * The counts to post. `desired` holds the quantity per `${accountId}|${serviceKey}` for live tenants
 * (pairs with no usage are absent: treated as 0); `deleted` are the ids of deleted tenants.
 */
export function planCounts(input: {
  desired: ReadonlyMap<string, { accountId: string; serviceKey: string; quantity: number }>;
  last: readonly LastCount[];
  deletedTenantIds: ReadonlySet<string>;
  /** Services that exist on the platform (counts for others wait for the next pass). */
  serviceKeys: ReadonlySet<string>;
  /** Accounts that exist on the platform. */
  accountIds: ReadonlySet<string>;
}): PlannedCount[] {
  const out: PlannedCount[] = [];
  const lastByPair = new Map(input.last.map((l) => [`${l.accountId}|${l.serviceKey}`, l]));
  const exists = (accountId: string, serviceKey: string) => input.accountIds.has(accountId) && input.serviceKeys.has(serviceKey);

  for (const [pair, d] of input.desired) {
    if (input.deletedTenantIds.has(d.accountId) || !exists(d.accountId, d.serviceKey)) continue;
    const last = lastByPair.get(pair);
    if (last === undefined) {
      if (d.quantity > 0) out.push({ ...d, reason: 'first' });
      continue;
    }
    if (last.state === 'waiting') {
      if (d.quantity > 0) out.push({ ...d, reason: 'retry_waiting' });
      else if (last.countedQuantity !== null && last.countedQuantity !== 0) out.push({ ...d, quantity: 0, reason: 'dropped_to_zero' });
      continue;
    }
    if (last.quantity !== d.quantity) out.push({ ...d, reason: d.quantity === 0 ? 'dropped_to_zero' : 'changed' });
  }
  // Pairs the platform took before that have no usage now (the item was switched off, or the tenant deleted).
  for (const last of input.last) {
    const pair = `${last.accountId}|${last.serviceKey}`;
    if (input.desired.has(pair) && !input.deletedTenantIds.has(last.accountId)) continue;
    if (!exists(last.accountId, last.serviceKey)) continue;
    const taken = last.state === 'counted' ? last.quantity : last.countedQuantity;
    if (taken === null || taken === 0) continue;
    if (last.state === 'counted' && last.quantity === 0) continue;
    out.push({ accountId: last.accountId, serviceKey: last.serviceKey, quantity: 0, reason: input.deletedTenantIds.has(last.accountId) ? 'tenant_deleted' : 'dropped_to_zero' });
  }
  return out.sort((a, b) => (a.accountId === b.accountId ? a.serviceKey.localeCompare(b.serviceKey) : a.accountId.localeCompare(b.accountId)));
}
