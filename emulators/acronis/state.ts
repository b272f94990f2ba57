// The emulator's in-memory model, with the indexes the hot paths need: children by parent (ordered
// by creation), users by login and tenant, alerts by tenant and in updatedAt order.
import type { InfraCapability, ItemDefinition, Severity } from './catalog.ts';
import { itemDefinitions } from './catalog.ts';
import { TenantEventStream } from './event-stream.ts';

export type TenantKind = 'root' | 'partner' | 'folder' | 'customer' | 'unit';

export interface Contact {
  id: string;
  created_at: string;
  updated_at: string;
  types: string[];
  email: string | null;
  address1: string | null;
  address2: string | null;
  country: string | null;
  state: string | null;
  city: string | null;
  zipcode: string | null;
  phone: string | null;
  firstname: string | null;
  lastname: string | null;
  title: string | null;
  website: string | null;
  industry: string | null;
  organization_size: string | null;
  email_confirmed: boolean;
  aan: string | null;
  fax: string | null;
  language: string | null;
}

export interface ItemState {
  status: 0 | 1;
  quotaValue: number | null;
  overage: number | null;
  /** epoch-ms of the last quota change; 0 when unset. */
  quotaVersion: number;
  updatedAt: number;
}

export interface UsageState {
  usage_name: string;
  edition: string | null;
  infra_id: string | null;
  value: number;
  absolute: number;
}

export interface TenantRecord {
  id: string;
  legacyId: number;
  /** Creation order; the paging key. */
  seq: number;
  name: string;
  parent_id: string | null;
  kind: TenantKind;
  enabled: boolean;
  version: number;
  customer_id: string | null;
  internal_tag: string | null;
  language: string;
  contact: Contact | null;
  ancestral_access: boolean;
  mfa_status: 'enabled' | 'disabled' | 'disable_in_progress';
  pricing_mode: 'trial' | 'production';
  pricing_version: number;
  production_start_date: string | null;
  customer_type: string;
  brand_id: number;
  brand_uuid: string;
  default_idp_id: string | null;
  update_lock: { enabled: boolean; owner_id: string | null };
  owner_id: string | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  /** Offering-item state by `name|infra_id`; items not here are available but off. */
  items: Map<string, ItemState>;
  /** Usage by `usage_name|edition|infra_id`. */
  usages: Map<string, UsageState>;
  /** Bound application ids. */
  apps: Set<string>;
  liveChildren: number;
}

export interface Infra {
  id: string;
  owner_tenant_id: string;
  location_id: string;
  platform_owned: boolean;
  name: string;
  url: string;
  capabilities: InfraCapability[];
  backend_type: string;
  version: number;
  readonly: boolean;
}

export interface Location {
  id: string;
  name: string;
  owner_tenant_id: string;
  platform_owned: boolean;
  version: number;
}

export interface ApiClient {
  client_id: string;
  client_secret: string;
  tenant_id: string;
  client_name: string;
  created_by: string;
  created_at: number;
  last_access_at: number | null;
  status: 'enabled' | 'disabled';
}

export interface TokenRecord {
  client_id: string;
  tenant_id: string;
  /** Unix seconds. */
  exp: number;
  revoked: boolean;
}

export interface AccessPolicy {
  id: string;
  issuer_id: string;
  role_id: string;
  tenant_id: string;
  trustee_id: string;
  trustee_type: string;
  version: number;
  resource?: Record<string, unknown>;
}

export interface UserRecord {
  id: string;
  seq: number;
  version: number;
  tenant_id: string;
  login: string;
  contact: Contact;
  activated: boolean;
  enabled: boolean;
  terms_accepted: boolean;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  language: string;
  idp_id: string;
  external_id: string | null;
  personal_tenant_id: string | null;
  business_types: string[];
  notifications: string[];
  mfa_status: 'disabled' | 'setup_required' | 'enabled' | 'forcibly_disabled';
  passwordHash: string | null;
  policies: AccessPolicy[];
}

export interface AlertRecord {
  id: string;
  type: string;
  category: string;
  severity: Severity;
  tenantId: string;
  createdNs: bigint;
  receivedNs: bigint;
  updatedNs: bigint;
  deletedNs: bigint | null;
  details: Record<string, unknown>;
}

export interface ActivationEmail {
  user_id: string;
  login: string;
  email: string;
  sent_at: string;
}

export interface ItemInstance {
  def: ItemDefinition;
  infra_id: string | null;
  key: string;
}

export const itemKey = (name: string, infraId: string | null | undefined) => `${name}|${infraId ?? ''}`;
export const usageKey = (usageName: string, edition: string | null | undefined, infraId: string | null | undefined) =>
  `${usageName}|${edition ?? ''}|${infraId ?? ''}`;

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** What a dataset was built around: the platform skeleton and the seeded API client. */
export interface DatasetInfo {
  rootId: string;
  partnerId: string;
  clientId: string;
  clientSecret: string;
}

export class AcronisState {
  info: DatasetInfo = { rootId: '', partnerId: '', clientId: '', clientSecret: '' };
  readonly tenants = new Map<string, TenantRecord>();
  /** Children per parent in creation order, deleted ones included (for allow_deleted). */
  readonly children = new Map<string, TenantRecord[]>();
  /** Every tenant in creation order. */
  readonly tenantsBySeq: TenantRecord[] = [];
  readonly infras = new Map<string, Infra>();
  readonly locations = new Map<string, Location>();
  readonly clients = new Map<string, ApiClient>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly usersByLogin = new Map<string, UserRecord>();
  readonly usersByTenant = new Map<string, UserRecord[]>();
  /** Keyed by upper-case id. */
  readonly alerts = new Map<string, AlertRecord>();
  /** Sorted by updatedNs (unique, strictly increasing), so polling by updated_at is a binary search. */
  readonly alertsByUpdated: AlertRecord[] = [];
  readonly alertsByTenant = new Map<string, Set<AlertRecord>>();
  readonly activationEmails: ActivationEmail[] = [];
  /** Tenants with geo-redundancy on; their subtree is offered the geo-redundant items (storage-classes.ts). */
  readonly geoRedundant = new Set<string>();
  /** The Event Manager's tenant topic (event-stream.ts). */
  readonly events = new TenantEventStream();
  rootId = '';
  nextSeq = 1;
  nextLegacyId = 1;
  nextUserSeq = 1;

  // ----- tenants -----

  addTenant(t: Omit<TenantRecord, 'seq' | 'legacyId' | 'items' | 'usages' | 'apps' | 'liveChildren'> & { legacyId?: number }): TenantRecord {
    const record: TenantRecord = {
      ...t,
      seq: this.nextSeq++,
      legacyId: t.legacyId ?? this.nextLegacyId++,
      items: new Map(),
      usages: new Map(),
      apps: new Set(),
      liveChildren: 0,
    };
    if (record.legacyId >= this.nextLegacyId) this.nextLegacyId = record.legacyId + 1;
    this.tenants.set(record.id, record);
    this.tenantsBySeq.push(record);
    if (record.parent_id !== null) {
      let list = this.children.get(record.parent_id);
      if (!list) this.children.set(record.parent_id, (list = []));
      list.push(record);
      const parent = this.tenants.get(record.parent_id);
      if (parent) parent.liveChildren++;
    } else this.rootId = record.id;
    return record;
  }

  liveTenant(id: string): TenantRecord | undefined {
    const t = this.tenants.get(id);
    return t && t.deleted_at === null ? t : undefined;
  }

  parentOf(t: TenantRecord): TenantRecord | undefined {
    return t.parent_id === null ? undefined : this.tenants.get(t.parent_id);
  }

  /** True when `id` is `ancestorId` or below it. */
  isWithin(id: string, ancestorId: string): boolean {
    let cur = this.tenants.get(id);
    while (cur) {
      if (cur.id === ancestorId) return true;
      cur = this.parentOf(cur);
    }
    return false;
  }

  /** Root first. */
  lineage(t: TenantRecord): TenantRecord[] {
    const out: TenantRecord[] = [];
    for (let cur: TenantRecord | undefined = t; cur; cur = this.parentOf(cur)) out.push(cur);
    return out.reverse();
  }

  locator(t: TenantRecord): string {
    return `/${this.lineage(t)
      .map((x) => x.legacyId)
      .join('/')}/`;
  }

  moveTenant(t: TenantRecord, newParent: TenantRecord): void {
    const oldParent = this.parentOf(t);
    if (oldParent) {
      const list = this.children.get(oldParent.id) ?? [];
      const idx = list.indexOf(t);
      if (idx >= 0) list.splice(idx, 1);
      oldParent.liveChildren--;
    }
    let list = this.children.get(newParent.id);
    if (!list) this.children.set(newParent.id, (list = []));
    // Keep creation order so seq cursors stay valid.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as TenantRecord).seq < t.seq) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, t);
    newParent.liveChildren++;
    t.parent_id = newParent.id;
  }

  /** Marks the tenant and its whole subtree deleted; their users go too. */
  deleteTenant(t: TenantRecord, nowMs: number): void {
    const stack = [t];
    while (stack.length > 0) {
      const cur = stack.pop() as TenantRecord;
      if (cur.deleted_at !== null) continue;
      cur.deleted_at = nowMs;
      cur.updated_at = nowMs;
      cur.enabled = false;
      for (const u of this.usersByTenant.get(cur.id) ?? []) this.deleteUser(u, nowMs);
      for (const child of this.children.get(cur.id) ?? []) stack.push(child);
    }
    const parent = this.parentOf(t);
    if (parent) parent.liveChildren--;
  }

  // ----- infra and offering items -----

  /** Platform-owned infras plus those owned by the tenant or an ancestor (the root sees all). */
  visibleInfras(t: TenantRecord): Infra[] {
    if (t.kind === 'root') return [...this.infras.values()];
    const owners = new Set(this.lineage(t).map((x) => x.id));
    return [...this.infras.values()].filter((i) => i.platform_owned || owners.has(i.owner_tenant_id));
  }

  itemStatus(t: TenantRecord, key: string): 0 | 1 {
    if (t.kind === 'root') return 1;
    return t.items.get(key)?.status ?? 0;
  }

  /**
   * The items a tenant may have: everything for the root; below it, what the parent has enabled,
   * restricted to the infras the tenant can see.
   */
  itemInstances(t: TenantRecord): ItemInstance[] {
    const visible = new Set(this.visibleInfras(t).map((i) => i.id));
    const parent = this.parentOf(t);
    let base: ItemInstance[];
    if (!parent) {
      base = [];
      for (const def of itemDefinitions) {
        if (!def.infra) base.push({ def, infra_id: null, key: itemKey(def.name, null) });
        else
          for (const infra of this.infras.values())
            if (infra.capabilities.includes(def.infra)) base.push({ def, infra_id: infra.id, key: itemKey(def.name, infra.id) });
      }
    } else base = this.itemInstances(parent).filter((i) => this.itemStatus(parent, i.key) === 1);
    const geo = this.geoRedundancyOn(t);
    return base.filter((i) => (i.infra_id === null || visible.has(i.infra_id)) && (geo || i.def.geo !== true));
  }

  /** The root has everything; below it, a tenant has geo-redundancy when it or an ancestor turned it on. */
  geoRedundancyOn(t: TenantRecord): boolean {
    return t.kind === 'root' || this.lineage(t).some((x) => this.geoRedundant.has(x.id));
  }

  // ----- users -----

  addUser(u: Omit<UserRecord, 'seq'>): UserRecord {
    const record: UserRecord = { ...u, seq: this.nextUserSeq++ };
    this.users.set(record.id, record);
    this.usersByLogin.set(record.login.toLowerCase(), record);
    let list = this.usersByTenant.get(record.tenant_id);
    if (!list) this.usersByTenant.set(record.tenant_id, (list = []));
    list.push(record);
    return record;
  }

  liveUser(id: string): UserRecord | undefined {
    const u = this.users.get(id);
    return u && u.deleted_at === null ? u : undefined;
  }

  renameUser(u: UserRecord, login: string): void {
    this.usersByLogin.delete(u.login.toLowerCase());
    u.login = login;
    this.usersByLogin.set(login.toLowerCase(), u);
  }

  deleteUser(u: UserRecord, nowMs: number): void {
    u.deleted_at = nowMs;
    u.updated_at = nowMs;
    this.usersByLogin.delete(u.login.toLowerCase());
    const list = this.usersByTenant.get(u.tenant_id);
    if (list) {
      const idx = list.indexOf(u);
      if (idx >= 0) list.splice(idx, 1);
    }
  }

  // ----- alerts -----

  addAlert(a: AlertRecord): AlertRecord {
    this.alerts.set(a.id.toUpperCase(), a);
    this.insertByUpdated(a);
    let set = this.alertsByTenant.get(a.tenantId);
    if (!set) this.alertsByTenant.set(a.tenantId, (set = new Set()));
    set.add(a);
    return a;
  }

  getAlert(id: string): AlertRecord | undefined {
    return this.alerts.get(id.toUpperCase());
  }

  /** Dismiss: sets deletedAt and moves updatedAt, which is what pollers follow. */
  dismissAlert(a: AlertRecord, nowNs: bigint): void {
    if (a.deletedNs !== null) return;
    const idx = this.indexByUpdated(a.updatedNs);
    if (this.alertsByUpdated[idx] === a) this.alertsByUpdated.splice(idx, 1);
    a.deletedNs = nowNs;
    a.updatedNs = nowNs;
    this.insertByUpdated(a);
  }

  /** First index whose updatedNs is >= ns. */
  indexByUpdated(ns: bigint): number {
    let lo = 0;
    let hi = this.alertsByUpdated.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.alertsByUpdated[mid] as AlertRecord).updatedNs < ns) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertByUpdated(a: AlertRecord): void {
    const last = this.alertsByUpdated[this.alertsByUpdated.length - 1];
    if (!last || last.updatedNs < a.updatedNs) this.alertsByUpdated.push(a);
    else this.alertsByUpdated.splice(this.indexByUpdated(a.updatedNs), 0, a);
  }
}
