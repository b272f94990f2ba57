// The emulated Autotask database: one table per entity (rows keyed by integer id, in id order), the
// UDF values of each row, the users who may call the API, picklists, and the limit counters.
import { defaultPicklists, type PicklistValue } from './picklists.ts';
import { RollingWindow } from '../kit/rolling-window.ts';
import { ThreadGate } from '../kit/thread-gate.ts';
import { defaultLimits, type LimitSettings } from './limits.ts';

export interface Row {
  id: number;
  [field: string]: unknown;
}

export class Table {
  readonly rows = new Map<number, Row>();
  /** UDF values by row id, keyed by the UDF name in lower case. */
  readonly udfs = new Map<number, Map<string, string | null>>();
  /** Secondary index: parent field → parent id → row ids (for child lists and unit derivation). */
  readonly byParent = new Map<string, Map<number, Set<number>>>();

  constructor(readonly indexed: readonly string[] = []) {
    for (const f of indexed) this.byParent.set(f, new Map());
  }

  insert(row: Row): Row {
    this.rows.set(row.id, row);
    for (const f of this.indexed) this.#index(f, row, true);
    return row;
  }

  /** Call before changing an indexed field, then `reindex` after. */
  unindex(row: Row): void {
    for (const f of this.indexed) this.#index(f, row, false);
  }

  reindex(row: Row): void {
    for (const f of this.indexed) this.#index(f, row, true);
  }

  delete(id: number): void {
    const row = this.rows.get(id);
    if (!row) return;
    this.unindex(row);
    this.rows.delete(id);
    this.udfs.delete(id);
  }

  children(field: string, parentId: number): Row[] {
    const ids = this.byParent.get(field)?.get(parentId);
    if (!ids) return [];
    const out: Row[] = [];
    for (const id of ids) {
      const r = this.rows.get(id);
      if (r) out.push(r);
    }
    return out.sort((a, b) => a.id - b.id);
  }

  #index(field: string, row: Row, add: boolean): void {
    const v = row[field];
    if (typeof v !== 'number') return;
    const m = this.byParent.get(field) as Map<number, Set<number>>;
    let set = m.get(v);
    if (add) {
      if (!set) m.set(v, (set = new Set()));
      set.add(row.id);
    } else set?.delete(row.id);
  }
}

export interface ApiUser {
  resourceId: number;
  userName: string;
  secret: string;
  /** Security level "API User (system)"; a regular resource is refused by the REST API. */
  isApiUser: boolean;
  isActive: boolean;
}

export interface DatabaseInfo {
  zoneName: string;
  ci: number;
  apiUserName: string;
  integrationCode: string;
}

/** An adjustment as stored: create-only, never queryable, read back only through the units it changed. */
export interface Adjustment {
  id: number;
  lineId: number;
  effectiveMs: number;
  unitChange: number;
  adjustedUnitPrice: number | null;
  adjustedUnitCost: number | null;
}

const indexes: Record<string, string[]> = {
  Contacts: ['companyID'],
  Contracts: ['companyID'],
  ContractServices: ['contractID'],
  ContractServiceBundles: ['contractID'],
  ServiceBundleServices: ['serviceBundleID'],
  TicketNotes: ['ticketID'],
  UserDefinedFieldListItems: ['udfFieldID'],
  CompanyWebhookFields: ['webhookID'],
  CompanyWebhookUdfFields: ['webhookID'],
  CompanyWebhookExcludedResources: ['webhookID'],
  TicketWebhookFields: ['webhookID'],
  TicketWebhookUdfFields: ['webhookID'],
  TicketWebhookExcludedResources: ['webhookID'],
};

export class AutotaskState {
  readonly tables = new Map<string, Table>();
  readonly users = new Map<string, ApiUser>();
  readonly integrationCodes = new Set<string>();
  readonly picklists: Map<string, PicklistValue[]> = defaultPicklists();
  /** Adjustments by contract service (or contract service bundle) id, in effective-date order. */
  readonly serviceAdjustments = new Map<number, Adjustment[]>();
  readonly bundleAdjustments = new Map<number, Adjustment[]>();
  limits: LimitSettings = defaultLimits();
  readonly window = new RollingWindow();
  readonly threads = new ThreadGate();
  info: DatabaseInfo = { zoneName: 'America East', ci: 5, apiUserName: '', integrationCode: '' };
  nextId = 29_682_000;
  ticketSeq = 0;
  webhookSequence = 0;
  /** Webhook callouts sent (or attempted), newest last; the control API shows them. */
  readonly callouts: { webhookId: number; url: string; status: number | null; body: string; signature: string; at: string }[] = [];

  table(entity: string): Table {
    let t = this.tables.get(entity);
    if (!t) this.tables.set(entity, (t = new Table(indexes[entity] ?? [])));
    return t;
  }

  newId(): number {
    return this.nextId++;
  }

  addUser(u: ApiUser): void {
    this.users.set(u.userName.toLowerCase(), u);
  }
}
