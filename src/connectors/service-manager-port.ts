/**
 * The port of an inbound system: a billing platform that calls the hub as its "service manager"
 * (it provisions service providers under a distributor and pulls their usage), instead of the hub
 * calling it. The platform's connector owns the wire (routes, headers, models, reply codes) and
 * translates each call into one of these requests; the hub (src/sync/service-manager) answers
 * them, planning and applying through the journal. Nothing here names a platform.
 */
import type { PeriodUsage, VendorPrice } from '../domain/vendor-model.ts';
import type { RatedPeriod } from '../domain/distributor-pricing.ts';

/** How product names behave across service-definition runs. */
export type NameUpdatePolicy = 'continuous' | 'keep';

/** The settings an instance (one distributor agreement) sends with every call. */
export interface DistributorSettings {
  systemName: string;
  /** The vendor data-center URL of the agreement's region. */
  gateway: string;
  clientId: string;
  /** A secret: never logged, never returned, sent only to `gateway`. */
  clientSecret: string;
  /** Percent, 0–100. */
  discountPercent: number;
  currency: string;
  updateNames: NameUpdatePolicy;
}

/** Who is calling and for what, for logs, the audit trail and refused-call records. */
export interface InboundCall {
  registrationId: string;
  /** The platform's correlation id of the call, when it sent one. */
  trackId: string | null;
  /** The route as the platform names it (`Accounts/Synchronize`). */
  route: string;
}

export interface InstanceRef {
  instanceId: string;
  productTypeId: string;
  systemName: string;
  distributorTenantId: string;
  distributorName: string;
  discountPercent: number;
  currency: string;
  updateNames: NameUpdatePolicy;
  /** Product id → name on the first service-definition run (for the `keep` policy). */
  firstNames: Readonly<Record<string, string>>;
}

/** What a service definition is built from: the items a service provider may get, priced. */
export interface DistributorCatalogue {
  instance: InstanceRef;
  /** Priced in the instance's primary currency; cost derived from the discount by the connector. */
  prices: VendorPrice[];
  /** Names of the items the distributor may give a service provider. */
  offeredItems: string[];
  /** Vendor application id → name, for product descriptions. */
  applications: Readonly<Record<string, string>>;
}

export interface ServiceProviderAccount {
  /** The platform's account id: the tenant carries it, so a repeated call finds the tenant. */
  accountId: string;
  name: string;
  email: string | null;
  phone: string | null;
  website: string | null;
  contact: { firstName: string | null; lastName: string | null; email: string | null; phone: string | null };
  address: { address1: string | null; address2: string | null; city: string | null; zipcode: string | null; state: string | null; country: string | null };
  /** Login of the service provider's administrator; the e-mail when the platform sends none. */
  adminLogin: string | null;
}

export type SubscriptionAction = 'create' | 'update' | 'activate' | 'suspend' | 'cancel';

export interface SubscriptionOrder {
  subscriptionId: string;
  accountId: string;
  productTypeId: string;
  productId: string;
  action: SubscriptionAction;
  tier: string | null;
  /** The absolute set the subscription and its add-ons say: item name → quota (null = unlimited). */
  services: Readonly<Record<string, number | null>>;
  /** Validate only: nothing changes. */
  checkOnly: boolean;
}

export interface UsageRequest {
  subscriptionId: string;
  accountId: string;
  productTypeId: string;
  /** ISO dates, `end` inclusive. */
  start: string;
  end: string;
  currency: string;
}

export interface UsageAnswer extends RatedPeriod {
  currency: string;
  /** When the usage was read from the vendor (a closed window keeps its first reading). */
  readAt: string;
  rows: number;
}

/** The hub's refusal of a call, in words the platform's operator can act on. */
export class ServiceManagerError extends Error {
  constructor(
    readonly code:
      | 'bad_settings'
      | 'wrong_product_type'
      | 'not_synchronized'
      | 'unknown_subscription'
      | 'unavailable_services'
      | 'bad_request'
      | 'vendor_failed'
      | 'in_progress'
      | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'ServiceManagerError';
  }
}

export interface ServiceManagerHub {
  /** The registration whose application id and key these are, or null. */
  authorize(applicationId: string, presentedKeys: readonly string[]): Promise<{ registrationId: string; name: string } | null>;
  /** Checks the settings against the vendor; an empty list means valid (and the instance is saved). */
  validateSettings(call: InboundCall, settings: DistributorSettings): Promise<string[]>;
  catalogue(call: InboundCall, settings: DistributorSettings): Promise<DistributorCatalogue>;
  /** Keeps the definition answered (for people) and the names of the first run. */
  recordDefinition(instance: InstanceRef, definition: unknown, firstNames: Readonly<Record<string, string>>): Promise<void>;
  /** The tenant id of the account's service provider, or null when there is none. */
  accountExists(call: InboundCall, settings: DistributorSettings, accountId: string): Promise<string | null>;
  synchronizeAccount(call: InboundCall, settings: DistributorSettings, account: ServiceProviderAccount): Promise<{ tenantId: string; created: boolean }>;
  deleteAccount(call: InboundCall, settings: DistributorSettings, accountId: string): Promise<{ tenantId: string | null }>;
  /** Returns the subscription's external id. */
  applySubscription(call: InboundCall, settings: DistributorSettings, order: SubscriptionOrder): Promise<{ externalId: string }>;
  usage(call: InboundCall, settings: DistributorSettings, request: UsageRequest): Promise<UsageAnswer>;
  /** Records a refused call under the instance its settings name, if any (never with secrets). */
  recordFailure(call: InboundCall, settings: DistributorSettings | null, code: number, message: string): Promise<void>;
}

export type { PeriodUsage };
