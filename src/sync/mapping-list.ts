/**
 * The customer mapping list (seed 001 "Mapping CloudBlue PSA Customers"): every company of the PSA
 * with its status there, the mapping state and the linked tenant (and whether the partner may manage
 * it), filtered and paged. A reload re-reads the companies and checks failed mappings again, clearing
 * errors whose cause is gone.
 */
import type { TargetCompany, VendorTenant } from '../connectors/ports.ts';
import { isConnectorError } from '../connectors/kit/errors.ts';
import { deprovisioningCountdown } from '../domain/deprovisioning-schedule.ts';
import { normaliseName } from '../domain/directory-plan.ts';
import type { MappingState } from '../domain/mapping-state.ts';
import { unmanageableReason } from '../domain/tenant-access.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';
import { companyOf, openIntents } from './mapping-intents.ts';
import { companiesWithUnfinishedWork } from './provisioning-unfinished.ts';
import { tenantPartners, type TenantPartner } from './tenant-partners.ts';

export const STATE_LABELS: Record<MappingState, string> = { not_mapped: 'Not mapped', ready: 'Ready for mapping', mapped: 'Mapped', failed: 'Mapping failed' };

export interface MappingRow {
  companyId: string;
  companyName: string;
  /** The company's status/type in the PSA (CloudBlue: Active, Inactive, Prospect, No Relationship); null when unknown. */
  companyStatus: string | null;
  companyActive: boolean | null;
  state: MappingState;
  stateLabel: string;
  error: string | null;
  tenantId: string | null;
  tenantName: string | null;
  /** Null when no tenant; false with a reason for tenants the integration may not change. */
  tenantManageable: boolean | null;
  tenantUnmanageableReason: string | null;
  /** Whether the mapped tenant is enabled in the vendor cloud (a disabled one is flagged before bulk actions); null when unknown. */
  tenantEnabled: boolean | null;
  /** A new tenant is being created for the company (map to new, not finished yet). */
  pending: boolean;
  /** The tenant's pricing mode as the vendor reported it (`trial`, `production`); null when unknown. */
  tenantPricingMode: string | null;
  /** Timed deprovisioning running for the company: the next step and when it falls due. */
  deprovisioning: { action: 'disable' | 'delete'; dueAt: string; daysLeft: number; lapsedAt: string } | null;
  /** The partner the tenant belongs to; only when the integration serves several partner tenants. */
  partner?: TenantPartner | null;
  updatedAt: string;
}

export interface ListMappingsQuery {
  search?: string;
  states?: readonly MappingState[];
  /** `active`/`inactive` in the PSA. */
  status?: 'active' | 'inactive';
  /** Company types/status labels. */
  types?: readonly string[];
  limit?: number;
  offset?: number;
  /** Re-read the companies from the PSA and check failed mappings again (clears errors whose cause is gone). */
  reload?: boolean;
}

export interface MappingList {
  total: number;
  items: MappingRow[];
  counts: Record<MappingState, number>;
  /** Company types one may filter on. */
  types: string[];
}

const COMPANY_CACHE_MS = 60_000;

const companyCache = new WeakMap<IntegrationRuntime, { at: number; companies: Map<string, TargetCompany> }>();

/** Every company of the PSA (inactive too), cached for a minute per runtime; new ones are recorded as not mapped. */
export async function readCompanies(rt: IntegrationRuntime, force = false): Promise<Map<string, TargetCompany>> {
  const cached = companyCache.get(rt);
  const now = rt.clock().getTime();
  if (!force && cached !== undefined && now - cached.at < COMPANY_CACHE_MS) return cached.companies;
  const companies = new Map<string, TargetCompany>();
  for await (const c of rt.target.directory.listCompanies({ includeInactive: true })) companies.set(c.id, c);
  await rt.store.repos.mappings.upsertCompanies(
    rt.integration.id,
    [...companies.values()].map((c) => ({ companyId: c.id, companyName: c.name })),
  );
  companyCache.set(rt, { at: now, companies });
  return companies;
}

export function forgetCompanies(rt: IntegrationRuntime): void {
  companyCache.delete(rt);
}

export async function listMappings(rt: IntegrationRuntime, query: ListMappingsQuery = {}): Promise<MappingList> {
  const integrationId = rt.integration.id;
  const companies = await readCompanies(rt, query.reload === true);
  if (query.reload === true) await recheckFailed(rt);
  const rows = await rt.store.repos.mappings.list(integrationId);
  const pending = new Set((await openIntents(rt)).filter((e) => e.state === 'pending').map(companyOf));
  // Provisioning steps a pass left unfinished (a crash, or a worker writing right now) show too:
  // pending while leased or waiting to be taken over, and a failed step's error when the mapping has none.
  const unfinished = await companiesWithUnfinishedWork(rt);
  const unfinishedError = new Map<string, string>();
  for (const [companyId, entries] of unfinished) {
    if (entries.some((e) => e.state === 'pending')) pending.add(companyId);
    const failed = entries.find((e) => e.state === 'failed' && e.error !== null);
    if (failed !== undefined) unfinishedError.set(companyId, `${failed.operation.replaceAll('_', ' ')} failed: ${failed.error ?? ''}; the next pass tries it again`);
  }
  const search = query.search === undefined ? '' : normaliseName(query.search);
  const types = new Set(query.types ?? []);
  const states = new Set(query.states ?? []);
  const filtered = rows.filter((m) => {
    const c = companies.get(m.companyId);
    if (states.size > 0 && !states.has(m.state)) return false;
    if (query.status !== undefined && (c === undefined || c.active !== (query.status === 'active'))) return false;
    if (types.size > 0 && (c?.type == null || !types.has(c.type))) return false;
    if (search !== '' && !normaliseName(`${m.companyName} ${m.tenantName ?? ''}`).includes(search) && m.companyId !== query.search) return false;
    return true;
  });
  const offset = query.offset ?? 0;
  const page = filtered.slice(offset, offset + (query.limit ?? 50));
  const tenantIds = page.flatMap((m) => (m.tenantId === null ? [] : [m.tenantId]));
  const snapshots = await rt.snapshots.getTenants<VendorTenant, never>(integrationId, tenantIds);
  const timed = (await rt.settings.read(integrationId, 'provisioning')).timedDeprovisioning;
  const countdowns = new Map((await rt.repos.deprovisioningCountdowns.list(integrationId)).map((c) => [c.companyId, c]));
  const now = rt.clock();
  const countdownOf = (companyId: string, tenantId: string | null): MappingRow['deprovisioning'] => {
    const stored = countdowns.get(companyId);
    if (stored === undefined || stored.tenantId !== tenantId) return null;
    const next = deprovisioningCountdown({ contractInEffect: false, contractEnded: true, lapsedAt: stored.lapsedAt, settings: timed, now }).next;
    return next === null ? null : { action: next.action, dueAt: next.dueAt, daysLeft: next.daysLeft, lapsedAt: stored.lapsedAt };
  };
  const partners = await tenantPartners(rt, tenantIds);
  const counts: Record<MappingState, number> = { not_mapped: 0, ready: 0, mapped: 0, failed: 0 };
  for (const m of rows) counts[m.state] += 1;
  return {
    total: filtered.length,
    counts,
    types: [...new Set([...companies.values()].flatMap((c) => (c.type === null ? [] : [c.type])))].sort(),
    items: page.map((m) => {
      const c = companies.get(m.companyId);
      const snap = m.tenantId === null ? undefined : snapshots.get(m.tenantId);
      const reason = m.tenantId === null ? null : unmanageableReason(snap?.data ?? null, snap?.unmanageable ?? null);
      return {
        companyId: m.companyId,
        companyName: c?.name ?? m.companyName,
        companyStatus: c?.type ?? null,
        companyActive: c?.active ?? null,
        state: m.state,
        stateLabel: STATE_LABELS[m.state],
        error: m.error ?? unfinishedError.get(m.companyId) ?? null,
        tenantId: m.tenantId,
        // The tenant's name as the vendor holds it now (a rename in Acronis shows at the next directory pass).
        tenantName: snap?.data.name ?? m.tenantName,
        tenantManageable: m.tenantId === null ? null : reason === null,
        tenantUnmanageableReason: reason,
        tenantEnabled: snap?.data.enabled ?? null,
        pending: pending.has(m.companyId),
        tenantPricingMode: snap?.data.pricingMode ?? null,
        deprovisioning: countdownOf(m.companyId, m.tenantId),
        ...(partners === null ? {} : { partner: m.tenantId === null ? null : (partners.get(m.tenantId) ?? null) }),
        updatedAt: m.updatedAt,
      };
    }),
  };
}

/** A reload checks failed mappings again: a mapped tenant that is there and manageable clears the error. */
async function recheckFailed(rt: IntegrationRuntime): Promise<void> {
  const integrationId = rt.integration.id;
  const failed = await rt.store.repos.mappings.list(integrationId, { state: 'failed' });
  for (const m of failed) {
    if (m.tenantId === null) {
      await rt.store.repos.mappings.setState(integrationId, m.companyId, 'not_mapped', null);
      continue;
    }
    try {
      const tenant = await rt.vendor.getTenant(m.tenantId);
      const recorded = (await rt.snapshots.getTenants<VendorTenant, never>(integrationId, [m.tenantId])).get(m.tenantId)?.unmanageable ?? null;
      const reason = tenant.deletedAt !== null ? `Tenant "${tenant.name}" no longer exists in the cloud: unlink or map the company again.` : unmanageableReason(tenant, recorded);
      await rt.store.repos.mappings.setState(integrationId, m.companyId, reason === null ? 'mapped' : 'failed', reason);
    } catch (error) {
      if (!isConnectorError(error, 'not_found')) throw error;
      await rt.store.repos.mappings.setState(integrationId, m.companyId, 'failed', `Tenant ${m.tenantId} no longer exists in the cloud: unlink or map the company again.`);
    }
  }
}
