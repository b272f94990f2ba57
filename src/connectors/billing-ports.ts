/**
 * The port of a billing platform (Gradient Synthesize): the hub acts as the vendor integration and
 * *pushes* what the MSP reconciles against its PSA: one account per customer tenant, one service per
 * thing sold, a unit count per account and service, and alerts the platform turns into PSA tickets.
 * The MSP maps accounts to PSA companies and services to PSA products inside the platform; the hub
 * never sees those mappings, so "not mapped there yet" is an answer (`not_mapped`), not an error.
 *
 * Unlike the `Target` port (ports.ts) nothing here is read back for planning except what the hub
 * itself pushed. Every method throws `ConnectorError` on failure.
 */
import type { ServiceKind } from '../domain/billing-services.ts';
import type { ConnectionCheck } from './ports.ts';

/** What the platform holds for a customer tenant: the hub's id (the tenant id) and a name a person recognises. */
export interface BillingAccount {
  id: string;
  name: string;
  description: string;
}

/**
 * What a service is, in neutral words; the connector turns it into the platform's own category
 * (Gradient: category + subcategory enums).
 */
export type BillingServiceKind = ServiceKind;

export interface NewBillingService {
  /** Unique on the platform: services are found again by name. */
  name: string;
  description: string;
  kind: BillingServiceKind;
}

export interface BillingService {
  /** The platform's id of the service. */
  id: string;
  name: string;
  description: string;
}

export type BillingPlatformStatus = 'inactive' | 'ready_for_mapping' | 'active' | 'disabled' | 'error';

export interface BillingIntegrationState {
  /** The partner organization the keys reach. */
  organization: string;
  status: BillingPlatformStatus;
  /** The platform's own word for the status ("pending"). */
  platformStatus: string;
  lastSyncedAt: string | null;
}

export type CountResult = { outcome: 'counted' } | { outcome: 'not_mapped'; message: string };

export type AlertPriority = 1 | 2 | 3 | 4;

export interface BillingAlert {
  /** Stable per (tenant, alert type, resource, episode): the platform's key for the ticket. */
  alertId: string;
  title: string;
  description: string;
  priority: AlertPriority;
  serviceId?: string;
}

export interface AlertDelivery {
  state: 'pending' | 'delivered' | 'failed';
  ticketId: string | null;
  /** The platform's own words when it failed. */
  errors: string[];
  statusCode: number | null;
}

export interface BillingAlerts {
  /** Queues the alert; a second call with the same alertId answers the first delivery's id on the platform side. */
  raise(accountId: string, alert: BillingAlert): Promise<{ deliveryId: string }>;
  delivery(deliveryId: string): Promise<AlertDelivery>;
}

export interface BillingPlatform {
  readonly system: string;
  /** Authenticates and names the partner organization ("test credentials"). */
  testConnection(): Promise<ConnectionCheck>;
  state(): Promise<BillingIntegrationState>;
  /** Tells the platform accounts and services exist, so the MSP may map them (only from `inactive`). */
  markReadyForMapping(): Promise<BillingIntegrationState>;
  /** Every account the hub created, as the platform holds it (duplicates included). */
  listAccounts(): Promise<BillingAccount[]>;
  /** Not idempotent on the platform: callers list first and create only what is missing. */
  createAccounts(accounts: readonly BillingAccount[]): Promise<void>;
  updateAccount(id: string, patch: { name?: string; description?: string }): Promise<void>;
  listServices(): Promise<BillingService[]>;
  /** Not de-duplicated by the platform either: look up by name first. */
  createService(service: NewBillingService): Promise<BillingService>;
  updateService(id: string, patch: { description?: string }): Promise<void>;
  /**
   * Sets the account's unit count of the service (a decimal). `rebuild: false` defers the platform's
   * billing-view rebuild; the last post of a pass rebuilds. Repeating a post is harmless.
   */
  setCount(serviceId: string, accountId: string, quantity: number, options: { rebuild: boolean }): Promise<CountResult>;
  /** Alerts to PSA tickets, when the platform has them. */
  readonly alerts?: BillingAlerts;
}
