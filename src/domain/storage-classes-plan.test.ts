// The provisioning planner with storage classes and geo-redundant copies (the vendor's SKU-mapping
// rules): each class of each storage is its own item, sold like any other; the default storage is the
// storage itself, never one of its classes; a geo-redundant item the partner does not offer is reported.
import { describe, expect, it } from 'vitest';
import type { ContractLine } from './contract-line.ts';
import { BYTES_PER_GB, catalogItem } from './offering-item-catalog.ts';
import type { ProductMappingEntry } from './product-mapping.ts';
import { contractLine, mappedItem, offeringItem } from './billing-fixtures.test-support.ts';
import { defaultProvisioningSettings, planProvisioning, type ProvisioningInput, type ProvisioningPlan } from './provisioning-plan.ts';
import type { OfferingItem, Quota } from './vendor-model.ts';

const UNLIMITED: Quota = { value: null, overage: null };
const on = (name: string, infraId: string | null = null): OfferingItem => offeringItem(name, { infraId, enabled: true, quota: UNLIMITED });
/** The partner offers storage and both classes on two storages, no geo-redundancy. */
const offered: OfferingItem[] = [
  on('pw_base_workstations'),
  ...['infra-A', 'infra-B'].flatMap((infra) => ['pw_base_storage', 'pw_base_storage_class1', 'pw_base_storage_class2'].map((n) => on(n, infra))),
];
const e = (itemKey: ProductMappingEntry['itemKey'], productId: string, infraId: string | null = null): ProductMappingEntry => mappedItem(itemKey, productId, infraId);
const line = (lineId: string, productId: string, quantity: number, billing: ContractLine['billing'] = 'prepaid'): ContractLine =>
  contractLine({ lineId, productId, quantity, billing, contractId: billing === 'payg' ? 'C-PAYG' : 'C1' });
const plan = (lines: ContractLine[], entries: ProductMappingEntry[], over: Partial<ProvisioningInput> = {}): ProvisioningPlan =>
  planProvisioning({
    integrationId: 'INT',
    parentTenantId: 'PARTNER',
    company: { id: 'CO1', name: 'Acme', primaryContact: { email: 'jane@acme.test', firstName: 'Jane', lastName: 'Doe' } },
    lines,
    mapping: { entries },
    tenant: { state: 'mapped', tenant: { id: 'T1', name: 'Acme', parentId: 'PARTNER', kind: 'customer', enabled: true, version: 1, customerId: null, internalTag: null, language: 'en', mfaStatus: null, pricingMode: 'production', ancestralAccess: true, contact: null, createdAt: null, updatedAt: null, deletedAt: null }, manageable: true, items: [] },
    availableForChild: offered,
    now: new Date('2026-03-15T00:00:00Z'),
    settings: { ...defaultProvisioningSettings, defaultStorageInfraId: 'infra-A' },
    ...over,
  });
const changes = (p: ProvisioningPlan) => {
  const op = p.operations.find((o) => o.kind === 'set_offering_items');
  return op?.kind === 'set_offering_items' ? Object.fromEntries(op.changes.map((c) => [`${c.name}|${c.infraId ?? ''}`, { enabled: c.enabled, quota: c.quota }])) : {};
};

describe('storage classes and geo-redundancy in the catalog', () => {
  it('class 1, class 2 and the geo-redundant storages are per storage; geo-redundant seats are not', () => {
    expect(catalogItem('storage_class1')).toMatchObject({ perStorage: true, storageClass: 'class1', billingUnit: 'GB' });
    expect(catalogItem('storage_class2')).toMatchObject({ perStorage: true, storageClass: 'class2' });
    expect(catalogItem('geo_storage')).toMatchObject({ perStorage: true, geoRedundant: true });
    expect(catalogItem('geo_storage_class2')).toMatchObject({ perStorage: true, geoRedundant: true, storageClass: 'class2' });
    expect(catalogItem('geo_m365_seats')).toMatchObject({ perStorage: false, geoRedundant: true, usageName: 'geo_mailboxes' });
    expect(catalogItem('geo_gworkspace_seats')).toMatchObject({ perStorage: false, geoRedundant: true, usageName: 'geo_gsuite_seats' });
  });
});

describe('provisioning with storage classes', () => {
  it('the default storage enables the storage itself only, never its classes', () => {
    const c = changes(plan([line('L1', 'P-WS', 5)], [e('workstations', 'P-WS')]));
    expect(c['pw_base_storage|infra-A']).toEqual({ enabled: true, quota: { value: 0, overage: 0 } });
    expect(Object.keys(c).filter((k) => k.includes('class'))).toEqual([]);
  });

  it('each class of each storage is sold on its own: prepaid class 2 on storage B gets its quota, storage A stays the default', () => {
    const p = plan([line('L1', 'P-C2B', 50), line('L2', 'P-C1B', 10, 'payg')], [e('storage_class2', 'P-C2B', 'infra-B'), e('storage_class1', 'P-C1B', 'infra-B')]);
    const c = changes(p);
    expect(c['pw_base_storage_class2|infra-B']).toEqual({ enabled: true, quota: { value: 50 * BYTES_PER_GB, overage: null } });
    expect(c['pw_base_storage_class1|infra-B']).toEqual({ enabled: true, quota: UNLIMITED });
    // A class sold alone is not the storage: the default storage is still given.
    expect(c['pw_base_storage|infra-A']).toMatchObject({ enabled: true });
    expect(c['pw_base_storage_class2|infra-A']).toBeUndefined();
  });

  it('a storage the partner does not offer is named in the problem by its storage name, not its id (the id stays in the context)', () => {
    const p = plan([line('L1', 'P-C2C', 5)], [e('storage_class2', 'P-C2C', 'infra-C')], { storageNames: new Map([['infra-C', 'EU Cloud Storage']]) });
    const missing = p.problems.find((x) => x.code === 'item_not_available');
    expect(missing?.message).toMatch(/\(storage "EU Cloud Storage"\) is sold to "Acme"/);
    expect(missing?.message).not.toContain('infra-C');
    expect(missing?.context.infraId).toBe('infra-C');
    // Without a name (the storages could not be read) the id is all there is.
    expect(plan([line('L1', 'P-C2C', 5)], [e('storage_class2', 'P-C2C', 'infra-C')]).problems.find((x) => x.code === 'item_not_available')?.message).toContain('(storage infra-C)');
  });

  it('a geo-redundant item the partner does not offer is reported, not attempted', () => {
    const p = plan([line('L1', 'P-GEO', 5)], [e('m365_seats', 'P-M365'), e('geo_m365_seats', 'P-GEO')]);
    expect(changes(p)['pw_base_geo_m365_seats|']).toBeUndefined();
    expect(p.problems.find((x) => x.code === 'item_not_available')?.message).toMatch(/Microsoft 365 seats \(geo-redundant\).*does not offer/);
  });

  it('offered, a geo-redundant storage is enabled with its quota', () => {
    const p = plan([line('L1', 'P-GEOA', 20)], [e('geo_storage', 'P-GEOA', 'infra-A')], { availableForChild: [...offered, on('pw_base_geo_storage', 'infra-A')] });
    expect(changes(p)['pw_base_geo_storage|infra-A']).toEqual({ enabled: true, quota: { value: 20 * BYTES_PER_GB, overage: null } });
  });
});
