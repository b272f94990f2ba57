/**
 * Product mapping: which target service/product stands for which offering item (seed 000 §5.1,
 * seed 002 §5). Target-neutral: an Autotask service, a ConnectWise product, a Gradient SKU.
 *
 * Rules kept by `validateProductMapping` (decisions where the seeds are silent are marked):
 * - every entry names a catalog item; a per-storage item (cloud storage) names its storage
 *   (`infraId`), other items must not; one entry per (item, storage);
 * - an Advanced pack may be mapped only when one of the Standard items it requires is mapped
 *   (seed 000 §3.1); the error names both;
 * - decision: a target product stands for exactly one offering item. Two items on one product
 *   would make a contract line set two quotas from one count and mix two usages into one line,
 *   so it is refused (same for two "new" names that would create one product twice);
 * - bundles (seed 000 §3.1 step 4) are declared once and entries say which bundles they belong
 *   to; a contract line on a bundle counts its units for every member.
 */
import { autoServiceName, catalogItem, isCatalogItemKey, type CatalogItemKey } from './offering-item-catalog.ts';
import { problem, type PlanProblem } from './plan-problem.ts';

export type PeriodType = 'monthly' | 'quarterly' | 'semi_annual' | 'yearly';
export const periodTypes: readonly PeriodType[] = ['monthly', 'quarterly', 'semi_annual', 'yearly'];

/** Seed 000 §5.1 step 4a: the auto-generated name, a new name (created in the target), or an existing service. */
export type ServiceChoice = { kind: 'auto' } | { kind: 'new'; name: string } | { kind: 'existing'; productId: string };

export interface ProductMappingEntry {
  itemKey: CatalogItemKey;
  /** The storage (`infra_id`) a per-storage item is sold for; null for every other item. */
  infraId: string | null;
  service: ServiceChoice;
  /** For `auto`/`new`: the id the catalog loop got when it created the service; null until then. */
  createdProductId?: string | null;
  periodType: PeriodType;
  /** Seed 000 §5.1 step 4c ("dynamic values"): the target's billing/service code, if any. */
  serviceCode: string | null;
  /** Target bundle ids this service belongs to. */
  bundleIds?: readonly string[];
}

export interface ServiceBundle {
  /** The target's id of the bundle; contract lines reference it as their `productId`. */
  bundleId: string;
  name: string;
}

export interface ProductMapping {
  entries: readonly ProductMappingEntry[];
  bundles?: readonly ServiceBundle[];
}

export type MappingProblemCode =
  | 'unknown_item'
  | 'duplicate_item'
  | 'storage_infra_required'
  | 'infra_not_applicable'
  | 'unknown_storage'
  | 'advanced_without_standard'
  | 'product_shared'
  | 'service_name_shared'
  | 'empty_service_name'
  | 'unknown_bundle'
  | 'empty_bundle';

export interface MappingValidation {
  ok: boolean;
  problems: PlanProblem<MappingProblemCode>[];
}

/** The target product an entry resolves to now; null while an auto/new service is not created yet. */
export function targetProductIdOf(entry: ProductMappingEntry): string | null {
  if (entry.service.kind === 'existing') return entry.service.productId;
  return entry.createdProductId ?? null;
}

/**
 * The target products the mapping stands for now: each entry's product (once created) and the
 * bundles entries belong to (a contract line on a bundle names the bundle). A contract with a line
 * on one of them is the one billing the vendor's services.
 */
export function mappedProductIds(mapping: ProductMapping): Set<string> {
  const ids = new Set<string>();
  for (const entry of mapping.entries) {
    const id = targetProductIdOf(entry);
    if (id !== null) ids.add(id);
    for (const bundleId of entry.bundleIds ?? []) ids.add(bundleId);
  }
  return ids;
}

/** The name the hub gives the service (auto/new); null for an existing service, which keeps the target's name. */
export function serviceNameOf(entry: ProductMappingEntry, storageNames: ReadonlyMap<string, string> = new Map()): string | null {
  if (entry.service.kind === 'new') return entry.service.name.trim();
  if (entry.service.kind === 'existing') return null;
  const storageName = entry.infraId === null ? null : (storageNames.get(entry.infraId) ?? null);
  return autoServiceName(catalogItem(entry.itemKey), { name: storageName, infraId: entry.infraId });
}

export function entryLabel(entry: ProductMappingEntry): string {
  const name = isCatalogItemKey(entry.itemKey) ? catalogItem(entry.itemKey).displayName : entry.itemKey;
  return entry.infraId === null ? name : `${name} (storage ${entry.infraId})`;
}

/** The service a contract line's product stands for, by name (a bundle's members joined); null when not mapped. */
export function productLabel(mapping: ProductMapping, productId: string): string | null {
  const resolved = indexProductMapping(mapping).get(productId);
  if (resolved === undefined) return null;
  const bundle = resolved.bundleId === null ? undefined : (mapping.bundles ?? []).find((b) => b.bundleId === resolved.bundleId);
  return bundle !== undefined ? bundle.name : resolved.entries.map(entryLabel).join(' + ');
}

export function validateProductMapping(
  mapping: ProductMapping,
  options: { knownInfraIds?: readonly string[]; storageNames?: ReadonlyMap<string, string> } = {},
): MappingValidation {
  const problems: PlanProblem<MappingProblemCode>[] = [];
  const known = mapping.entries.filter((e) => {
    if (isCatalogItemKey(e.itemKey)) return true;
    problems.push(problem('unknown_item', 'error', `"${String(e.itemKey)}" is not an offering item the hub knows.`, { item: String(e.itemKey) }));
    return false;
  });

  const seen = new Set<string>();
  for (const entry of known) {
    const item = catalogItem(entry.itemKey);
    const ctx = { item: entry.itemKey, infraId: entry.infraId };
    if (item.perStorage && (entry.infraId === null || entry.infraId === '')) {
      problems.push(problem('storage_infra_required', 'error', `${item.displayName} is sold per storage: choose the storage this service is for.`, ctx));
    }
    if (!item.perStorage && entry.infraId !== null) {
      problems.push(problem('infra_not_applicable', 'error', `${item.displayName} is not a storage item and cannot be mapped per storage.`, ctx));
    }
    if (item.perStorage && entry.infraId !== null && options.knownInfraIds !== undefined && !options.knownInfraIds.includes(entry.infraId)) {
      problems.push(problem('unknown_storage', 'error', `${entryLabel(entry)}: the storage ${entry.infraId} is not offered by the partner tenant.`, ctx));
    }
    const identity = `${entry.itemKey}|${entry.infraId ?? ''}`;
    if (seen.has(identity)) {
      problems.push(problem('duplicate_item', 'error', `${entryLabel(entry)} is mapped more than once; keep one service for it.`, ctx));
    }
    seen.add(identity);
    if (entry.service.kind === 'new' && entry.service.name.trim() === '') {
      problems.push(problem('empty_service_name', 'error', `${entryLabel(entry)}: the new service needs a name.`, ctx));
    }
    if (entry.service.kind === 'existing' && entry.service.productId.trim() === '') {
      problems.push(problem('empty_service_name', 'error', `${entryLabel(entry)}: choose the existing service.`, ctx));
    }
  }

  const mappedKeys = new Set(known.map((e) => e.itemKey));
  for (const entry of known) {
    const item = catalogItem(entry.itemKey);
    if (item.pack !== 'advanced' || item.requiresAnyOf.some((k) => mappedKeys.has(k))) continue;
    const standards = item.requiresAnyOf.map((k) => catalogItem(k).displayName);
    problems.push(
      problem(
        'advanced_without_standard',
        'error',
        `${item.displayName} is an Advanced pack and needs its Standard item mapped: map ${standards.join(' or ')} first.`,
        { item: item.key, requires: item.requiresAnyOf.join(',') },
      ),
    );
  }

  const byProduct = new Map<string, ProductMappingEntry[]>();
  for (const entry of known) {
    const productId = targetProductIdOf(entry);
    if (productId === null) continue;
    byProduct.set(productId, [...(byProduct.get(productId) ?? []), entry]);
  }
  for (const [productId, entries] of byProduct) {
    if (entries.length < 2) continue;
    problems.push(
      problem(
        'product_shared',
        'error',
        `One target service cannot stand for several offering items (${entries.map(entryLabel).join(', ')} all use ${productId}): give each its own service.`,
        { productId, items: entries.map((e) => e.itemKey).join(',') },
      ),
    );
  }

  const byName = new Map<string, ProductMappingEntry[]>();
  for (const entry of known) {
    if (entry.service.kind === 'existing' || targetProductIdOf(entry) !== null) continue;
    const name = serviceNameOf(entry, options.storageNames);
    if (name === null || name === '') continue;
    const folded = name.toLowerCase();
    byName.set(folded, [...(byName.get(folded) ?? []), entry]);
  }
  for (const [name, entries] of byName) {
    if (entries.length < 2) continue;
    problems.push(
      problem('service_name_shared', 'error', `The services to create for ${entries.map(entryLabel).join(', ')} would have the same name "${name}": rename one.`, {
        name,
      }),
    );
  }

  const bundles = mapping.bundles ?? [];
  const bundleIds = new Set(bundles.map((b) => b.bundleId));
  for (const entry of known) {
    for (const bundleId of entry.bundleIds ?? []) {
      if (!bundleIds.has(bundleId)) {
        problems.push(problem('unknown_bundle', 'error', `${entryLabel(entry)} names bundle ${bundleId}, which is not declared.`, { item: entry.itemKey, bundleId }));
      }
    }
  }
  for (const bundle of bundles) {
    if (byProduct.has(bundle.bundleId)) {
      problems.push(problem('product_shared', 'error', `Bundle "${bundle.name}" has the id of a mapped service (${bundle.bundleId}).`, { bundleId: bundle.bundleId }));
    }
    if (!known.some((e) => (e.bundleIds ?? []).includes(bundle.bundleId))) {
      problems.push(problem('empty_bundle', 'warning', `Bundle "${bundle.name}" holds no mapped service; contract lines on it provision nothing.`, { bundleId: bundle.bundleId }));
    }
  }

  return { ok: !problems.some((p) => p.severity === 'error'), problems };
}

/** What a contract line's product stands for: one mapped service, or every member of a bundle. */
export interface ResolvedProduct {
  entries: readonly ProductMappingEntry[];
  bundleId: string | null;
}

/** productId → entries; products not in the mapping are absent (lines on them are not ours). */
export function indexProductMapping(mapping: ProductMapping): ReadonlyMap<string, ResolvedProduct> {
  const index = new Map<string, ResolvedProduct>();
  for (const entry of mapping.entries) {
    const productId = targetProductIdOf(entry);
    if (productId !== null) index.set(productId, { entries: [entry], bundleId: null });
  }
  for (const bundle of mapping.bundles ?? []) {
    const members = mapping.entries.filter((e) => (e.bundleIds ?? []).includes(bundle.bundleId));
    if (members.length > 0 && !index.has(bundle.bundleId)) index.set(bundle.bundleId, { entries: members, bundleId: bundle.bundleId });
  }
  return index;
}
