// Gradient's own side of the integration, which a vendor never sees through the API: the exact-name
// auto-match of accounts when the integration first goes pending (support.meetgradient.com/acronis),
// a person's account and service mappings and exclusions, the billing view rebuilt from the posted
// counts, the service cards (vendor quantity next to PSA quantity), and the disconnect that deletes
// the vendor's accounts (api-docs.meetgradient.com/reference/createaccount).
import {
  countKey, distinctAccounts, quantityKey,
  type CountRecord, type GradientState, type Mapping, type Organization, type Sku, type VendorAccount,
} from './state.ts';

/** Maps every unmapped vendor account whose name equals a PSA company's name exactly (case and spaces included). */
export function autoMatchAccounts(org: Organization): number {
  const byName = new Map<string, string>();
  for (const c of org.psa.companies.values()) if (!byName.has(c.name)) byName.set(c.name, c.id);
  let matched = 0;
  for (const account of distinctAccounts(org)) {
    if (org.accountMaps.has(account.id)) continue;
    const companyId = byName.get(account.name);
    if (companyId === undefined) continue;
    org.accountMaps.set(account.id, { kind: 'mapped', psaId: companyId, by: 'auto' });
    matched++;
  }
  org.autoMatched = true;
  return matched;
}

export const isMapped = (m: Mapping | undefined): m is Extract<Mapping, { kind: 'mapped' }> => m?.kind === 'mapped';

/** Copies the posted counts into the billing view (what the Billing screen and the cards show). */
export function rebuildBilling(org: Organization, nowIso: string): void {
  org.built = new Map([...org.counts].map(([k, v]) => [k, { ...v }]));
  org.builds++;
  org.lastBuildAt = nowIso;
}

export interface ServiceCard {
  accountId: string;
  accountName: string;
  psaCompanyId: string;
  psaCompanyName: string;
  serviceId: string;
  serviceName: string;
  psaProductId: string;
  psaProductName: string;
  /** From the billing view: null when no count was posted before the last rebuild. */
  vendorQuantity: number | null;
  psaQuantity: number;
  /** vendor − PSA (what an approval would write to the PSA); null without a vendor quantity. */
  difference: number | null;
  countedAt: string | null;
}

/** One card per mapped account × mapped service; unmapped or excluded items produce none. */
export function serviceCards(state: GradientState, org: Organization): ServiceCard[] {
  const cards: ServiceCard[] = [];
  const accounts = distinctAccounts(org);
  for (const sku of state.skus.values()) {
    const sm = org.serviceMaps.get(sku.id);
    if (!isMapped(sm)) continue;
    const product = org.psa.products.get(sm.psaId);
    for (const account of accounts) {
      const am = org.accountMaps.get(account.id);
      if (!isMapped(am)) continue;
      const company = org.psa.companies.get(am.psaId);
      const built: CountRecord | undefined = org.built.get(countKey(sku.id, account.id));
      const psaQuantity = org.psa.quantities.get(quantityKey(am.psaId, sm.psaId)) ?? 0;
      cards.push({
        accountId: account.id,
        accountName: account.name,
        psaCompanyId: am.psaId,
        psaCompanyName: company?.name ?? '(deleted PSA company)',
        serviceId: sku.id,
        serviceName: sku.name,
        psaProductId: sm.psaId,
        psaProductName: product?.name ?? '(deleted PSA product)',
        vendorQuantity: built?.unitCount ?? null,
        psaQuantity,
        difference: built === undefined ? null : Math.round((built.unitCount - psaQuantity) * 1e6) / 1e6,
        countedAt: built?.at ?? null,
      });
    }
  }
  return cards;
}

/** The partner disconnects: every vendor account and what hangs on it goes; services stay (they are the vendor's). */
export function disconnect(org: Organization): { accountsDeleted: number } {
  const accountsDeleted = org.accounts.length;
  org.accounts = [];
  org.accountMaps.clear();
  org.counts.clear();
  org.built.clear();
  org.status = 'inactive';
  org.autoMatched = false;
  return { accountsDeleted };
}

export function accountView(org: Organization, account: VendorAccount) {
  const m = org.accountMaps.get(account.id);
  const copies = org.accounts.filter((a) => a.id === account.id).length;
  return {
    ...account,
    mapping: m === undefined ? 'unmapped' : m.kind,
    mappedBy: isMapped(m) ? m.by : null,
    psaCompanyId: isMapped(m) ? m.psaId : null,
    psaCompanyName: isMapped(m) ? (org.psa.companies.get(m.psaId)?.name ?? null) : null,
    /** More than 1 = the vendor created the account more than once. */
    copies,
  };
}

export function serviceView(org: Organization, sku: Sku) {
  const m = org.serviceMaps.get(sku.id);
  return {
    id: sku.id,
    name: sku.name,
    category: sku.category,
    subcategory: sku.subcategory,
    mapping: m === undefined ? 'unmapped' : m.kind,
    psaProductId: isMapped(m) ? m.psaId : null,
    psaProductName: isMapped(m) ? (org.psa.products.get(m.psaId)?.name ?? null) : null,
  };
}
