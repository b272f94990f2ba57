/**
 * The open plan problems of an integration as a person reads them: the company by name, the
 * service (offering item) it is about, the message and what to do. The portal's problems list and
 * `psa-bridge status` show these.
 */
import { catalogItem, catalogItemForVendorName, isCatalogItemKey } from '../domain/offering-item-catalog.ts';
import { problemAdvice } from '../domain/problem-advice.ts';
import type { ProductMapping } from '../domain/product-mapping.ts';
import type { Store } from '../store/store.ts';
import { integrationSettings } from './settings/settings.ts';

export interface ReadableProblem {
  loop: string;
  severity: string;
  code: string;
  company: { id: string; name: string | null };
  /** The offering item (service) the problem is about, by name; null when it is about the company. */
  service: string | null;
  message: string;
  advice: string;
  context: Record<string, unknown>;
  seenAt: string;
}

/** The service (offering item) a problem's context is about, by name; null when it is about the company. */
export function problemServiceNamer(productMapping: ProductMapping): (context: Record<string, unknown>) => string | null {
  return (context) => {
    const item = typeof context.item === 'string' ? context.item : typeof context.itemKey === 'string' ? context.itemKey : null;
    // A catalog key or the vendor's own item name (pw_base_m365_seats): people read the service's name.
    if (item !== null) return isCatalogItemKey(item) ? catalogItem(item).displayName : (catalogItemForVendorName(item)?.displayName ?? item);
    // A line-level problem: the service the line's product is mapped to.
    const productId = typeof context.productId === 'string' ? context.productId : null;
    if (productId === null) return null;
    const entry = productMapping.entries.find((e) => (e.service.kind === 'existing' ? e.service.productId : e.createdProductId) === productId);
    return entry !== undefined && isCatalogItemKey(entry.itemKey) ? catalogItem(entry.itemKey).displayName : null;
  };
}

const SEVERITY_ORDER: Record<string, number> = { error: 0, warning: 1, info: 2 };

export async function listReadableProblems(
  store: Pick<Store, 'db' | 'repos'>,
  integrationId: string,
  filter: { loop?: string; severity?: string; companyId?: string; limit?: number } = {},
): Promise<ReadableProblem[]> {
  const problems = await store.repos.syncSnapshots.listProblems(integrationId, {
    ...(filter.loop === undefined ? {} : { loop: filter.loop }),
    ...(filter.severity === undefined ? {} : { severity: filter.severity }),
    ...(filter.companyId === undefined ? {} : { companyId: filter.companyId }),
    limit: filter.limit ?? 1000,
  });
  if (problems.length === 0) return [];
  const names = new Map<string, string>();
  for (const companyId of new Set(problems.map((p) => p.companyId))) {
    const mapping = await store.repos.mappings.get(integrationId, companyId);
    if (mapping !== undefined) names.set(companyId, mapping.companyName);
  }
  const productMapping = (await integrationSettings(store.repos.settings).read(integrationId, 'product-mapping')) as ProductMapping;
  const serviceOf = problemServiceNamer(productMapping);
  return problems
    .map((p) => ({
      loop: p.loop,
      severity: p.severity,
      code: p.code,
      company: { id: p.companyId, name: names.get(p.companyId) ?? null },
      service: serviceOf(p.context),
      message: p.message,
      advice: problemAdvice(p.code),
      context: p.context,
      seenAt: p.seenAt,
    }))
    .sort(
      (a, b) =>
        (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3) ||
        (a.company.name ?? a.company.id).localeCompare(b.company.name ?? b.company.id) ||
        a.code.localeCompare(b.code),
    );
}
