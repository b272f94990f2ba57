/**
 * What the hub pushes to a billing platform as services: one per catalog item the partner sells
 * (an enabled offering item of the partner tenant), and for storage one per storage location, each
 * named so a person recognises it, with its kind and a description that states the unit. And the
 * count of a usage in that service's unit: workloads and seats as they are, storage in GB with the
 * binary base (1 GB = 1024³ bytes), decimals kept (the platform takes decimal unit counts).
 */
import { autoServiceName, BYTES_PER_GB, catalogItemForVendorName, type CatalogItem, type CatalogItemKey } from './offering-item-catalog.ts';

export type ServiceKind =
  | 'workload_backup'
  | 'cloud_storage'
  | 'local_storage'
  | 'saas_backup'
  | 'disaster_recovery'
  | 'security'
  | 'email_security'
  | 'management'
  | 'data_loss_prevention'
  | 'other';

export interface ServiceSpec {
  /** The hub's key: the catalog item, and the storage for a per-storage item (`storage@<infra id>`). */
  key: string;
  name: string;
  description: string;
  kind: ServiceKind;
  unit: 'quantity' | 'GB';
  itemKey: CatalogItemKey;
  infraId: string | null;
}

/** Said wherever storage services are listed (seed 003). */
export const M365_STORAGE_NOTE =
  'Acronis Cloud Storage includes Microsoft 365 backup data as part of its storage usage; Acronis does not bill it separately and it cannot be excluded from the total.';

const KIND: Partial<Record<CatalogItemKey, ServiceKind>> = {
  m365_seats: 'saas_backup',
  m365_sharepoint_sites: 'saas_backup',
  m365_teams: 'saas_backup',
  hosted_exchange: 'saas_backup',
  gworkspace_seats: 'saas_backup',
  geo_m365_seats: 'saas_backup',
  geo_gworkspace_seats: 'saas_backup',
  local_storage: 'local_storage',
  adv_security: 'security',
  adv_email_security: 'email_security',
  adv_management: 'management',
  adv_dlp: 'data_loss_prevention',
};

function kindOf(item: CatalogItem): ServiceKind {
  const explicit = KIND[item.key];
  if (explicit !== undefined) return explicit;
  if (item.perStorage) return 'cloud_storage';
  return 'workload_backup';
}

export const serviceKey = (item: CatalogItem, infraId: string | null) => (item.perStorage && infraId !== null ? `${item.key}@${infraId}` : item.key);

function describe(item: CatalogItem, storageName: string | null): string {
  if (item.billingUnit === 'GB') {
    const where = storageName === null ? '' : ` in ${storageName}`;
    const note = item.perStorage ? ` ${M365_STORAGE_NOTE}` : '';
    return `Acronis Cyber Protect Cloud: ${item.displayName}${where}, counted in GB with the binary base (1 GB = 1024³ bytes), as the Acronis console counts storage.${note}`;
  }
  return `Acronis Cyber Protect Cloud: ${item.displayName}, counted per ${item.key.includes('seats') ? 'seat' : 'protected item'} in use.`;
}

export interface SoldItem {
  /** The vendor's (edition-prefixed) item name. */
  name: string;
  infraId: string | null;
  enabled: boolean;
}

/** The services for what the partner sells, one per catalog item (per storage for storage), by key. */
export function servicesForSoldItems(items: readonly SoldItem[], storageNames: ReadonlyMap<string, string>): ServiceSpec[] {
  const specs = new Map<string, ServiceSpec>();
  for (const sold of items) {
    if (!sold.enabled) continue;
    const item = catalogItemForVendorName(sold.name);
    if (item === undefined || item.billingUnit === 'n/a') continue;
    if (item.perStorage && sold.infraId === null) continue;
    const key = serviceKey(item, sold.infraId);
    if (specs.has(key)) continue;
    const storageName = sold.infraId === null ? null : (storageNames.get(sold.infraId) ?? sold.infraId);
    specs.set(key, {
      key,
      name: autoServiceName(item, item.perStorage ? { name: storageName, infraId: sold.infraId } : undefined),
      description: describe(item, item.perStorage ? storageName : null),
      kind: kindOf(item),
      unit: item.billingUnit === 'GB' ? 'GB' : 'quantity',
      itemKey: item.key,
      infraId: item.perStorage ? sold.infraId : null,
    });
  }
  return [...specs.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export interface UsageReading {
  name: string;
  infraId: string | null;
  value: number;
}

/** A usage as a count of its service: the service key and the quantity, or null when no service counts it. */
export function countOfUsage(usage: UsageReading): { key: string; quantity: number } | null {
  const item = catalogItemForVendorName(usage.name);
  if (item === undefined || item.billingUnit === 'n/a') return null;
  if (item.perStorage && usage.infraId === null) return null;
  const value = Number.isFinite(usage.value) && usage.value > 0 ? usage.value : 0;
  const quantity = item.billingUnit === 'GB' ? Math.round((value / BYTES_PER_GB) * 1000) / 1000 : value;
  return { key: serviceKey(item, usage.infraId), quantity };
}
