/**
 * The ports the hub's loops depend on. Connectors implement them; `sync/` and `domain/` never see
 * a wire payload. Every method throws `ConnectorError` (src/connectors/kit/errors.ts) on failure.
 */
import type {
  AccessPolicy,
  OfferingItem,
  OfferingItemChange,
  TenantKind,
  TenantUsages,
  VendorAlert,
  VendorAlertType,
  VendorApplication,
  VendorContact,
  VendorIdentity,
  VendorStorage,
  VendorTenant,
  VendorUser,
} from '../domain/vendor-model.ts';

export type * from '../domain/vendor-model.ts';

export interface TenantOfferingItem {
  tenantId: string;
  item: OfferingItem;
}

// ─── VendorCloud ────────────────────────────────────────────────────────────────────────────────

export interface ListCustomerTenantsQuery {
  /** The connection's partner (or distributor) tenant. */
  parentId: string;
  /**
   * Only tenants changed since this instant (ISO text, or the `timestamp` of an earlier listing).
   * Without it the listing is complete.
   */
  updatedSince?: string;
  /** Include deleted tenants (with `deletedAt` set), so an incremental pass sees deletions. */
  includeDeleted?: boolean;
}

export interface NewCustomerTenant {
  parentId: string;
  name: string;
  /** `customer` unless provisioning a reseller under a distributor (interworks distributor mode). */
  kind?: Extract<TenantKind, 'customer' | 'partner'>;
  /** External reference ("Custom ID"), e.g. the PSA company id. */
  customerId?: string;
  contact?: Partial<VendorContact>;
  language?: string;
}

export interface TenantPatch {
  name?: string;
  customerId?: string | null;
  internalTag?: string | null;
  contact?: Partial<VendorContact>;
  enabled?: boolean;
  language?: string;
}

export interface WriteOptions {
  /**
   * Stable key of the operation (from the journal). For tenant creation it is stored in the
   * tenant's `internal_tag`, and an existing child with the same tag is returned instead of
   * creating a second one.
   */
  idempotencyKey: string;
}

export interface NewVendorUser {
  tenantId: string;
  login: string;
  email: string;
  firstName?: string;
  lastName?: string;
  language?: string;
}

export interface ListAlertsQuery {
  /** Only alerts whose `updatedAt` is strictly after this (Unix ns); the loop's cursor. */
  updatedAfterNs?: bigint | string;
  /** Only these customer tenants (uuids). */
  tenantIds?: readonly string[];
  /** Only these alert types. */
  types?: readonly string[];
}

export interface VendorCloud {
  readonly system: 'acronis';

  /** Authenticates and tells which tenant the API client belongs to ("test connection"). */
  whoAmI(): Promise<VendorIdentity>;

  /**
   * Customer tenants under `parentId`, including those inside folders (any depth of folders),
   * excluding customers of sub-partners (those belong to the sub-partner's own connection).
   */
  listCustomerTenants(query: ListCustomerTenantsQuery): AsyncIterable<VendorTenant>;
  /** Throws `not_found` when there is no such tenant. */
  getTenant(id: string): Promise<VendorTenant>;
  /** Direct and in-folder customers of `parentId` whose external reference is `customerId`. */
  findTenantsByCustomerId(parentId: string, customerId: string): Promise<VendorTenant[]>;
  /** The child of `parentId` (folders included) the hub created with this idempotency key, if any. */
  findTenantByIdempotencyKey(parentId: string, idempotencyKey: string): Promise<VendorTenant | null>;
  /** Safe to call twice with the same key: the second call returns the first tenant (`created: false`). */
  createCustomerTenant(tenant: NewCustomerTenant, options: WriteOptions): Promise<{ tenant: VendorTenant; created: boolean }>;
  /** Applies the patch on the latest version (re-reads and retries on a version conflict). */
  updateTenant(id: string, patch: TenantPatch): Promise<VendorTenant>;
  disableTenant(id: string): Promise<VendorTenant>;
  enableTenant(id: string): Promise<VendorTenant>;
  /** Disables first when needed; deleting a tenant that is already gone succeeds. Recursive on the vendor side. */
  deleteTenant(id: string): Promise<void>;
  /** Two-factor authentication for every user of the tenant. */
  setMfa(tenantId: string, enabled: boolean): Promise<void>;

  /** Every offering item of the tenant, in every edition. */
  getOfferingItems(tenantId: string): Promise<OfferingItem[]>;
  /**
   * Offering items of every tenant under `subtreeRootId` in one paged listing (the vendor's sync
   * listing), instead of a call per tenant; with `updatedSince` (ISO), only items changed since.
   * Items come grouped by tenant, tenants in a stable order.
   */
  listOfferingItems(query: { subtreeRootId: string; updatedSince?: string }): AsyncIterable<TenantOfferingItem>;
  /** What the parent may give a child of `kind` (default customer). */
  getAvailableForChild(parentId: string, kind?: 'customer' | 'partner'): Promise<OfferingItem[]>;
  /** Applies the changes only (unlisted items are untouched); returns the items the vendor updated. */
  setOfferingItems(tenantId: string, changes: readonly OfferingItemChange[]): Promise<OfferingItem[]>;
  getApplications(): Promise<VendorApplication[]>;

  /** Usages of the tenants, one entry per tenant the vendor answered for, in batches of 100. */
  getUsages(tenantIds: readonly string[]): AsyncIterable<TenantUsages>;

  isLoginAvailable(login: string): Promise<boolean>;
  /** Not repeatable: on an uncertain failure, look the user up with `findUserByLogin` before retrying. */
  createUser(user: NewVendorUser): Promise<VendorUser>;
  findUserByLogin(tenantId: string, login: string): Promise<VendorUser | null>;
  sendActivationEmail(userId: string): Promise<void>;
  setPassword(userId: string, password: string): Promise<void>;
  /** Replaces the user's whole set of roles. */
  setAccessPolicies(userId: string, policies: readonly AccessPolicy[]): Promise<void>;
  setUserMfa(userId: string, enabled: boolean): Promise<void>;

  /**
   * Alerts changed after the cursor, oldest change first, dismissed ones included
   * (`dismissed: true` = cleared). Store the last `updatedAtNs` seen as the next cursor.
   */
  listAlerts(query?: ListAlertsQuery): AsyncIterable<VendorAlert>;
  /** Dismissing an alert that is already gone succeeds. */
  dismissAlert(id: string): Promise<void>;
  getAlertTypes(): Promise<VendorAlertType[]>;

  /** Storages (infra) available to the tenant, with their capabilities. */
  listStorages(tenantId: string): Promise<VendorStorage[]>;
}

// ─── Target (SKETCH) ────────────────────────────────────────────────────────────────────────────
// Minimal on purpose: the Autotask connector work fleshes this out. Everything below may change.

export type TargetSystem = 'autotask' | 'connectwise' | 'cloudblue' | 'gradient' | 'interworks';

/** What a target supports; loops and the portal hide what a target cannot do. */
export interface TargetCapabilities {
  /** Alert → ticket (create, note, reopen, close) and ticket → alert (clear on status). */
  tickets: boolean;
  /** Contract lines the provisioning loop reads: prepaid (quota = units) and/or pay-as-you-go. */
  contracts: { prepaid: boolean; payAsYouGo: boolean };
  /** Usage written back (PAYG quantities, Gradient counts). */
  usage: boolean;
  /** Pushes change notifications (webhooks/callbacks) instead of being polled only. */
  callbacks: boolean;
  /** Products/services can be created and priced from the vendor catalog. */
  catalog: boolean;
}

/** SKETCH: the target's customer record (Autotask company, ConnectWise company, Gradient account, …). */
export interface TargetCompany {
  id: string;
  name: string;
  /** Ids the directory loop can match on (marketplace ids, custom fields), by name. */
  externalRefs: Record<string, string>;
  primaryContact: { email: string | null; firstName: string | null; lastName: string | null } | null;
  active: boolean;
  updatedAt: string | null;
}

/** SKETCH: the Target port; only the parts every loop is sure to need. */
export interface Target {
  readonly system: TargetSystem;
  readonly capabilities: TargetCapabilities;
  /** Authenticates and returns something a person recognises ("Acme MSP (zone 5)"). */
  testConnection(): Promise<{ displayName: string }>;
  listCompanies(query?: { updatedSince?: string }): AsyncIterable<TargetCompany>;
}
