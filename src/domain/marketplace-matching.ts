/**
 * Ingram Cloud Marketplace matching (seed 001 "Ingram Cloud MarketPlace Customer Synchronization").
 * A customer tenant provisioned from the marketplace carries the Custom ID `osa_account_id=<number>`;
 * the PSA customer provisioned from the same account is linked to the marketplace's external system
 * ("CMP") with that number. The wizard proposes (PSA customer ↔ tenant) pairs by that id, never by
 * name, and a person confirms them. Pure: companies, tenants and mappings in; proposals and issues out.
 *
 * Our rules where the seed is silent, so that nothing is guessed:
 * - two or more tenants with one id: no proposal, an issue naming them all;
 * - two or more customers with one id: when exactly one of them is active it is proposed and the
 *   issue names the others (a re-created customer keeps its old, inactive record linked: the demo's
 *   "Tailspin Travel (old account)"); otherwise no proposal;
 * - a customer linked to several ids that lead to different tenants: no proposal for it;
 * - an inactive customer or a disabled tenant is proposed, but not preselected, with a warning;
 * - a tenant the partner may not manage (self-service, support access off): no proposal;
 * - a pair already mapped is left out (a `ready` one is proposed again); a customer or tenant mapped
 *   elsewhere: no proposal, an issue;
 * - ids on one side only are listed as unmatched (information).
 */

import type { ProposedPair } from './proposed-pair.ts';

const OSA_PATTERN = /^\s*osa_account_id\s*=\s*(\S*)\s*$/i;

export type CustomIdReading = { kind: 'none' } | { kind: 'osa'; accountId: string } | { kind: 'invalid'; raw: string };

/** Reads a tenant's Custom ID: `osa_account_id=1100244869` → `1100244869`. Leading zeros are kept out of the comparison. */
export function readCustomId(customId: string | null): CustomIdReading {
  if (customId === null || customId.trim() === '') return { kind: 'none' };
  const match = OSA_PATTERN.exec(customId);
  if (match === null) return { kind: 'none' };
  const value = match[1] ?? '';
  return /^\d+$/.test(value) ? { kind: 'osa', accountId: normaliseAccountId(value) } : { kind: 'invalid', raw: customId };
}

/** Marketplace account ids compare as numbers: `001100244869` is `1100244869`. */
export function normaliseAccountId(id: string): string {
  return id.trim().replace(/^0+(?=\d)/, '');
}

export interface MarketplaceCompany {
  id: string;
  name: string;
  active: boolean;
  /** The company's ids in the marketplace's external system (CloudBlue: links to "CMP"). */
  marketplaceIds: readonly string[];
}

export interface MarketplaceTenant {
  id: string;
  name: string;
  customId: string | null;
  enabled: boolean;
  /** Null when the partner may manage it; else why not (self-service, support access disabled). */
  unmanageable: string | null;
}

export interface ExistingMapping {
  companyId: string;
  tenantId: string | null;
  state: 'not_mapped' | 'ready' | 'mapped' | 'failed';
}

/** `preselected` is false for inactive customers and disabled tenants. */
export interface MarketplaceProposal extends ProposedPair {
  accountId: string;
}

export type MarketplaceIssueCode =
  | 'duplicate_tenant_id'
  | 'duplicate_company_id'
  | 'ambiguous_company'
  | 'invalid_custom_id'
  | 'invalid_marketplace_id'
  | 'tenant_unmanageable'
  | 'company_mapped_elsewhere'
  | 'tenant_mapped_elsewhere'
  | 'unmatched_tenant'
  | 'unmatched_company';

export interface MarketplaceIssue {
  code: MarketplaceIssueCode;
  severity: 'warning' | 'info';
  accountId: string | null;
  companyIds: string[];
  tenantIds: string[];
  message: string;
}

export interface MarketplaceMatchResult {
  proposals: MarketplaceProposal[];
  issues: MarketplaceIssue[];
  /** Pairs found that are mapped already (nothing to do). */
  alreadyMapped: number;
}

const quoteList = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

export function matchMarketplace(
  companies: readonly MarketplaceCompany[],
  tenants: readonly MarketplaceTenant[],
  mappings: readonly ExistingMapping[],
): MarketplaceMatchResult {
  const issues: MarketplaceIssue[] = [];
  const proposals: MarketplaceProposal[] = [];
  let alreadyMapped = 0;
  const issue = (code: MarketplaceIssueCode, severity: MarketplaceIssue['severity'], accountId: string | null, companyIds: string[], tenantIds: string[], message: string) =>
    issues.push({ code, severity, accountId, companyIds, tenantIds, message });

  // ── tenants by account id ──
  const tenantsById = new Map<string, MarketplaceTenant[]>();
  for (const t of [...tenants].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))) {
    const reading = readCustomId(t.customId);
    if (reading.kind === 'invalid') {
      issue('invalid_custom_id', 'warning', null, [], [t.id], `Tenant "${t.name}" has the Custom ID "${reading.raw}", which looks like a marketplace id but is not osa_account_id=<number>; it is not matched.`);
    }
    if (reading.kind !== 'osa') continue;
    tenantsById.set(reading.accountId, [...(tenantsById.get(reading.accountId) ?? []), t]);
  }

  // ── companies by account id ──
  const companiesById = new Map<string, MarketplaceCompany[]>();
  for (const c of [...companies].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))) {
    const ids = new Set<string>();
    for (const raw of c.marketplaceIds) {
      if (!/^\s*\d+\s*$/.test(raw)) {
        issue('invalid_marketplace_id', 'warning', null, [c.id], [], `Customer "${c.name}" is linked to the marketplace with "${raw}", which is not a number; that link is not matched.`);
        continue;
      }
      ids.add(normaliseAccountId(raw));
    }
    for (const id of ids) companiesById.set(id, [...(companiesById.get(id) ?? []), c]);
  }

  const mappingOfCompany = new Map(mappings.map((m) => [m.companyId, m]));
  const mappingOfTenant = new Map(mappings.filter((m) => m.tenantId !== null && m.state !== 'not_mapped').map((m) => [m.tenantId as string, m]));
  const companyName = new Map(companies.map((c) => [c.id, c.name]));

  // ── candidate pairs per id ──
  const candidates: { accountId: string; company: MarketplaceCompany; tenant: MarketplaceTenant; warnings: string[] }[] = [];
  const allIds = [...new Set([...tenantsById.keys(), ...companiesById.keys()])].sort((a, b) => (a.length - b.length) || a.localeCompare(b));
  for (const accountId of allIds) {
    const ts = tenantsById.get(accountId) ?? [];
    const cs = companiesById.get(accountId) ?? [];
    if (cs.length === 0) {
      issue('unmatched_tenant', 'info', accountId, [], ts.map((t) => t.id), `${ts.length === 1 ? 'Tenant' : 'Tenants'} ${quoteList(ts.map((t) => t.name))} (osa_account_id=${accountId}) ${ts.length === 1 ? 'has' : 'have'} no PSA customer linked to that marketplace account.`);
      continue;
    }
    if (ts.length === 0) {
      issue('unmatched_company', 'info', accountId, cs.map((c) => c.id), [], `${quoteList(cs.map((c) => c.name))} (marketplace account ${accountId}) has no tenant with Custom ID osa_account_id=${accountId}.`);
      continue;
    }
    if (ts.length > 1) {
      issue('duplicate_tenant_id', 'warning', accountId, cs.map((c) => c.id), ts.map((t) => t.id), `Tenants ${quoteList(ts.map((t) => t.name))} all carry osa_account_id=${accountId}; none is proposed: correct the Custom IDs, or map by hand.`);
      continue;
    }
    const tenant = ts[0] as MarketplaceTenant;
    let company: MarketplaceCompany;
    const warnings: string[] = [];
    if (cs.length > 1) {
      const active = cs.filter((c) => c.active);
      if (active.length !== 1) {
        issue('duplicate_company_id', 'warning', accountId, cs.map((c) => c.id), [tenant.id], `PSA customers ${quoteList(cs.map((c) => c.name))} are all linked to marketplace account ${accountId} (${active.length === 0 ? 'none' : active.length} active); none is proposed for tenant "${tenant.name}": map by hand.`);
        continue;
      }
      company = active[0] as MarketplaceCompany;
      const others = cs.filter((c) => c !== company);
      issue('duplicate_company_id', 'warning', accountId, cs.map((c) => c.id), [tenant.id], `Marketplace account ${accountId} is linked to ${quoteList(cs.map((c) => c.name))}; the only active one, "${company.name}", is proposed for tenant "${tenant.name}" (inactive: ${quoteList(others.map((c) => c.name))}).`);
      warnings.push(`Inactive ${quoteList(others.map((c) => c.name))} also ${others.length === 1 ? 'carries' : 'carry'} this marketplace id.`);
    } else {
      company = cs[0] as MarketplaceCompany;
    }
    candidates.push({ accountId, company, tenant, warnings });
  }

  // ── a company reaching several tenants through several ids ──
  const perCompany = new Map<string, typeof candidates>();
  for (const c of candidates) perCompany.set(c.company.id, [...(perCompany.get(c.company.id) ?? []), c]);

  for (const [companyId, list] of perCompany) {
    const tenantIds = [...new Set(list.map((c) => c.tenant.id))];
    const first = list[0]!;
    if (tenantIds.length > 1) {
      issue('ambiguous_company', 'warning', null, [companyId], tenantIds, `Customer "${first.company.name}" is linked to several marketplace accounts (${list.map((c) => c.accountId).join(', ')}) whose tenants differ (${quoteList(list.map((c) => c.tenant.name))}); none is proposed: map by hand.`);
      continue;
    }
    const { company, tenant, accountId } = first;
    const warnings = [...new Set(list.flatMap((c) => c.warnings))];
    const current = mappingOfCompany.get(company.id);
    const holder = mappingOfTenant.get(tenant.id);
    // A pair already mapped needs nothing; one stored as `ready` (proposed, not applied) is proposed again.
    if (current !== undefined && current.tenantId === tenant.id && (current.state === 'mapped' || current.state === 'failed')) {
      alreadyMapped += 1;
      continue;
    }
    if (tenant.unmanageable !== null) {
      issue('tenant_unmanageable', 'warning', accountId, [company.id], [tenant.id], `Tenant "${tenant.name}" matches "${company.name}" by marketplace account ${accountId} but cannot be managed by the integration (${tenant.unmanageable}); it is not proposed.`);
      continue;
    }
    if (current !== undefined && current.tenantId !== null && current.tenantId !== tenant.id && current.state !== 'not_mapped') {
      issue('company_mapped_elsewhere', 'warning', accountId, [company.id], [tenant.id], `"${company.name}" matches tenant "${tenant.name}" by marketplace account ${accountId} but is already mapped to another tenant; unlink it first to map it this way.`);
      continue;
    }
    if (holder !== undefined && holder.companyId !== company.id) {
      issue('tenant_mapped_elsewhere', 'warning', accountId, [company.id], [tenant.id], `Tenant "${tenant.name}" matches "${company.name}" by marketplace account ${accountId} but is already mapped to "${companyName.get(holder.companyId) ?? holder.companyId}"; unlink it first to map it this way.`);
      continue;
    }
    if (!company.active) warnings.push(`"${company.name}" is not active in the PSA.`);
    if (!tenant.enabled) warnings.push(`Tenant "${tenant.name}" is disabled.`);
    proposals.push({ accountId, companyId: company.id, companyName: company.name, tenantId: tenant.id, tenantName: tenant.name, preselected: company.active && tenant.enabled, warnings });
  }
  proposals.sort((a, b) => a.companyName.localeCompare(b.companyName) || a.companyId.localeCompare(b.companyId));
  return { proposals, issues, alreadyMapped };
}
