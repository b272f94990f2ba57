/**
 * The vendor cloud (Acronis) as the hub's loops see it: plain camelCase values, with every wire
 * quirk (legacy integer ids, usage_name vs name, status 0/1, null quota = unlimited, nanosecond
 * alert cursors) already translated by the connector. Pure types: no imports.
 */

export type TenantKind = 'root' | 'partner' | 'folder' | 'customer' | 'unit';

export type ContactType = 'legal' | 'primary' | 'billing' | 'technical' | 'management';

export interface VendorContact {
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  types: string[];
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  state?: string | null;
  zipcode?: string | null;
  country?: string | null;
}

export interface VendorTenant {
  id: string;
  name: string;
  parentId: string | null;
  kind: TenantKind | (string & {});
  enabled: boolean;
  /** Optimistic-concurrency version; connectors use it, loops may show it. */
  version: number;
  /** Acronis `customer_id`: the "Custom ID" shown in the UI, an external reference. */
  customerId: string | null;
  /** Acronis `internal_tag`: the hub stores its idempotency key for tenants it created here. */
  internalTag: string | null;
  language: string | null;
  mfaStatus: string | null;
  pricingMode: string | null;
  /**
   * Acronis `ancestral_access`: false for a self-service customer, which the partner may not manage
   * (see tenant-access.ts). The vendor's default, true, when the payload leaves it out.
   */
  ancestralAccess: boolean;
  contact: VendorContact | null;
  createdAt: string | null;
  updatedAt: string | null;
  /** Set for deleted tenants (seen only when deleted tenants are listed). */
  deletedAt: string | null;
  /**
   * The partner connection the tenant was read through, when the integration serves several partner
   * tenants (multi-partner-vendor.ts); absent with one partner.
   */
  partnerConnectionId?: string;
}

/** Soft quota `value` and hard `overage`; null means unlimited / no overage. */
export interface Quota {
  value: number | null;
  overage: number | null;
}

export type OfferingItemType = 'count' | 'feature' | 'infra';
export type MeasurementUnit = 'quantity' | 'bytes' | 'seconds' | 'n/a';

export interface OfferingItem {
  applicationId: string;
  /** Edition-prefixed name (`pw_base_workstations`); with `infraId`, the item's identity. */
  name: string;
  /** The same item without the edition prefix; usages are keyed on it (`workstations`, `mailboxes`). */
  usageName: string;
  edition: string | null;
  type: OfferingItemType | (string & {});
  measurementUnit: MeasurementUnit | (string & {});
  /** Storage the item applies to, for infra items; null otherwise. */
  infraId: string | null;
  enabled: boolean;
  locked: boolean;
  /** Null when the item is disabled (the vendor then sends no quota). */
  quota: Quota | null;
}

/** A desired change to one offering item, identified by (applicationId, name, infraId). */
export interface OfferingItemChange {
  applicationId: string;
  name: string;
  infraId?: string | null;
  enabled?: boolean;
  /** Omit to leave the quota as it is; `{ value: null, overage: null }` = unlimited. */
  quota?: Quota;
}

export interface VendorUsage {
  tenantId: string;
  applicationId: string;
  name: string;
  usageName: string;
  edition: string | null;
  type: string;
  measurementUnit: string;
  infraId: string | null;
  /** Start of the collection period (by default the 1st of the month), ISO text. */
  rangeStart: string | null;
  /** Current value (e.g. protected workstations now, bytes stored now). */
  value: number;
  /** Accumulated value over the period. */
  absoluteValue: number | null;
  /** The matching offering item's state, when one exists. */
  offeringItem: { enabled: boolean; quota: Quota | null } | null;
}

export interface TenantUsages {
  tenantId: string;
  usages: VendorUsage[];
}

export type AlertSeverity = 'ok' | 'information' | 'warning' | 'error' | 'critical';

export interface VendorAlert {
  id: string;
  type: string;
  category: string | null;
  severity: AlertSeverity | (string & {});
  /** Customer tenant uuid the alert belongs to; null when the vendor did not say. */
  tenantId: string | null;
  /** The vendor's legacy integer tenant id, kept as text for display and support. */
  tenantLegacyId: string | null;
  createdAt: string | null;
  /** Cursor for incremental polling: Unix nanoseconds as a decimal string (exceeds 2^53). */
  updatedAtNs: string;
  /** A dismissed alert is a cleared alert: the ticket loop closes its ticket. */
  dismissed: boolean;
  deletedAt: string | null;
  title: string | null;
  description: string | null;
  /** Type-specific fields (planName, resourceName, …) as the vendor sent them. */
  details: Record<string, unknown>;
}

export interface VendorAlertType {
  id: string;
  category: string | null;
  severity: string | null;
  title: string | null;
}

export interface VendorUser {
  id: string;
  tenantId: string;
  login: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  enabled: boolean;
  activated: boolean;
  version: number;
  personalTenantId: string | null;
}

export type RoleId =
  | 'partner_admin'
  | 'company_admin'
  | 'unit_admin'
  | 'readonly_admin'
  | 'backup_admin'
  | 'backup_user'
  | 'sync_share_admin'
  | 'sync_share_user'
  | 'monitoring_admin'
  | (string & {});

export interface AccessPolicy {
  roleId: RoleId;
  /** Tenant the role applies to (the customer tenant; the personal tenant for backup_user). */
  tenantId: string;
}

export interface VendorStorage {
  id: string;
  name: string;
  ownerTenantId: string | null;
  locationId: string | null;
  platformOwned: boolean | null;
  /** `backup`, `disaster_recovery`, `files_cloud`. */
  capabilities: string[];
  backendType: string | null;
  readonly: boolean | null;
}

/** A storage location (a data center); one location may hold several storages. */
export interface VendorLocation {
  id: string;
  name: string;
  platformOwned: boolean | null;
}

export interface VendorApplication {
  id: string;
  name: string;
  type: string;
  usages: string[];
}

export interface VendorIdentity {
  clientId: string;
  tenantId: string;
  tenantName: string;
  tenantKind: TenantKind | (string & {});
}

/** One priced offering item of a tenant's price list: the monthly sell price per unit. */
export interface VendorPrice {
  applicationId: string;
  /** Edition-prefixed item name (`pw_base_workstations`). */
  name: string;
  usageName: string;
  edition: string | null;
  measurementUnit: MeasurementUnit | (string & {});
  /** Per unit and month: per workload for counts, per GB for bytes, per hour for seconds. */
  price: number;
}

/** What a tenant (a distributor) sells at, in one currency. */
export interface VendorPriceList {
  currency: string;
  /** Every currency the vendor prices in. */
  availableCurrencies: string[];
  items: VendorPrice[];
}

/** A billing period, whole days, `end` inclusive (ISO dates). */
export interface UsagePeriod {
  start: string;
  end: string;
}

/** One customer's usage of one item in a period, as the vendor's usage report lists it. */
export interface PeriodUsage {
  customerTenantId: string;
  customerName: string;
  /** The partner (service provider) or folder the customer sits under. */
  parentId: string | null;
  usageName: string;
  /** Edition-prefixed offering item name. */
  offeringItem: string;
  edition: string | null;
  infraId: string | null;
  measurementUnit: MeasurementUnit | (string & {});
  /** In the measurement unit (bytes for storage, seconds for compute points). */
  value: number;
}
