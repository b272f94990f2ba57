// In-memory state of the Gradient Synthesize emulator: one vendor (the hub's integration) with its
// services (SKUs), and per partner organization (one MSP's connection, reached with its partner key)
// the accounts the vendor pushed, the counts it posted, the alerts it queued, and Gradient's own side
// the vendor never sees through the API: the MSP's PSA (companies, products, agreement quantities),
// the account and service mappings (or exclusions) a person made, the billing view built from the
// counts, and the tickets alerts became.
import { createRng, type Rng } from '../kit/prng.ts';
import { RateLimit } from '../kit/rate-limit.ts';
import type { AlertDeliveryStatus, IntegrationStatus, ServiceCategory, ServiceSubcategory } from './enums.ts';

export interface VendorProfile {
  id: string;
  name: string;
  description: string;
  imageUri: string;
  integrationPortalUrl: string;
  vendorSupportPageUrl: string;
  createdAt: string;
  updatedAt: string;
}

export interface Sku {
  /** `_id` and `id` carry the same value (the SDK reads `_id`, the Python port `id`). */
  id: string;
  name: string;
  description: string;
  logo: string | null;
  category: ServiceCategory;
  subcategory: ServiceSubcategory;
  supportArticle: string | null;
  supportContact: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the vendor pushed: its own id (a string), a name, a description. */
export interface VendorAccount {
  id: string;
  name: string;
  description: string;
}

export interface PsaCompany {
  id: string;
  name: string;
}

export interface PsaProduct {
  id: string;
  name: string;
}

/** A mapping made in Gradient's UI: to a PSA record (automatically on an exact name, or by a person), or excluded. */
export type Mapping = { kind: 'mapped'; psaId: string; by: 'auto' | 'person' } | { kind: 'excluded' };

export interface CountRecord {
  serviceId: string;
  accountId: string;
  unitCount: number;
  at: string;
  noBuild: boolean;
}

export interface AlertMessage {
  messageId: string;
  alertId: string;
  correlationID: string;
  accountId: string;
  serviceId: string | null;
  title: string;
  description: string;
  priority: number;
  status: number;
  dueDateTime: string | null;
  createdAt: string;
  /** Debug reads so far; the message stays pending for the first `alerting.pendingReads`. */
  reads: number;
  outcome: AlertDeliveryStatus;
  ticketId: string | null;
  statusCode: number | null;
  errors: string[];
}

export interface PsaTicket {
  id: string;
  companyId: string;
  title: string;
  description: string;
  priority: number;
  status: number;
  alertId: string;
  messageId: string;
  createdAt: string;
}

export interface Organization {
  organizationId: string;
  name: string;
  integrationId: string;
  partnerKey: string;
  status: IntegrationStatus;
  lastSyncedAt: string | null;
  /** Whether the exact-name auto-match already ran (it runs once, when the integration first goes pending). */
  autoMatched: boolean;
  psa: {
    system: string;
    companies: Map<string, PsaCompany>;
    products: Map<string, PsaProduct>;
    /** Agreement quantity per `${companyId}|${productId}`: the PSA side of a service card. */
    quantities: Map<string, number>;
  };
  /** A list, not a map: account creation is not idempotent, a second POST of an id adds a second account. */
  accounts: VendorAccount[];
  accountMaps: Map<string, Mapping>;
  serviceMaps: Map<string, Mapping>;
  /** Latest posted count per `${serviceId}|${accountId}`. */
  counts: Map<string, CountRecord>;
  /** The billing view (service cards) as of the last rebuild: a post without `no_build=true` rebuilds it. */
  built: Map<string, CountRecord>;
  builds: number;
  lastBuildAt: string | null;
  alerts: Map<string, AlertMessage>;
  tickets: PsaTicket[];
}

export interface AlertingSettings {
  /**
   * A second alert with an alertId already queued for the organization answers the first message
   * (no second ticket). Whether Gradient does this is not published; the vendor docs call alertId
   * the alert's unique identifier, and a vendor retrying after a lost answer relies on it. Switch
   * it off to see what a retry would do without it.
   */
  dedupeAlertIds: boolean;
  /** Debug reads answered `pending` before the message is processed. */
  pendingReads: number;
  /** The next N processed messages fail as if the PSA refused the ticket. */
  failNext: number;
  failStatusCode: number;
  failErrors: string[];
}

export interface LimitSettings {
  /** Requests per second before 429 (100 on the real API). */
  requestsPerSecond: number;
  /** Every API request answers 403 "anomaly" while set. */
  anomaly: boolean;
}

export const countKey = (serviceId: string, accountId: string) => `${serviceId}|${accountId}`;
export const quantityKey = (companyId: string, productId: string) => `${companyId}|${productId}`;

export class GradientState {
  vendorKey = '';
  vendor: VendorProfile = {
    id: '', name: '', description: '', imageUri: '', integrationPortalUrl: '', vendorSupportPageUrl: '', createdAt: '', updatedAt: '',
  };
  readonly skus = new Map<string, Sku>();
  /** By partner key. */
  readonly organizations = new Map<string, Organization>();
  readonly alerting: AlertingSettings = { dedupeAlertIds: true, pendingReads: 1, failNext: 0, failStatusCode: 500, failErrors: ['The PSA refused the ticket'] };
  readonly limits: LimitSettings = { requestsPerSecond: 100, anomaly: false };
  readonly rate = new RateLimit({ limit: 100, windowMs: 1000 });
  /** The most requests accepted in any one-second window (sliding), since the last reset. */
  peakPerSecond = 0;
  readonly rng: Rng;
  #seq = 0;

  constructor(seed: string) {
    this.rng = createRng(seed);
  }

  /** A 24-hex id, as MongoDB (behind NestJS) gives out. */
  objectId(): string {
    this.#seq += 1;
    return this.rng.hex(16) + this.#seq.toString(16).padStart(8, '0');
  }

  organizationById(id: string): Organization | undefined {
    for (const org of this.organizations.values()) if (org.organizationId === id) return org;
    return undefined;
  }

  /** The first organization (the dataset's MSP). */
  primary(): Organization {
    const first = this.organizations.values().next();
    if (first.done === true) throw new Error('gradient emulator: no organization');
    return first.value;
  }

  skuByName(name: string): Sku | undefined {
    for (const sku of this.skus.values()) if (sku.name === name) return sku;
    return undefined;
  }
}

export function newOrganization(state: GradientState, fields: { name: string; partnerKey: string; psaSystem: string }): Organization {
  const org: Organization = {
    organizationId: state.objectId(),
    name: fields.name,
    integrationId: state.objectId(),
    partnerKey: fields.partnerKey,
    status: 'inactive',
    lastSyncedAt: null,
    autoMatched: false,
    psa: { system: fields.psaSystem, companies: new Map(), products: new Map(), quantities: new Map() },
    accounts: [],
    accountMaps: new Map(),
    serviceMaps: new Map(),
    counts: new Map(),
    built: new Map(),
    builds: 0,
    lastBuildAt: null,
    alerts: new Map(),
    tickets: [],
  };
  state.organizations.set(fields.partnerKey, org);
  return org;
}

/** Distinct vendor accounts by id (the first one pushed wins), as Gradient's mapping screen lists them. */
export function distinctAccounts(org: Organization): VendorAccount[] {
  const seen = new Map<string, VendorAccount>();
  for (const a of org.accounts) if (!seen.has(a.id)) seen.set(a.id, a);
  return [...seen.values()];
}
