// The emulated ConnectWise database: one table per resource (rows keyed by id, inserted in id
// order so a Map iterates in id order), a parent index for child resources, custom-field
// definitions, API keys and client ids, callback signing keys and the request rate limit.
import { RateLimit } from '../kit/rate-limit.ts';
import type { ResourceKey } from './model.ts';

export interface Row {
  id: number;
  /** Change bookkeeping, shown as `_info.{lastUpdated, updatedBy, dateEntered, enteredBy}`. */
  _lastUpdated: number;
  _updatedBy: string;
  _dateEntered: number;
  _enteredBy: string;
  [field: string]: unknown;
}

export class Table {
  readonly rows = new Map<number, Row>();
  readonly byParent = new Map<number, Set<number>>();
  #nextId: number;

  constructor(
    firstId: number,
    readonly parentField?: string,
  ) {
    this.#nextId = firstId;
  }

  newId(): number {
    return this.#nextId++;
  }

  insert(row: Row): Row {
    this.rows.set(row.id, row);
    if (row.id >= this.#nextId) this.#nextId = row.id + 1;
    if (this.parentField !== undefined) {
      const p = row[this.parentField] as number;
      let set = this.byParent.get(p);
      if (!set) this.byParent.set(p, (set = new Set()));
      set.add(row.id);
    }
    return row;
  }

  delete(id: number): Row | undefined {
    const row = this.rows.get(id);
    if (!row) return undefined;
    this.rows.delete(id);
    if (this.parentField !== undefined) this.byParent.get(row[this.parentField] as number)?.delete(id);
    return row;
  }

  /** Children of a parent in id order. */
  *children(parentId: number): Iterable<Row> {
    const ids = this.byParent.get(parentId);
    if (!ids) return;
    for (const id of [...ids].sort((a, b) => a - b)) {
      const r = this.rows.get(id);
      if (r) yield r;
    }
  }
}

export interface CustomFieldDef {
  id: number;
  caption: string;
  type: 'Text' | 'Number' | 'Date' | 'Checkbox' | 'Hyperlink' | 'Percent' | 'Currency' | 'TextArea';
  entryMethod: 'EntryField' | 'List' | 'Option';
  numberOfDecimals: number;
}

export interface ApiKey {
  privateKey: string;
  memberId: number;
}

export interface Settings {
  /** What wrong credentials answer: 401, or 404 as cloud sites do (reference §B.3). */
  wrongAuthStatus: 401 | 404;
  /** Whether a change to an agreement's additions fires that agreement's callbacks [INF]. */
  additionsNotifyAgreement: boolean;
}

export class CwState {
  info = {
    companyId: '',
    companyName: '',
    codebase: 'v4_6_release/',
    versionCode: 'v2025.1',
    versionNumber: 'v2025.1.10431',
  };
  readonly clientIds = new Set<string>();
  readonly apiKeys = new Map<string, ApiKey>();
  readonly tables = new Map<ResourceKey, Table>();
  readonly customFields = new Map<ResourceKey, CustomFieldDef[]>();
  /** Callback signing keys by key id; the newest signs, older ones stay fetchable. */
  readonly signingKeys = new Map<string, string>();
  currentKeyId = '';
  settings: Settings = { wrongAuthStatus: 401, additionsNotifyAgreement: true };
  readonly rate = new RateLimit({ limit: null, windowMs: 60_000 });
  /** The emulator clock (set by the server), for values derived from "now" such as agreementStatus. */
  now: () => number = () => Date.now();
  /** The member that data seeded without an actor is attributed to. */
  systemMember = 'admin1';

  table(key: ResourceKey): Table {
    const t = this.tables.get(key);
    if (!t) throw new Error(`no table ${key}`);
    return t;
  }
}
