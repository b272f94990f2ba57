/**
 * The directory loop's decisions, pure: from the companies known (with their mapping) and the
 * customer tenants seen, which mappings to suggest, to restore, or to mark failed.
 *
 * The seeds state no automatic matching (seed 000 §4.1, §5.4: accounts are mapped by a person, or get a
 * new tenant by automatic provisioning). Our decisions, so that nothing is ever mapped silently on a guess:
 * - a tenant whose internal tag is this integration's create key for the company is the tenant the
 *   hub created for it (e.g. the mapping was removed from the store or lost): mapped again, `mapped`;
 * - otherwise a suggestion, state `ready` (a person confirms it, which makes it `mapped`; the loops
 *   act on `mapped` only): the one free tenant whose Custom ID (`customer_id`) is the company id, or else the one
 *   free tenant whose name equals the company's (case, accents, spacing and punctuation ignored);
 *   a name or id that more than one company or more than one tenant has is never suggested;
 * - a company a person unlinked is never matched again by these rules (until a person maps it);
 * - a self-service tenant (the partner has no access: src/domain/tenant-access.ts) is neither
 *   restored nor suggested;
 * - a mapped (or suggested) tenant that is deleted or no longer among the connection's customers →
 *   `failed`, with the reason; the mapping is kept for a person to remove or redo.
 */
import type { MappingState } from './mapping-state.ts';
import { operationKey } from './stable-key.ts';
import { unmanageableReason } from './tenant-access.ts';
import type { VendorTenant } from './vendor-model.ts';

export interface KnownCompany {
  companyId: string;
  companyName: string;
  state: MappingState;
  tenantId: string | null;
  error: string | null;
  /** A person unlinked the company: no rule maps it again until a person does. */
  unlinkedAt: string | null;
}

export interface SeenTenant {
  tenant: Pick<VendorTenant, 'id' | 'name' | 'customerId' | 'internalTag'> & Partial<Pick<VendorTenant, 'ancestralAccess'>>;
  /** Deleted, or known not to be a customer of the connection any more. */
  gone: boolean;
}

export type DirectoryChange =
  | { kind: 'map'; companyId: string; companyName: string; tenantId: string; tenantName: string; state: 'mapped' | 'ready'; rule: 'created_by_hub' | 'custom_id' | 'name' }
  | { kind: 'fail'; companyId: string; companyName: string; tenantId: string; error: string };

export function createTenantKey(integrationId: string, companyId: string): string {
  return operationKey('create_tenant', [integrationId, companyId]);
}

export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function planDirectory(integrationId: string, companies: readonly KnownCompany[], tenants: readonly SeenTenant[]): DirectoryChange[] {
  const changes: DirectoryChange[] = [];
  const byId = new Map(tenants.map((t) => [t.tenant.id, t]));

  for (const c of companies) {
    if (c.tenantId === null || c.state === 'not_mapped') continue;
    const seen = byId.get(c.tenantId);
    if (seen !== undefined && seen.gone) {
      const error = `Tenant "${seen.tenant.name}" (${c.tenantId}) no longer exists in the cloud: remove the mapping or map the company again.`;
      if (c.state !== 'failed' || c.error !== error) changes.push({ kind: 'fail', companyId: c.companyId, companyName: c.companyName, tenantId: c.tenantId, error });
    }
  }

  const held = new Set(companies.flatMap((c) => (c.tenantId === null ? [] : [c.tenantId])));
  // A tenant the partner may not manage (self-service) is never suggested nor restored.
  const free = tenants.filter((t) => !t.gone && !held.has(t.tenant.id) && unmanageableReason({ ancestralAccess: t.tenant.ancestralAccess ?? true }) === null);
  // A person's unlink sticks: the company is left alone until a person maps it again.
  const unmapped = companies.filter((c) => c.tenantId === null && c.unlinkedAt === null);
  if (free.length === 0 || unmapped.length === 0) return changes;

  const taken = new Set<string>();
  const byTag = new Map(free.filter((t) => t.tenant.internalTag !== null).map((t) => [t.tenant.internalTag as string, t]));
  for (const c of unmapped) {
    const t = byTag.get(createTenantKey(integrationId, c.companyId));
    if (t === undefined) continue;
    taken.add(t.tenant.id);
    changes.push({ kind: 'map', companyId: c.companyId, companyName: c.companyName, tenantId: t.tenant.id, tenantName: t.tenant.name, state: 'mapped', rule: 'created_by_hub' });
  }

  const suggest = (rule: 'custom_id' | 'name', companyKey: (c: KnownCompany) => string | null, tenantKey: (t: SeenTenant) => string | null) => {
    const companiesByKey = groupBy(
      unmapped.filter((c) => !changes.some((ch) => ch.companyId === c.companyId)),
      companyKey,
    );
    const tenantsByKey = groupBy(
      free.filter((t) => !taken.has(t.tenant.id)),
      tenantKey,
    );
    for (const [key, cs] of companiesByKey) {
      const ts = tenantsByKey.get(key);
      if (cs.length !== 1 || ts === undefined || ts.length !== 1) continue;
      const c = cs[0]!;
      const t = ts[0]!;
      taken.add(t.tenant.id);
      changes.push({ kind: 'map', companyId: c.companyId, companyName: c.companyName, tenantId: t.tenant.id, tenantName: t.tenant.name, state: 'ready', rule });
    }
  };
  suggest(
    'custom_id',
    (c) => c.companyId,
    (t) => t.tenant.customerId,
  );
  suggest(
    'name',
    (c) => normaliseName(c.companyName) || null,
    (t) => normaliseName(t.tenant.name) || null,
  );
  return changes;
}

function groupBy<T>(list: readonly T[], key: (item: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of list) {
    const k = key(item);
    if (k === null || k === '') continue;
    out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}
