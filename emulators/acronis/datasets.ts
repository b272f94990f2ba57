// Deterministic datasets: the same PRNG seed and a fixed epoch give the same tenants, ids, usage and
// alerts on every run. Credentials and the platform skeleton (root, partner, infras) come from their
// own seed so they are identical in every dataset and survive a re-seed.
import { createRng, type Rng } from '../kit/prng.ts';
import { LARGE_DATASET_SIZE, type DatasetName } from '../kit/types.ts';
import { alertTypesById, APP, itemsByName } from './catalog.ts';
import { distributor } from './distributor-dataset.ts';
import {
  AcronisState, itemKey, type DatasetInfo, usageKey, ZERO_UUID,
  type Contact, type ItemState, type TenantKind, type TenantRecord, type UserRecord,
} from './state.ts';

/** 2025-06-01T00:00:00Z: seeded timestamps sit before it, so anything the API does later is newer. */
export const DATASET_EPOCH_MS = Date.UTC(2025, 5, 1);
const DAY = 86_400_000;
const GB = 1024 ** 3;

const STORAGE_ACRONIS = 'Acronis Cloud Storage (EU)';
const STORAGE_PARTNER = 'Northwind Storage (own)';

const FIRST = ['Anna', 'Ben', 'Carla', 'David', 'Elena', 'Felix', 'Grace', 'Hugo', 'Iris', 'Jonas', 'Kira', 'Liam', 'Maya', 'Noah', 'Olga', 'Paul', 'Rosa', 'Sam', 'Tara', 'Victor'];
const LAST = ['Schmidt', 'Meyer', 'Novak', 'Rossi', 'Jansen', 'Dubois', 'Kowalski', 'Berg', 'Lindqvist', 'Moreau', 'Fischer', 'Hughes', 'Silva', 'Weber', 'Costa', 'Nagy'];
const CITIES: ReadonlyArray<[string, string, string]> = [
  ['Berlin', 'DE', '10115'], ['Munich', 'DE', '80331'], ['Vienna', 'AT', '1010'], ['Zurich', 'CH', '8001'],
  ['Amsterdam', 'NL', '1012'], ['Lyon', 'FR', '69001'], ['Manchester', 'GB', 'M1 1AE'], ['Dublin', 'IE', 'D02'],
];

/** ~30 customers an MSP might really have; [name, domain, industry]. */
const DEMO_CUSTOMERS: ReadonlyArray<[string, string, string]> = [
  ['Contoso Dental Group', 'contoso-dental.example', 'Healthcare'],
  ['Fabrikam Logistics', 'fabrikam-logistics.example', 'Transportation'],
  ['Tailspin Travel', 'tailspin-travel.example', 'Travel'],
  ['Litware Legal LLP', 'litware-legal.example', 'Legal'],
  ['Adatum Architects', 'adatum-arch.example', 'Construction'],
  ['Wingtip Toys', 'wingtiptoys.example', 'Retail'],
  ['Proseware Accounting', 'proseware-acc.example', 'Finance'],
  ['Lucerne Publishing', 'lucerne-pub.example', 'Media'],
  ['Coho Winery', 'coho-winery.example', 'Food & Beverage'],
  ['Alpine Ski House', 'alpineskihouse.example', 'Hospitality'],
  ['Blue Yonder Airlines', 'blueyonder-air.example', 'Transportation'],
  ['Fourth Coffee', 'fourthcoffee.example', 'Food & Beverage'],
  ['Graphic Design Institute', 'gdi-school.example', 'Education'],
  ['Humongous Insurance', 'humongous-ins.example', 'Insurance'],
  ['Margie Travel', 'margie-travel.example', 'Travel'],
  ['Northwind Traders', 'northwind-traders.example', 'Wholesale'],
  ['Relecloud Medical', 'relecloud-med.example', 'Healthcare'],
  ['Southridge Video', 'southridge-video.example', 'Media'],
  ['Trey Research', 'treyresearch.example', 'Research'],
  ['VanArsdel Ltd', 'vanarsdel.example', 'Manufacturing'],
  ['Woodgrove Bank Branch 12', 'woodgrove-b12.example', 'Finance'],
  ['City Power & Light', 'cpandl.example', 'Utilities'],
  ['School of Fine Art', 'fineart-school.example', 'Education'],
  ['Consolidated Messenger', 'consolidated-msg.example', 'Logistics'],
  ['Bellows College', 'bellows-college.example', 'Education'],
  ['Datum Cabinetry', 'datum-cabinetry.example', 'Manufacturing'],
  ['Nod Publishers', 'nodpublishers.example', 'Media'],
];
/**
 * Tenants provisioned from Ingram Cloud Marketplace carry the Custom ID `osa_account_id=<n>`; the
 * CloudBlue emulator's demo customers are linked to CMP with the same numbers (its DEMO_CMP_PAIRS).
 */
const DEMO_OSA_ACCOUNT_IDS: Readonly<Record<string, string>> = {
  'Tailspin Travel': '1100244801',
  'Wingtip Toys': '1100244802',
  'Coho Winery': '1100244803',
  'Fourth Coffee': '1100244804',
  'Margie Travel': '1100244805',
  'Southridge Video': '1100244806',
  'Woodgrove Bank Branch 12': '1100244807',
  'Quayside Bakery': '1100244808',
  'Nod Publishers': '1100244899',
};
/** Large dataset: tenant i with i % 5 === 0 pairs with CloudBlue large customer i. */
const LARGE_OSA_BASE = 1_200_000_000;

const FOLDER_CUSTOMERS: ReadonlyArray<[string, string, string]> = [
  ['Harbor Dental Clinic', 'harbor-dental.example', 'Healthcare'],
  ['Harbor Marina Services', 'harbor-marina.example', 'Hospitality'],
  ['Quayside Bakery', 'quayside-bakery.example', 'Food & Beverage'],
];


export interface Builder {
  state: AcronisState;
  info: DatasetInfo;
  rng: Rng;
  acronisInfra: string;
  partnerInfra: string;
}

export function contact(rng: Rng, domain: string, nowMs: number, overrides: Partial<Contact> = {}): Contact {
  const firstname = rng.pick(FIRST);
  const lastname = rng.pick(LAST);
  const [city, country, zipcode] = rng.pick(CITIES);
  const at = new Date(nowMs).toISOString();
  return {
    id: rng.uuid(), created_at: at, updated_at: at, types: ['legal', 'billing'],
    email: `${firstname.toLowerCase()}.${lastname.toLowerCase()}@${domain}`,
    address1: `${rng.int(1, 220)} ${rng.pick(['Harbour Road', 'Main Street', 'Station Way', 'Park Lane', 'Mill Street'])}`,
    address2: null, country, state: null, city, zipcode,
    phone: `+${rng.int(30, 49)} ${rng.int(100, 999)} ${rng.int(100000, 999999)}`,
    firstname, lastname, title: rng.pick(['Office Manager', 'Owner', 'IT Coordinator', 'Managing Director']),
    website: `https://${domain}`, industry: null, organization_size: rng.pick(['1-10', '11-50', '51-250']),
    email_confirmed: true, aan: null, fax: null, language: 'en',
    ...overrides,
  };
}

export function tenant(
  b: Builder,
  fields: { id?: string; name: string; kind: TenantKind; parent_id: string | null; createdAt: number; legacyId?: number } & Partial<TenantRecord>,
): TenantRecord {
  const { createdAt, ...rest } = fields;
  return b.state.addTenant({
    id: fields.id ?? b.rng.uuid(),
    enabled: true,
    version: 1,
    customer_id: null,
    internal_tag: null,
    language: 'en',
    contact: null,
    ancestral_access: true,
    mfa_status: 'disabled',
    pricing_mode: 'production',
    pricing_version: createdAt,
    production_start_date: new Date(createdAt).toISOString().slice(0, 19),
    customer_type: 'default',
    brand_id: 1,
    brand_uuid: '3c8e0b1a-6a2b-4f55-9d0e-1b2a3c4d5e6f',
    default_idp_id: null,
    update_lock: { enabled: false, owner_id: null },
    owner_id: null,
    updated_at: createdAt,
    deleted_at: null,
    created_at: createdAt,
    ...rest,
  });
}

export const enabled = (at: number, quota?: { value: number | null; overage?: number | null }): ItemState => ({
  status: 1,
  quotaValue: quota?.value ?? null,
  overage: quota?.overage ?? null,
  quotaVersion: quota?.value != null ? at : 0,
  updatedAt: at,
});

export function setUsage(t: TenantRecord, name: string, infraId: string | null, value: number): void {
  const def = itemsByName.get(name);
  if (!def) throw new Error(`dataset: unknown item ${name}`);
  t.usages.set(usageKey(def.usage_name, def.edition, infraId), { usage_name: def.usage_name, edition: def.edition, infra_id: infraId, value, absolute: value });
}

/** Root, partner, API client, locations and storages: the same in every dataset. */
export function skeleton(): Builder {
  const rng = createRng('acronis/platform');
  const state = new AcronisState();
  const info: DatasetInfo = { rootId: rng.uuid(), partnerId: rng.uuid(), clientId: rng.uuid(), clientSecret: rng.hex(32) };
  state.info = info;
  const b: Builder = { state, info, rng, acronisInfra: rng.uuid(), partnerInfra: rng.uuid() };
  const t0 = DATASET_EPOCH_MS - 900 * DAY;
  const root = tenant(b, { id: info.rootId, name: 'Acronis Cyber Cloud', kind: 'root', parent_id: null, createdAt: t0, legacyId: 1 });
  state.nextLegacyId = 1000;
  const partner = tenant(b, {
    id: info.partnerId, name: 'Northwind MSP', kind: 'partner', parent_id: root.id, createdAt: t0 + DAY, legacyId: 1000,
    brand_id: 12, contact: contact(rng, 'northwind-msp.example', t0 + DAY, { firstname: 'Nora', lastname: 'Lindqvist', email: 'billing@northwind-msp.example' }),
  });
  const locAcronis = rng.uuid();
  const locPartner = rng.uuid();
  state.locations.set(locAcronis, { id: locAcronis, name: 'Acronis Data Center Frankfurt', owner_tenant_id: root.id, platform_owned: true, version: 1 });
  state.locations.set(locPartner, { id: locPartner, name: 'Northwind DC Hamburg', owner_tenant_id: partner.id, platform_owned: false, version: 1 });
  state.infras.set(b.acronisInfra, {
    id: b.acronisInfra, owner_tenant_id: root.id, location_id: locAcronis, platform_owned: true, name: STORAGE_ACRONIS,
    url: 'https://eu2-storage.acronis.example', capabilities: ['backup', 'disaster_recovery', 'files_cloud'], backend_type: 'acronis_storage', version: 1, readonly: false,
  });
  state.infras.set(b.partnerInfra, {
    id: b.partnerInfra, owner_tenant_id: partner.id, location_id: locPartner, platform_owned: false, name: STORAGE_PARTNER,
    url: 'https://storage.northwind-msp.example', capabilities: ['backup'], backend_type: 'acronis_storage', version: 1, readonly: false,
  });
  // The partner can sell everything the platform offers, including the legacy standard items.
  for (const inst of state.itemInstances(partner)) partner.items.set(inst.key, enabled(t0 + DAY));
  partner.apps = new Set([APP.platform, APP.backup, APP.filesCloud]);
  state.clients.set(info.clientId, {
    client_id: info.clientId, client_secret: info.clientSecret, tenant_id: partner.id, client_name: 'psa-bridge',
    created_by: ZERO_UUID, created_at: t0 + 2 * DAY, last_access_at: null, status: 'enabled',
  });
  return b;
}

/** The items a typical customer runs, with usage; `heavy` adds packs, M365 and DR. */
export function provisionCustomer(b: Builder, t: TenantRecord, at: number, heavy: boolean, storageInfra: string): void {
  const { rng } = b;
  const workstations = rng.int(3, 60);
  const servers = rng.int(0, 6);
  const vms = rng.chance(0.5) ? rng.int(1, 20) : 0;
  const withQuota = rng.chance(0.4);
  t.items.set(itemKey('pw_base_workstations', null), enabled(at, withQuota ? { value: workstations + 5, overage: 2 } : undefined));
  t.items.set(itemKey('pw_base_servers', null), enabled(at, withQuota ? { value: Math.max(servers, 1) + 1, overage: 0 } : undefined));
  t.items.set(itemKey('pw_base_storage', storageInfra), enabled(at, withQuota ? { value: 2048 * GB, overage: 256 * GB } : undefined));
  t.items.set(itemKey('local_storage', null), enabled(at));
  setUsage(t, 'pw_base_workstations', null, workstations);
  setUsage(t, 'pw_base_servers', null, servers);
  setUsage(t, 'pw_base_storage', storageInfra, Math.round((workstations * 40 + servers * 300) * GB * (0.5 + rng.next())));
  if (vms > 0) {
    t.items.set(itemKey('pw_base_vms', null), enabled(at));
    setUsage(t, 'pw_base_vms', null, vms);
  }
  t.apps = new Set([APP.platform, APP.backup]);
  if (!heavy) return;
  const seats = rng.int(5, 120);
  t.items.set(itemKey('pw_base_m365_seats', null), enabled(at));
  t.items.set(itemKey('pw_base_m365_mailboxes', null), enabled(at));
  t.items.set(itemKey('pw_base_m365_onedrive', null), enabled(at));
  t.items.set(itemKey('pw_base_m365_sharepoint_sites', null), enabled(at));
  setUsage(t, 'pw_base_m365_seats', null, seats);
  setUsage(t, 'pw_base_m365_sharepoint_sites', null, rng.int(0, 12));
  if (rng.chance(0.5)) {
    t.items.set(itemKey('pw_pack_adv_security', null), enabled(at));
    setUsage(t, 'pw_pack_adv_security', null, workstations + servers);
  }
  if (rng.chance(0.3)) {
    t.items.set(itemKey('pw_pack_adv_email_security', null), enabled(at));
    setUsage(t, 'pw_pack_adv_email_security', null, seats);
  }
  if (rng.chance(0.2) && storageInfra === b.acronisInfra) {
    t.items.set(itemKey('pw_base_dr_base', b.acronisInfra), enabled(at));
    t.items.set(itemKey('pw_base_adv_dr_storage', b.acronisInfra), enabled(at));
    t.items.set(itemKey('pw_base_adv_dr_compute_points', b.acronisInfra), enabled(at));
    setUsage(t, 'pw_base_adv_dr_storage', b.acronisInfra, rng.int(50, 900) * GB);
    setUsage(t, 'pw_base_adv_dr_compute_points', b.acronisInfra, rng.int(0, 200) * 3600);
  }
}

export function user(b: Builder, t: TenantRecord, login: string, c: Contact, role: string, at: number, activated: boolean): UserRecord {
  const u = b.state.addUser({
    id: b.rng.uuid(), version: 1, tenant_id: t.id, login, contact: c, activated, enabled: true, terms_accepted: activated,
    created_at: at, updated_at: at, deleted_at: null, language: t.language, idp_id: '11111111-1111-1111-1111-111111111111',
    external_id: null, personal_tenant_id: t.kind === 'customer' ? b.rng.uuid() : null, business_types: [],
    notifications: ['quota', 'reports', 'backup_error', 'backup_warning', 'backup_daily_report', 'backup_critical', 'maintenance'],
    mfa_status: 'disabled', passwordHash: null, policies: [],
  });
  u.policies = [{ id: b.rng.uuid(), issuer_id: ZERO_UUID, role_id: role, tenant_id: t.id, trustee_id: u.id, trustee_type: 'user', version: 1 }];
  return u;
}

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 24);

function alertDetails(rng: Rng, type: string, resourceName: string, atSec: number): Record<string, unknown> {
  const planId = rng.uuid().toUpperCase();
  const resourceId = rng.uuid().toUpperCase();
  const planName = rng.pick(['Daily workstation backup', 'Server nightly', 'Entire machine to cloud', 'M365 mailboxes']);
  switch (type) {
    case 'NoBackupForXDays':
      return { resourceId, resourceName, planId, planName, daysPassed: rng.int(2, 9) };
    case 'MalwareDetected':
      return { resourceId, resourceName, planId, planName: 'Protection plan', threatName: rng.pick(['Trojan.GenericKD.4711', 'Ransom.WannaCry', 'PUA.CoinMiner']), filePath: 'C:\\Users\\Public\\Downloads\\invoice.pdf.exe', action: 'quarantined' };
    case 'EDRIncidentDetected':
      return { resourceId, resourceName, incidentId: rng.uuid(), severity: 'high', verdict: 'suspicious', title: 'Suspicious PowerShell execution' };
    default:
      return {
        activityId: rng.uuid().toUpperCase(), planId, planName, resourceId, resourceName,
        startTime: atSec - rng.int(300, 3600), finishTime: atSec,
        ...(type === 'BackupFailed' ? { errorMessage: rng.pick(['The backup location is not accessible.', 'VSS snapshot failed.', 'Not enough space in the backup location.']) } : {}),
      };
  }
}

function seedAlerts(b: Builder, customers: TenantRecord[], count: number): void {
  const { rng, state } = b;
  const types = ['BackupFailed', 'BackupFailed', 'NoBackupForXDays', 'BackupCanceled', 'BackupDidNotStart', 'MalwareDetected', 'EDRIncidentDetected'];
  // Strictly increasing nanosecond stamps in the week before the epoch.
  let ns = BigInt(DATASET_EPOCH_MS - 7 * DAY) * 1_000_000n;
  for (let i = 0; i < count; i++) {
    const t = rng.pick(customers);
    const type = rng.pick(types);
    const def = alertTypesById.get(type);
    ns += BigInt(rng.int(60, 3 * 3600)) * 1_000_000_000n + BigInt(rng.int(0, 999_999_999));
    const resourceName = `${slug(t.name).toUpperCase().slice(0, 10)}-${rng.pick(['PC', 'SRV', 'LT'])}${rng.int(1, 40)}`;
    state.addAlert({
      id: rng.uuid().toUpperCase(),
      type,
      category: def?.category ?? 'Backup',
      severity: def?.severity ?? 'warning',
      tenantId: t.id,
      createdNs: (ns / 1_000_000_000n) * 1_000_000_000n,
      receivedNs: ns,
      updatedNs: ns,
      deletedNs: null,
      details: alertDetails(rng, type, resourceName, Number(ns / 1_000_000_000n)),
    });
  }
  // A couple already dismissed, as a live system would have.
  for (const a of state.alertsByUpdated.slice(0, 2)) {
    ns += 1_000_000_000n;
    state.dismissAlert(a, ns);
  }
}

function demo(b: Builder): void {
  b.rng = createRng('acronis/demo');
  const { rng, state, info } = b;
  const partner = state.tenants.get(info.partnerId) as TenantRecord;
  const at0 = DATASET_EPOCH_MS - 400 * DAY;
  user(b, partner, 'northwind_admin', contact(rng, 'northwind-msp.example', at0, { firstname: 'Nora', lastname: 'Lindqvist', email: 'nora@northwind-msp.example' }), 'partner_admin', at0, true);

  const customers: TenantRecord[] = [];
  const addCustomer = (parent: TenantRecord, [name, domain, industry]: [string, string, string], i: number) => {
    const r = b.rng;
    const at = at0 + (i + 1) * 9 * DAY + r.int(0, DAY);
    const t = tenant(b, {
      name, kind: 'customer', parent_id: parent.id, createdAt: at, brand_id: 12,
      contact: contact(r, domain, at, { industry }),
      customer_id: DEMO_OSA_ACCOUNT_IDS[name] !== undefined ? `osa_account_id=${DEMO_OSA_ACCOUNT_IDS[name]}` : i % 3 !== 2 ? `NW-${1000 + i}` : null,
      internal_tag: i % 5 === 0 ? `crm:${r.int(10000, 99999)}` : null,
      language: i % 7 === 3 ? 'de' : i % 11 === 4 ? 'fr' : 'en',
      pricing_mode: i >= 25 ? 'trial' : 'production',
      production_start_date: i >= 25 ? null : new Date(at + 30 * DAY).toISOString().slice(0, 19),
      // One customer manages itself: the partner has no ancestral access.
      ancestral_access: name !== 'Trey Research',
    });
    provisionCustomer(b, t, at + DAY, i % 2 === 0, i % 6 === 5 ? b.partnerInfra : b.acronisInfra);
    // Later edits, so updated_since has something to find.
    if (i % 4 === 1) {
      t.version = 2;
      t.updated_at = at + 60 * DAY;
    }
    if (r.chance(0.7)) {
      const c = contact(r, domain, at);
      user(b, t, `${slug(name)}_admin`, { ...c, types: [] }, 'company_admin', at, r.chance(0.8));
    }
    customers.push(t);
    return t;
  };
  DEMO_CUSTOMERS.forEach((c, i) => addCustomer(partner, c, i));
  const folder = tenant(b, { name: 'Harbor IT (reseller)', kind: 'folder', parent_id: partner.id, createdAt: at0 + 200 * DAY, brand_id: 12 });
  for (const inst of state.itemInstances(folder)) folder.items.set(inst.key, enabled(at0 + 200 * DAY));
  FOLDER_CUSTOMERS.forEach((c, i) => addCustomer(folder, c, DEMO_CUSTOMERS.length + i));
  // A customer the partner switched off but has not deleted yet.
  const disabled = customers.find((c) => c.name === 'Southridge Video') as TenantRecord;
  disabled.enabled = false;
  disabled.version = 3;
  disabled.updated_at = DATASET_EPOCH_MS - 3 * DAY;
  seedAlerts(b, customers.filter((c) => c.enabled), 24);
}

function large(b: Builder, customerCount: number): void {
  b.rng = createRng('acronis/large');
  const { rng, state, info } = b;
  const partner = state.tenants.get(info.partnerId) as TenantRecord;
  const words = ['Alpha', 'Birch', 'Cobalt', 'Delta', 'Ember', 'Fjord', 'Granite', 'Harbor', 'Indigo', 'Juniper', 'Kestrel', 'Lumen'];
  const suffixes = ['GmbH', 'Ltd', 'BV', 'SARL', 'AG', 'LLC', 'Group', 'Partners'];
  const customers: TenantRecord[] = [];
  for (let i = 0; i < customerCount; i++) {
    const at = DATASET_EPOCH_MS - 700 * DAY + i * 5_000_000;
    const name = `${rng.pick(words)} ${rng.pick(words)} ${rng.pick(suffixes)} ${String(i + 1).padStart(5, '0')}`;
    const domain = `c${i + 1}.example`;
    const t = tenant(b, {
      name, kind: 'customer', parent_id: partner.id, createdAt: at, brand_id: 12,
      customer_id: i % 5 === 0 ? `osa_account_id=${LARGE_OSA_BASE + i}` : `LG-${100000 + i}`,
      contact: contact(rng, domain, at),
      updated_at: at + (i % 10 === 0 ? 400 * DAY : 0),
    });
    provisionCustomer(b, t, at, i % 5 === 0, i % 9 === 0 ? b.partnerInfra : b.acronisInfra);
    customers.push(t);
  }
  seedAlerts(b, customers, 500);
}

export const LARGE_CUSTOMERS = LARGE_DATASET_SIZE;

/** `size`: customers of the `large` dataset (default 10,000). */
export function buildDataset(dataset: DatasetName, size: number = LARGE_CUSTOMERS): AcronisState {
  const b = skeleton();
  if (dataset === 'demo') demo(b);
  else if (dataset === 'large') large(b, size);
  else if (dataset === 'distributor') distributor(b);
  return b.state;
}
