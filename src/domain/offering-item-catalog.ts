/**
 * The offering items the hub sells through a target (seed 000 §3.1, reference/acronis.md §3): the
 * Standard Protection workloads, cloud and local storage, and the Advanced Protection packs, which
 * the vendor only lets a tenant use on top of a Standard workload (seed 000 §3.1: "Advanced
 * Protection can be assigned only to a workload that already has Standard Protection assigned").
 *
 * A catalog item is edition-neutral: `names` lists the vendor item names it stands for, the current
 * `pck_per_workload` name first, then legacy `standard`-edition names, so a tenant still on a legacy
 * edition is recognised. Items outside this catalog (disaster recovery, File Sync & Share, …) are
 * never touched by the provisioning planner.
 */
import type { MeasurementUnit, OfferingItemType } from './vendor-model.ts';

/** The Cyber Protection (backup) application; every catalog item belongs to it. */
export const BACKUP_APPLICATION_ID = '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb';

/** Storage quotas and usages are bytes; targets sell GB. A GB here is 2^30 bytes, as the vendor's UI counts. */
export const BYTES_PER_GB = 1024 ** 3;

export type CatalogItemKey =
  | 'workstations'
  | 'servers'
  | 'vms'
  | 'web_hosting_servers'
  | 'mobiles'
  | 'websites'
  | 'm365_seats'
  | 'm365_mailboxes'
  | 'm365_onedrive'
  | 'm365_sharepoint_sites'
  | 'm365_teams'
  | 'hosted_exchange'
  | 'gworkspace_seats'
  | 'google_mail'
  | 'google_drive'
  | 'google_team_drive'
  | 'storage'
  | 'storage_class1'
  | 'storage_class2'
  | 'geo_storage'
  | 'geo_storage_class2'
  | 'geo_m365_seats'
  | 'geo_gworkspace_seats'
  | 'local_storage'
  | 'adv_backup_workstations'
  | 'adv_backup_servers'
  | 'adv_backup_vms'
  | 'adv_backup_web_hosting_servers'
  | 'adv_management'
  | 'adv_security'
  | 'adv_dlp'
  | 'adv_email_security';

export type ProtectionPack = 'standard' | 'advanced';

/** What a contract line's units count: workloads/seats, GB of storage, or nothing (an on/off feature). */
export type BillingUnit = 'quantity' | 'GB' | 'n/a';

export interface CatalogItem {
  key: CatalogItemKey;
  pack: ProtectionPack;
  /** Vendor item names, current edition first; the planner writes the first one the parent offers. */
  names: readonly string[];
  /** Usages are keyed on it (M365 seats count under `mailboxes`). */
  usageName: string;
  displayName: string;
  type: OfferingItemType;
  measurementUnit: MeasurementUnit;
  billingUnit: BillingUnit;
  /** Infra item: exists once per storage `infra_id`; a mapping names the storage. */
  perStorage: boolean;
  /** Advanced packs: at least one of these Standard items must be provisioned too. Empty for Standard items. */
  requiresAnyOf: readonly CatalogItemKey[];
  /** The vendor name was not seen in any source we hold; kept configurable by being data. */
  nameInferred?: boolean;
  /**
   * Storage usage classes (the vendor's SKU-mapping rule): class 1 usage is free, class 2 billable;
   * each storage gets its own mapping for each. Unset for the storage itself and other items.
   */
  storageClass?: 'class1' | 'class2';
  /** A geo-redundant copy, offered only when the partner has geo-redundancy (billed higher). */
  geoRedundant?: boolean;
}

const standard = (
  key: CatalogItemKey,
  displayName: string,
  names: readonly string[],
  usageName: string,
  type: OfferingItemType = 'count',
  extra: Partial<CatalogItem> = {},
): CatalogItem => ({
  key,
  pack: 'standard',
  names,
  usageName,
  displayName,
  type,
  measurementUnit: type === 'feature' ? 'n/a' : 'quantity',
  billingUnit: type === 'feature' ? 'n/a' : 'quantity',
  perStorage: false,
  requiresAnyOf: [],
  ...extra,
});

const advanced = (key: CatalogItemKey, displayName: string, requiresAnyOf: readonly CatalogItemKey[], usageName = `pack_${key}`): CatalogItem => ({
  key,
  pack: 'advanced',
  names: [`pw_pack_${key}`],
  usageName,
  displayName,
  type: 'count',
  measurementUnit: 'quantity',
  billingUnit: 'quantity',
  perStorage: false,
  requiresAnyOf,
});

const SERVER_WORKLOADS: readonly CatalogItemKey[] = ['workstations', 'servers', 'vms', 'web_hosting_servers'];

export const offeringItemCatalog: readonly CatalogItem[] = [
  standard('workstations', 'Workstations', ['pw_base_workstations', 'workstations'], 'workstations'),
  standard('servers', 'Servers', ['pw_base_servers', 'servers'], 'servers'),
  standard('vms', 'Virtual machines', ['pw_base_vms', 'vms'], 'vms'),
  standard('web_hosting_servers', 'Web hosting servers', ['pw_base_web_hosting_servers', 'web_hosting_servers'], 'web_hosting_servers'),
  standard('mobiles', 'Mobile devices', ['pw_base_mobiles', 'mobiles'], 'mobiles'),
  standard('websites', 'Websites', ['pw_base_websites', 'websites'], 'websites'),
  // The legacy edition called M365 seats `mailboxes`, and both count under the usage `mailboxes`.
  standard('m365_seats', 'Microsoft 365 seats', ['pw_base_m365_seats', 'mailboxes'], 'mailboxes'),
  standard('m365_mailboxes', 'Microsoft 365 mailboxes', ['pw_base_m365_mailboxes', 'o365_mailboxes'], 'o365_mailboxes', 'feature'),
  standard('m365_onedrive', 'Microsoft OneDrive', ['pw_base_m365_onedrive', 'o365_onedrive'], 'o365_onedrive', 'feature'),
  standard('m365_sharepoint_sites', 'Microsoft 365 SharePoint Online', ['pw_base_m365_sharepoint_sites', 'o365_sharepoint_sites'], 'o365_sharepoint_sites'),
  standard('m365_teams', 'Microsoft 365 Teams', ['pw_base_m365_teams', 'o365_teams'], 'o365_teams'),
  standard('hosted_exchange', 'Microsoft Hosted Exchange', ['pw_base_hosted_exchange', 'hosted_exchange'], 'hosted_exchange', 'count', { nameInferred: true }),
  standard('gworkspace_seats', 'Google Workspace seats', ['pw_base_gworkspace_seats', 'gsuite_seats'], 'gsuite_seats'),
  standard('google_mail', 'Gmail (incl. Calendar, Contacts)', ['pw_base_google_mail', 'google_mail'], 'google_mail', 'feature'),
  standard('google_drive', 'Google Drive', ['pw_base_google_drive', 'google_drive'], 'google_drive', 'feature'),
  standard('google_team_drive', 'Google Workspace Team Drive', ['pw_base_google_team_drive', 'google_team_drive'], 'google_team_drive', 'feature'),
  standard('storage', 'Cloud storage', ['pw_base_storage', 'storage'], 'storage', 'infra', {
    measurementUnit: 'bytes',
    billingUnit: 'GB',
    perStorage: true,
  }),
  // Storage classes and geo-redundant copies (reference/interworks-gradient-wire.md §3 "map SKUs");
  // their vendor names are inferred (emulators/acronis/storage-classes.ts says how).
  standard('storage_class1', 'Cloud storage - Class 1 (free)', ['pw_base_storage_class1'], 'storage_class1', 'infra', {
    measurementUnit: 'bytes',
    billingUnit: 'GB',
    perStorage: true,
    storageClass: 'class1',
    nameInferred: true,
  }),
  standard('storage_class2', 'Cloud storage - Class 2 (billable)', ['pw_base_storage_class2'], 'storage_class2', 'infra', {
    measurementUnit: 'bytes',
    billingUnit: 'GB',
    perStorage: true,
    storageClass: 'class2',
    nameInferred: true,
  }),
  standard('geo_storage', 'Geo-redundant cloud storage', ['pw_base_geo_storage'], 'geo_storage', 'infra', {
    measurementUnit: 'bytes',
    billingUnit: 'GB',
    perStorage: true,
    geoRedundant: true,
    nameInferred: true,
  }),
  standard('geo_storage_class2', 'Geo-redundant storage - Class 2', ['pw_base_geo_storage_class2'], 'geo_storage_class2', 'infra', {
    measurementUnit: 'bytes',
    billingUnit: 'GB',
    perStorage: true,
    storageClass: 'class2',
    geoRedundant: true,
    nameInferred: true,
  }),
  standard('geo_m365_seats', 'Microsoft 365 seats (geo-redundant)', ['pw_base_geo_m365_seats'], 'geo_mailboxes', 'count', { geoRedundant: true, nameInferred: true }),
  standard('geo_gworkspace_seats', 'Google Workspace seats (geo-redundant)', ['pw_base_geo_gworkspace_seats'], 'geo_gsuite_seats', 'count', { geoRedundant: true, nameInferred: true }),
  // Editionless; one quota for the tenant, not per storage (reference §3: count/bytes).
  standard('local_storage', 'Local storage', ['local_storage'], 'local_storage', 'count', { measurementUnit: 'bytes', billingUnit: 'GB' }),
  advanced('adv_backup_workstations', 'Advanced Backup - Workstations', ['workstations']),
  advanced('adv_backup_servers', 'Advanced Backup - Servers', ['servers']),
  advanced('adv_backup_vms', 'Advanced Backup - Virtual machines', ['vms']),
  advanced('adv_backup_web_hosting_servers', 'Advanced Backup - Web hosting servers', ['web_hosting_servers']),
  advanced('adv_management', 'Advanced Management', SERVER_WORKLOADS),
  advanced('adv_security', 'Advanced Security', SERVER_WORKLOADS),
  advanced('adv_dlp', 'Advanced Data Loss Prevention', ['workstations', 'servers']),
  advanced('adv_email_security', 'Advanced Email Security', ['m365_seats', 'gworkspace_seats', 'hosted_exchange'], 'pack_adv_email_security_mailboxes'),
];

const byKey: ReadonlyMap<string, CatalogItem> = new Map(offeringItemCatalog.map((item) => [item.key, item]));
const byVendorName: ReadonlyMap<string, CatalogItem> = new Map(offeringItemCatalog.flatMap((item) => item.names.map((n) => [n, item] as const)));

/** The backup storage itself (not a class or a geo-redundant copy): the one a default storage is. */
export function isBaseStorage(item: CatalogItem): boolean {
  return item.key === 'storage';
}

export function isCatalogItemKey(key: string): key is CatalogItemKey {
  return byKey.has(key);
}

/** Throws on an unknown key: keys come from our own types, so an unknown one is a programming error. */
export function catalogItem(key: CatalogItemKey): CatalogItem {
  const item = byKey.get(key);
  if (item === undefined) throw new Error(`unknown catalog item "${key}"`);
  return item;
}

/** The catalog item a vendor item name (any edition) stands for, if the hub manages it. */
export function catalogItemForVendorName(name: string): CatalogItem | undefined {
  return byVendorName.get(name);
}

export const AUTO_SERVICE_NAME_PREFIX = 'Acronis Cyber Protect - ';

/**
 * The seed lets a service keep an "auto-generated name" without saying how it is built, so the
 * rule is ours: `Acronis Cyber Protect - <display name>`, and for storage the storage's name (or,
 * unknown, its infra id) in parentheses, because each storage is a service of its own.
 */
export function autoServiceName(item: CatalogItem, storage?: { name?: string | null; infraId?: string | null }): string {
  const base = `${AUTO_SERVICE_NAME_PREFIX}${item.displayName}`;
  if (!item.perStorage) return base;
  const label = storage?.name ?? storage?.infraId ?? null;
  return label === null || label === '' ? base : `${base} (${label})`;
}

/**
 * Contract units → vendor quota value. GB become bytes; a count is rounded down, since a customer
 * gets the whole workloads paid for (fractional units of a count are reported by the planner).
 */
export function unitsToQuotaValue(item: CatalogItem, units: number): number {
  if (item.billingUnit === 'GB') return Math.round(units * BYTES_PER_GB);
  return Math.floor(units);
}

/**
 * Vendor usage value → billable units. Bytes are billed per started GB (ceil), so 1 byte over
 * 10 GB bills 11: a target quantity must be a whole number (Autotask's unitChange is an integer).
 */
export function usageToBillingUnits(item: CatalogItem, value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  if (item.billingUnit === 'GB') return Math.ceil(value / BYTES_PER_GB);
  return Math.ceil(value);
}
