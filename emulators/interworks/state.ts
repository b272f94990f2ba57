// What the emulated BSS holds: the application registration it calls the service manager with,
// its application instances (setting values, the form it rendered, the last validation), the
// catalogue Get Services Definition filled, the resellers it placed orders for and their
// subscriptions, and what its billing runs made of the usage pulls (usage records, invoice lines).
import { createRng } from '../kit/prng.ts';
import type { DatasetName } from '../kit/types.ts';

export interface FormField {
  id: string;
  name: string;
  kind: number;
  required: boolean;
  choices: string[];
}

export interface BssInstance {
  id: string;
  name: string;
  /** Field id → value, as the operator entered them (sent as X-CloudPlatform-Setting-* headers). */
  settings: Record<string, string>;
  form: FormField[];
  saved: boolean;
  errors: string[];
  productTypeId: string | null;
}

export interface CatalogueProduct {
  id: string;
  instanceId: string;
  kind: 'product' | 'addon';
  name: string;
  /** Whether the service manager offered the name for update on the last run (UpdateOptions 1). */
  nameUpdatable: boolean;
  sell: number;
  cost: number;
  currency: string;
  attributeIds: string[];
}

export interface BssAccount {
  id: string;
  name: string;
  email: string;
  firstName: string;
  lastName: string;
  city: string;
  country: string;
  /** What Accounts/Synchronize answered per instance. */
  externalIds: Record<string, string>;
}

export interface BssSubscription {
  id: string;
  instanceId: string;
  accountId: string;
  productId: string;
  tier: string;
  /** Offering item → quota text ('' = unlimited). */
  quotas: Record<string, string>;
  state: 'pending' | 'active' | 'suspended' | 'cancelled' | 'failed';
  externalId: string | null;
  lastError: string | null;
}

export interface UsageRecord {
  runId: string;
  subscriptionId: string;
  usageId: string;
  attributeId: string;
  customer: string;
  quantity: number;
  unit: string;
  cost: number;
  sell: number;
}

export interface InvoiceLine {
  runId: string;
  accountId: string;
  subscriptionId: string;
  description: string;
  currency: string;
  cost: number;
  sell: number;
}

export interface CallRecord {
  at: string;
  route: string;
  trackId: string;
  attempt: number;
  status: number | 'timeout' | 'network';
  code: number | null;
  message: string | null;
}

export class BssState {
  hubUrl: string | null = null;
  readonly registration: { applicationId: string; applicationKey: string };
  readonly instances = new Map<string, BssInstance>();
  readonly catalogue = new Map<string, CatalogueProduct>();
  readonly accounts = new Map<string, BssAccount>();
  readonly subscriptions = new Map<string, BssSubscription>();
  readonly usageRecords: UsageRecord[] = [];
  readonly invoiceLines: InvoiceLine[] = [];
  readonly calls: CallRecord[] = [];
  nextInstance = 1;
  nextAccount = 1001;
  nextSubscription = 5001;
  nextRun = 1;
  nextTrack = 1;

  constructor(dataset: DatasetName) {
    // The BSS issues the pair when the application is registered; the same on every run of a dataset.
    const rng = createRng(`interworks/${dataset}`);
    this.registration = { applicationId: rng.uuid(), applicationKey: Buffer.from(rng.hex(64), 'hex').toString('base64') };
  }
}
