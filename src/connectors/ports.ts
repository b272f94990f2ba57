/**
 * The ports the hub's loops depend on. Connectors implement them; `sync/` and `domain/` never see
 * a wire payload. Every method throws `ConnectorError` (src/connectors/kit/errors.ts) on failure.
 */
import type {
  AccessPolicy,
  OfferingItem,
  OfferingItemChange,
  PeriodUsage,
  TenantKind,
  TenantUsages,
  UsagePeriod,
  VendorAlert,
  VendorAlertType,
  VendorApplication,
  VendorContact,
  VendorIdentity,
  VendorPriceList,
  VendorLocation,
  VendorStorage,
  VendorTenant,
  VendorUser,
} from '../domain/vendor-model.ts';
import type { PicklistEntry, TargetPicklists } from '../domain/alert-mapping.ts';
import type { BillingMode, ContractLine } from '../domain/contract-line.ts';
import type { PeriodType } from '../domain/product-mapping.ts';
import type { WritebackMode } from '../domain/usage-writeback.ts';
import type { TenantEventKind } from '../domain/tenant-event-loops.ts';
import { ConnectorError } from './kit/errors.ts';
import type { TargetSystem } from './registry.ts';

export type { BillingMode, ContractLine, PeriodType, PicklistEntry, TargetPicklists, TenantEventKind, WritebackMode };
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
  /**
   * The tenant's mode (the vendor's "Trial" or "Production"). The vendor creates customers in trial;
   * `production` switches the new tenant over, which the vendor never undoes.
   */
  pricingMode?: PricingMode;
}

export type PricingMode = 'trial' | 'production';

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
  /**
   * The caller has established that no tenant carries the key (its journal has no earlier attempt
   * and its own records know no tenant for it), so the first attempt skips listing the parent's
   * children for the tag; an attempt after a create that may have happened in transit still lists.
   */
  knownAbsent?: boolean;
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
  /** The tenant's pricing mode as the vendor holds it (`trial`, `production`, …). */
  getPricingMode(tenantId: string): Promise<string>;
  /**
   * Trial → production (repeatable: a tenant already in production is left as it is). Production →
   * trial is refused with `conflict`: the vendor never switches back.
   */
  setPricingMode(tenantId: string, mode: PricingMode): Promise<void>;

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

  /**
   * The tenant's price list (what a distributor sells at) in `currency`; throws `bad_request`
   * naming the currencies the vendor prices in when it does not price in this one.
   */
  getPriceList(tenantId: string, currency: string): Promise<VendorPriceList>;
  /**
   * Usage of every customer at any depth below `tenantId` (a service provider's customers) in the
   * period, from the vendor's usage report: the same answer for a closed period every time.
   */
  getPeriodUsage(tenantId: string, period: UsagePeriod): Promise<PeriodUsage[]>;
  /** Locations of the storages available to the tenant; several storages may share one. */
  listLocations(tenantId: string): Promise<VendorLocation[]>;
  /**
   * The vendor's tenant change feed (Acronis Event Manager, tenant topic), where the data center has
   * it. Optional: the loops poll without it.
   */
  readonly tenantEvents?: VendorTenantEvents;
}

export interface VendorTenantEvent {
  /** The vendor's event id and its position in the topic. */
  id: string;
  sequence: number;
  kind: TenantEventKind;
  /** The vendor's type id (`cti.a.p.em.event.v1.0~a.p.tenant.updated.v1.0`). */
  type: string;
  tenantId: string;
  time: string;
}

export interface TenantEventBatch {
  events: VendorTenantEvent[];
  /** The position to read from next (opaque to the hub; stored as the cursor). */
  offset: string;
  /** Nothing new arrived within the wait: poll again after this long (the vendor's Retry-After). */
  retryAfterMs?: number;
}

export interface VendorTenantEvents {
  /**
   * Creates the subscription to tenant changes at any depth below `tenantId`; an existing one with
   * this id is kept (calling twice is harmless).
   */
  subscribe(subscription: { subscriptionId: string; tenantId: string }): Promise<void>;
  /** The topic's current end: reading from it yields only what happens next. */
  latestOffset(): Promise<string>;
  /** One long-poll: waits up to `waitSeconds` for events after `offset`. */
  poll(query: { subscriptionId: string; consumerId: string; offset: string; waitSeconds: number; signal?: AbortSignal }): Promise<TenantEventBatch>;
}

// ─── Target ─────────────────────────────────────────────────────────────────────────────────────
//
// The port every PSA / billing connector implements (Autotask, ConnectWise, CloudBlue, Gradient,
// interworks). Target-neutral: ids are strings, picklist values are strings, dates are ISO-8601 UTC.
// A target supports some features only; `capabilities` says which and how, and each feature is an
// optional group of methods, present exactly when the capability is. Loops check the group, the
// portal reads the capabilities. Listings are AsyncIterables (break to stop fetching). Every method
// throws `ConnectorError`; a write that could duplicate takes `{ idempotencyKey }` (or, for tickets,
// an external reference) and says how an earlier attempt is found before writing again.

/** The targets there are connectors for: derived from the connector manifests (registry.ts). */
export type { TargetSystem } from './registry.ts';

/** What a target supports. `false` = the feature (and its method group) is absent. */
export interface TargetCapabilities {
  directory: {
    /** `listCompanies({ updatedSince })` returns changes only (else every call is a full pass). */
    incremental: boolean;
    /** Companies carry a type (Customer, Prospect, …) the customer-mapping screen filters on. */
    companyTypes: boolean;
  };
  /** Products/services listed, created by name and priced from the vendor catalog. */
  catalog: false | { bundles: boolean; periodTypes: readonly PeriodType[]; createServices: boolean };
  /** Contract lines the provisioning loop reads. */
  contracts:
    | false
    | {
        prepaid: boolean;
        payAsYouGo: boolean;
        /** The target allows PAYG and prepaid lines in one contract (ConnectWise); pass on to `readContractLines`. */
        allowMixedBilling: boolean;
        /** `listContracts({ updatedSince })` returns changes only. */
        incremental: boolean;
      };
  /** Usage written back to PAYG lines; `delta` = unit adjustments (Autotask), `absolute` = set the quantity (ConnectWise). */
  usage: false | { mode: WritebackMode };
  /** Alert → ticket and ticket → alert. */
  tickets:
    | false
    | {
        /** Ticket field names `picklists()` answers for (the manifest's ticket field specs are among them). */
        fields: readonly string[];
        /** Longest external reference the target's field holds (Autotask externalID: 50). */
        externalRefMaxLength: number;
      };
  /** Pushes change notifications (webhooks) besides being polled; `Target.callbacks` registers and verifies them. */
  callbacks: boolean;
}

/** Idempotency of a write: the stable key of the journal's operation. */
export interface TargetWriteOptions {
  /** Stable key of the operation (from the journal); each method says how an earlier attempt is found. */
  idempotencyKey: string;
}

// ── directory ──

export interface TargetContact {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
}

/** The target's customer record (Autotask company, ConnectWise company, Gradient account, …). */
export interface TargetCompany {
  id: string;
  name: string;
  /** Company type label (Customer, Prospect, …); null when the target has none. */
  type: string | null;
  active: boolean;
  /** Ids the directory loop can match on (company number, marketplace ids, custom fields), by name. */
  externalRefs: Record<string, string>;
  primaryContact: TargetContact | null;
  /** Last-modified time on the target (the directory cursor); null when the target has none. */
  updatedAt: string | null;
}

export interface ListCompaniesQuery {
  /**
   * Only companies changed at or after this instant (ISO): the company itself or its primary
   * contact. Store the largest `updatedAt` seen (or the start of the pass) as the next cursor.
   */
  updatedSince?: string;
  /** Include inactive companies (default false). */
  includeInactive?: boolean;
  /** Only these company type labels. */
  types?: readonly string[];
}

export interface TargetDirectory {
  listCompanies(query?: ListCompaniesQuery): AsyncIterable<TargetCompany>;
  /** Null when there is no such company. */
  getCompany(id: string): Promise<TargetCompany | null>;
  /** The company types a person may filter on (label = what `TargetCompany.type` holds). */
  listCompanyTypes(): Promise<PicklistEntry[]>;
}

// ── catalog / product mapping ──

export type TargetProductKind = 'service' | 'bundle';

/** A target service/product (Autotask service, ConnectWise product, Gradient SKU) or a bundle of them. */
export interface TargetProduct {
  id: string;
  kind: TargetProductKind;
  name: string;
  periodType: PeriodType | null;
  unitPrice: number | null;
  unitCost: number | null;
  /** The target's billing/service code (Autotask: the allocation code id); null when none. */
  serviceCode: string | null;
  active: boolean;
  /** For a bundle: its member services' ids. */
  memberIds?: readonly string[];
  updatedAt: string | null;
}

export interface NewTargetService {
  name: string;
  periodType: PeriodType;
  unitPrice: number;
  unitCost?: number | null;
  /** One of `listServiceCodes()`; null = the target's default for recurring services. */
  serviceCode?: string | null;
  description?: string | null;
}

export interface TargetServicePatch {
  unitPrice?: number;
  unitCost?: number | null;
  description?: string | null;
}

export interface TargetCatalog {
  listProducts(query?: { kind?: TargetProductKind; activeOnly?: boolean }): AsyncIterable<TargetProduct>;
  /** Exact name, case-insensitive; services only. Null when none. */
  findServiceByName(name: string): Promise<TargetProduct | null>;
  /**
   * Creates the service unless one with the same name (case-insensitive) exists, which is returned
   * as it is (`created: false`): the name is the lookup, since services carry no key field we own.
   * The idempotency key is for logs and errors.
   */
  ensureService(service: NewTargetService, options: TargetWriteOptions): Promise<{ product: TargetProduct; created: boolean }>;
  /** Prices and description; setting the same values again is harmless. */
  updateService(id: string, patch: TargetServicePatch): Promise<TargetProduct>;
  /** The values `NewTargetService.serviceCode` may take (Autotask: active Recurring Service allocation codes). */
  listServiceCodes(): Promise<PicklistEntry[]>;
}

// ── contracts / provisioning ──

/** A contract (Autotask recurring-service contract, ConnectWise agreement) with its lines. */
export interface TargetContract {
  id: string;
  companyId: string;
  /** Printed in tickets (seed 000 §5.6). */
  name: string;
  /**
   * The PAYG marker (Autotask "Acronis PAYG" UDF; prepaid when unset). Every line carries it too,
   * except on a target with `allowMixedBilling` (ConnectWise marks each addition): there a line
   * carries its own mode and the contract is `payg` when any line is.
   */
  billing: BillingMode;
  active: boolean;
  startDate: string | null;
  endDate: string | null;
  updatedAt: string | null;
  /** Lines with the quantity in force at the listing's `at`; bundle lines have the bundle id as productId. */
  lines: ContractLine[];
}

export interface ListContractsQuery {
  /** Only these companies. */
  companyIds?: readonly string[];
  /**
   * Only contracts changed at or after this instant (ISO). What counts as a change is the
   * target's: see the connector (Autotask: the contract record, or a unit period starting since).
   * A slower full pass repairs what an incremental pass cannot see.
   */
  updatedSince?: string;
  /** Quantities in force at this instant (default now). */
  at?: Date;
  /** Include contracts that are inactive or have ended (default true: deprovisioning needs them). */
  includeEnded?: boolean;
}

export interface TargetContracts {
  listContracts(query?: ListContractsQuery): AsyncIterable<TargetContract>;
}

// ── usage write-back ──

export type ContractLineRef = Pick<ContractLine, 'lineId' | 'contractId' | 'productId'>;

export interface SetBilledQuantityOptions extends TargetWriteOptions {
  /** ISO date the quantity applies from (the billing period start or the line start). */
  effectiveDate: string;
}

export interface BilledQuantityResult {
  /** What the line held at `effectiveDate` before the call. */
  previous: number;
  quantity: number;
  /** False when the line already held `quantity` and nothing was written. */
  changed: boolean;
}

/**
 * Level-triggered: the caller says what the quantity must be, the connector reads what it is and
 * writes the difference. A retry after a crash reads the line again and writes nothing when the
 * first attempt landed, so the same call can be repeated safely.
 */
export interface TargetUsage {
  readonly mode: WritebackMode;
  /** The quantity in force on the line at `at`. `not_found` when the line does not exist. */
  readBilledQuantity(line: ContractLineRef, at: Date | string): Promise<number>;
  setBilledQuantity(line: ContractLineRef, quantity: number, options: SetBilledQuantityOptions): Promise<BilledQuantityResult>;
}

// ── tickets ──

/** The target's ticket fields: an alert type's mapped picklist values, by field name (AutotaskTicketFields, …). */
export type TicketFieldBag = Readonly<Partial<Record<string, string>>>;

export interface TargetTicket {
  id: string;
  /** What a technician calls it (Autotask T20260301.0001); null when the target has none. */
  number: string | null;
  companyId: string;
  title: string;
  /** Picklist value as text. */
  status: string;
  /** Whether `status` is a completed one on the target (Autotask Complete, ConnectWise closed status). */
  closed: boolean;
  lastModifiedAt: string;
  externalRef: string | null;
  contractId: string | null;
}

export interface NewTargetTicket {
  companyId: string;
  title: string;
  description: string;
  /**
   * The ticket's external reference (`ticketExternalRef`, ≤ `externalRefMaxLength`): also its
   * idempotency key. `createTicket` first looks for a ticket with exactly this reference.
   */
  externalRef: string;
  fields: TicketFieldBag;
  contractId?: string | null;
}

export interface TicketNoteInput {
  title?: string;
  text: string;
  /** The note-related fields of the bag (Autotask noteType, publish); the rest is ignored. */
  fields: TicketFieldBag;
}

export type ExternalRefQuery = { exact: string } | { prefix: string };

export interface ListTicketsChangedQuery {
  /** Tickets modified at or after this instant (ISO); store the largest `lastModifiedAt` seen. */
  since: string;
  /** Only tickets whose external reference starts with this (the hub's `pb:`), when set. */
  externalRefPrefix?: string;
}

export interface TargetTickets {
  /** Picklists of the ticket fields named in `capabilities.tickets.fields`, inactive entries included. */
  picklists(): Promise<TargetPicklists>;
  /** Null when there is no such ticket. */
  getTicket(id: string): Promise<TargetTicket | null>;
  findTicketsByExternalRef(query: ExternalRefQuery): Promise<TargetTicket[]>;
  /** Returns the existing ticket (`created: false`) when one already has `ticket.externalRef`. */
  createTicket(ticket: NewTargetTicket): Promise<{ ticket: TargetTicket; created: boolean }>;
  /**
   * Looks for a note on the ticket with the same title and text first (notes have no reference
   * field): a retry after a crash finds it and writes nothing.
   */
  addTicketNote(ticketId: string, note: TicketNoteInput, options: TargetWriteOptions): Promise<{ noteId: string; created: boolean }>;
  /**
   * Adds the note (as `addTicketNote`, same lookup) and then sets the status; setting a status the
   * ticket already has writes nothing. Returns the ticket as it is afterwards.
   */
  setTicketStatus(ticketId: string, status: string, options: TargetWriteOptions & { note?: TicketNoteInput }): Promise<TargetTicket>;
  listTicketsChanged(query: ListTicketsChangedQuery): AsyncIterable<TargetTicket>;
}

// ── preparation and connection ──

export interface PreparationStep {
  /** `created` and `updated` changed the target; `present` found it as needed. */
  outcome: 'created' | 'updated' | 'present';
  /** In words: `user-defined field "Acronis PAYG" on contracts`. */
  what: string;
  id?: string;
}

export interface PreparationResult {
  steps: PreparationStep[];
  warnings: string[];
}

export interface ConnectionCheck {
  /** Something a person recognises: "Autotask America East (zone 5) as api@x". */
  displayName: string;
  /** Works, but something needs attention (threshold nearly spent, PAYG field missing, …). */
  warnings: string[];
}

// ── callbacks (push notifications) ──

/** What a callback says changed, in the port's words: a company, a contract (and its lines), a ticket. */
export type CallbackEntity = 'company' | 'contract' | 'ticket';

export interface CallbackRegistration {
  id: string;
  url: string;
  entity: CallbackEntity;
  active: boolean;
}

/** A delivery as it reached the hub: the raw body (signatures are over the bytes) and the headers. */
export interface CallbackDelivery {
  rawBody: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  query?: Readonly<Record<string, string | undefined>>;
}

export interface TargetCallbackEvent {
  entity: CallbackEntity;
  action: 'added' | 'updated' | 'deleted';
  /** The record's id on the target (company, contract or ticket id). */
  id: string;
  /** The company the record belongs to, when the delivery says so. */
  companyId: string | null;
  /** When the change happened, as the delivery says (ISO), if it says: an old one is refused as a replay. */
  occurredAt?: string;
}

/**
 * The secret a target signs its deliveries with, when the hub chooses it at registration (Autotask
 * webhooks' `secretKey`). The hub derives one per integration from its own key, so nothing more is
 * stored; a target that serves its own signing key (ConnectWise) ignores it.
 */
export interface CallbackSecret {
  secret: string;
}

/**
 * The target pushes changes to a URL of ours (ConnectWise system callbacks, Autotask webhooks).
 * Polling stays the fallback: a lost delivery is repaired by the next pass.
 */
export interface TargetCallbacks {
  /**
   * Registers one callback per entity to `url` unless one exists (found by URL and entity); returns them
   * all. An entity the target cannot push (Autotask has no contract webhooks) is left to polling.
   */
  register(url: string, entities: readonly CallbackEntity[], secret: CallbackSecret): Promise<CallbackRegistration[]>;
  /** Removes every callback pointing at `url`; returns how many. Removing none is fine. */
  unregister(url: string): Promise<number>;
  /** Callbacks pointing at `url` (every callback of ours when omitted). */
  list(url?: string): Promise<CallbackRegistration[]>;
  /**
   * Checks the delivery's signature (throws `auth_failed` for an unsigned or wrongly signed one, or a
   * key URL the target would not serve) and says what changed; throws `bad_payload` for a body
   * that is not a delivery.
   */
  verify(delivery: CallbackDelivery, secret: CallbackSecret): Promise<TargetCallbackEvent>;
}

// ── API budget ──

/** How much of the target's API allowance is in use, for the summary screen. */
export interface TargetApiBudget {
  /** Requests counted in the window (the target's count when it publishes one, else this process'). */
  used: number;
  /** The allowance in the window; null when the target publishes none (ConnectWise). */
  limit: number | null;
  windowMs: number;
  /** 429 answers in the window. */
  rateLimited: number;
  /** ISO time until which the target asked us to wait; null when not waiting. */
  waitUntil: string | null;
}

export interface Target {
  readonly system: TargetSystem;
  readonly capabilities: TargetCapabilities;
  /** Authenticates; a rejected login throws `auth_failed` / `forbidden` with what to fix. */
  testConnection(): Promise<ConnectionCheck>;
  /** Idempotent setup the features need (Autotask: the PAYG contract UDF). Safe on every start. */
  prepare(): Promise<PreparationResult>;

  readonly directory: TargetDirectory;
  readonly catalog?: TargetCatalog;
  readonly contracts?: TargetContracts;
  readonly usage?: TargetUsage;
  readonly tickets?: TargetTickets;
  /** Present exactly when `capabilities.callbacks` is true. */
  readonly callbacks?: TargetCallbacks;
  /** The API allowance in use, when the target can tell. */
  apiBudget?(): Promise<TargetApiBudget>;
  /**
   * The allowance in use as this process counts it (its last reading of the target's own count plus
   * what it sent since), reading the target's count only when it has none yet: what a loop checks
   * before spending a burst of writes (an alert storm), cheap enough for every pass. Absent when the
   * target publishes no allowance.
   */
  apiBudgetNow?(): Promise<TargetApiBudget>;
}

type TargetGroup = 'catalog' | 'contracts' | 'usage' | 'tickets' | 'callbacks';

/** The method group of a feature, or a `bad_request` ConnectorError saying the target lacks it. */
export function targetFeature<G extends TargetGroup>(target: Target, group: G): NonNullable<Target[G]> {
  const found = target[group];
  if (found === undefined) {
    throw new ConnectorError({
      code: 'bad_request',
      system: target.system,
      message: `${target.system} does not support ${group}: the feature cannot be enabled for this target`,
      context: { operation: group },
    });
  }
  return found as NonNullable<Target[G]>;
}
