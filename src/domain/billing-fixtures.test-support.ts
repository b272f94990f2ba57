// Fixtures the billing planners' tests share (provisioning, usage write-back, prepaid overage): a
// product-mapping entry, a contract line, an offering item and a usage record, each with the
// defaults every one of those tests started from, so a test states only what it is about.
import type { ContractLine } from './contract-line.ts';
import { BACKUP_APPLICATION_ID, offeringItemCatalog } from './offering-item-catalog.ts';
import type { ProductMappingEntry } from './product-mapping.ts';
import type { OfferingItem, VendorUsage } from './vendor-model.ts';

/** An item mapped to an existing product, billed monthly; `bundleIds` when it is part of a bundle. */
export const mappedItem = (itemKey: ProductMappingEntry['itemKey'], productId: string, infraId: string | null = null, bundleIds?: string[]): ProductMappingEntry => ({
  itemKey,
  infraId,
  service: { kind: 'existing', productId },
  periodType: 'monthly',
  serviceCode: null,
  ...(bundleIds ? { bundleIds } : {}),
});

/** An active prepaid line of contract C1, from 2026-01-01 without an end. */
export const contractLine = (fields: Pick<ContractLine, 'lineId' | 'productId' | 'quantity'> & Partial<ContractLine>): ContractLine => ({
  contractId: 'C1',
  billing: 'prepaid',
  active: true,
  startDate: '2026-01-01',
  endDate: null,
  ...fields,
});

/** A backup offering item as the vendor describes it, its unit and type taken from the catalog; off, unlocked, no quota. */
export function offeringItem(name: string, over: Partial<OfferingItem> = {}): OfferingItem {
  const known = offeringItemCatalog.find((c) => c.names.includes(name));
  return {
    applicationId: BACKUP_APPLICATION_ID,
    name,
    usageName: known?.usageName ?? name,
    edition: 'pck_per_workload',
    type: known?.type ?? 'count',
    measurementUnit: known?.measurementUnit ?? 'quantity',
    infraId: null,
    enabled: false,
    locked: false,
    quota: null,
    ...over,
  };
}

/** Tenant T1's usage of a backup item in March 2026, counted per workload, without its offering item. */
export const backupUsage = (name: string, usageName: string, value: number, over: Partial<VendorUsage> = {}): VendorUsage => ({
  tenantId: 'T1',
  applicationId: BACKUP_APPLICATION_ID,
  name,
  usageName,
  edition: 'pck_per_workload',
  type: 'count',
  measurementUnit: 'quantity',
  infraId: null,
  rangeStart: '2026-03-01T00:00:00Z',
  value,
  absoluteValue: value,
  offeringItem: null,
  ...over,
});
