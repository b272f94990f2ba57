// Deterministic datasets. Every one has the credentials (API member "psabridge" with one API key and
// one registered clientId), members, company statuses and types, agreement types, product
// categories/subcategories/types, two service boards ("Professional Services", "Help Desk") with
// types, subtypes and statuses, priorities, the "Acronis PAYG" checkbox custom field on agreement
// additions, and the owner company. `empty` stops there. `demo`: the Acronis catalog, 36 companies
// in several statuses and types with contacts, "Managed Backup" agreements with prepaid and
// pay-as-you-go additions, and tickets with notes. `large`: demo plus 10,000 companies, each with a
// contact and an agreement of three additions (every 4th PAYG), stored sparse.
import { createRng } from '../kit/prng.ts';
import { LARGE_DATASET_SIZE, type DatasetName } from '../kit/types.ts';
import type { ResourceKey } from './model.ts';
import { CwState, Table, type Row } from './state.ts';

const TABLES: [ResourceKey, number, string?][] = [
  ['members', 100], ['companyStatuses', 1], ['companyTypes', 1], ['companies', 250], ['contacts', 1000],
  ['agreementTypes', 1], ['agreements', 70], ['additions', 500, 'agreementId'], ['catalog', 30],
  ['productCategories', 1], ['productSubcategories', 1], ['productTypes', 1], ['boards', 1],
  ['boardTypes', 10, 'boardId'], ['boardSubtypes', 40, 'boardId'], ['boardStatuses', 100, 'boardId'], ['priorities', 1],
  ['tickets', 3000], ['notes', 9000, 'ticketId'], ['callbacks', 1],
];

export const PAYG_FIELD_ID = 7;
export const PAYG_CAPTION = 'Acronis PAYG';
export const API_MEMBER = 'psabridge';
export const TECHNICIAN = 'jsmith';

/** [identifier, description, price, cost, subcategory] — names as the seed's agreement screenshot shows them. */
export const ACRONIS_PRODUCTS: [string, string, number, number, number][] = [
  ['AcronisPhysicalWorkstations', 'Acronis Cyber Protect - Workstations', 4.5, 2.1, 1],
  ['AcronisServers', 'Acronis Cyber Protect - Servers', 22, 11, 1],
  ['AcronisVirtualMachines', 'Acronis Cyber Protect - Virtual machines', 14, 7, 1],
  ['AcronisWebHostingServers', 'Acronis Cyber Protect - Web hosting servers', 18, 9, 1],
  ['AcronisM365Seats', 'Acronis Cyber Protect - Microsoft 365 seats', 2.5, 1.1, 3],
  ['AcronisM365Mailboxes', 'Acronis Cyber Protect - Microsoft 365 mailboxes', 1.5, 0.7, 3],
  ['AcronisOneDrive', 'Acronis Cyber Protect - Microsoft OneDrive', 1.2, 0.5, 3],
  ['AcronisGoogleWorkspace', 'Acronis Cyber Protect - Google Workspace seats', 2.4, 1, 1],
  ['AcronisMobileDevices', 'Acronis Cyber Protect - Mobile devices', 1, 0.4, 1],
  ['AcronisWebsites', 'Acronis Cyber Protect - Websites', 3, 1.4, 1],
  ['AcronisStorageQuota', 'Acronis Cyber Protect - Acronis Hosted storage (GB)', 0.05, 0.02, 1],
  ['AcronisAdvancedSecurity', 'Acronis Advanced Security - Workstations', 2, 0.9, 2],
];

const NAMES_A = ['Green', 'Contoso', 'Fabrikam', 'Northwind', 'Tailspin', 'Adventure', 'Litware', 'Proseware', 'Wingtip', 'Woodgrove', 'Coho', 'Alpine', 'Blue Yonder', 'Lucerne', 'Margie', 'Trey', 'Humongous', 'Wide World', 'Graphic', 'Fourth', 'Southridge', 'Indigo'];
const NAMES_B = ['Torch', 'Vision', 'Traders', 'Industries', 'Dental', 'Legal', 'Logistics', 'Bakery', 'Engineering', 'Clinic', 'Architects', 'Accounting', 'Motors', 'Foods'];
const SUFFIX = ['Inc.', 'Co.', 'LLC', 'Ltd'];
const FIRST = ['Anna', 'Ben', 'Chloe', 'David', 'Emma', 'Farid', 'Grace', 'Hugo', 'Iris', 'Jonas', 'Kira', 'Liam', 'Maya', 'Noah', 'Olga', 'Pavel'];
const LAST = ['Schmidt', 'Novak', 'Garcia', 'Smith', 'Dubois', 'Rossi', 'Jensen', 'Kowalski', 'Silva', 'Tanaka', 'Murphy', 'Berg'];
const CITIES: [string, string, string][] = [['Tampa', 'FL', '33602'], ['Boston', 'MA', '02110'], ['Denver', 'CO', '80202'], ['Austin', 'TX', '73301'], ['Seattle', 'WA', '98101']];
const ALERTS = ['Backup failed', 'Backup did not start', 'Quota exceeded', 'Quota reached', 'Backup is missing', 'Agent is outdated', 'Backup is corrupted', 'No access to your account'];

class Seeder {
  constructor(
    readonly state: CwState,
    readonly at: number,
  ) {}

  put(key: ResourceKey, fields: Record<string, unknown>, at = this.at, by = 'admin1'): Row {
    const t = this.state.table(key);
    const id = typeof fields.id === 'number' ? fields.id : t.newId();
    return t.insert({ ...fields, id, _lastUpdated: at, _updatedBy: by, _dateEntered: at, _enteredBy: by });
  }
}

function base(nowMs: number): Seeder {
  const state = new CwState();
  for (const [key, first, parent] of TABLES) state.tables.set(key, new Table(first, parent));
  // Credentials do not depend on the dataset, so they survive a re-seed.
  const rng = createRng('connectwise/credentials');
  state.info.companyId = 'emulator_msp';
  state.info.companyName = 'Emulator MSP';
  const publicKey = rng.hex(16);
  const privateKey = rng.hex(16);
  const clientId = rng.uuid();
  state.clientIds.add(clientId.toLowerCase());
  const keyId = rng.hex(12);
  state.signingKeys.set(keyId, rng.hex(32));
  state.currentKeyId = keyId;
  // Seeded rows were last changed a day before the emulator started.
  const s = new Seeder(state, Math.floor(nowMs / 1000) * 1000 - 86_400_000);

  s.put('members', { identifier: 'admin1', firstName: 'Admin', lastName: 'One', emailAddress: 'admin1@emulator-msp.example', licenseClass: 'F' });
  const api = s.put('members', { identifier: API_MEMBER, firstName: 'PSA', lastName: 'Bridge', emailAddress: 'psabridge@emulator-msp.example', licenseClass: 'A' });
  s.put('members', { identifier: TECHNICIAN, firstName: 'John', lastName: 'Smith', emailAddress: 'jsmith@emulator-msp.example', licenseClass: 'F' });
  s.put('members', { identifier: 'dmiller', firstName: 'Dana', lastName: 'Miller', emailAddress: 'dmiller@emulator-msp.example', licenseClass: 'F' });
  state.apiKeys.set(publicKey, { privateKey, memberId: api.id });

  for (const [name, extra] of [['Active', { defaultFlag: true }], ['Inactive', { inactiveFlag: true }], ['Not-Approved', {}], ['Credit Hold', { notifyFlag: true, notificationMessage: 'Company is on credit hold.' }], ['Imported', {}]] as const) {
    s.put('companyStatuses', { name, ...extra });
  }
  for (const [name, extra] of [['Client', { defaultFlag: true }], ['Prospect', {}], ['Partner', {}], ['Vendor', { vendorFlag: true }], ['Competitor', {}], ['Owner', {}]] as const) {
    s.put('companyTypes', { name, ...extra });
  }
  for (const [name, extra] of [['Managed Backup', { defaultFlag: true }], ['Managed Services', {}], ['Block Time', { prePaymentFlag: true }]] as const) s.put('agreementTypes', { name, ...extra });
  for (const name of ['Cloud Services', 'Hardware']) s.put('productCategories', { name });
  for (const [name, category] of [['Backup', 1], ['Security', 1], ['Microsoft 365', 1], ['Servers', 2]] as const) s.put('productSubcategories', { name, category });
  for (const [name, extra] of [['Service', { defaultFlag: true }], ['Non-Inventory', {}], ['Inventory', {}]] as const) s.put('productTypes', { name, ...extra });

  for (const [name, dept] of [['Professional Services', 'Professional Services'], ['Help Desk', 'Service']] as const) {
    const board = s.put('boards', { name, location: { id: 2, name: 'Tampa Office' }, department: { id: 10, name: dept } });
    const types = ['Break-fix', 'Maintenance', 'Request'].map((n, i) => s.put('boardTypes', { name: n, boardId: board.id, category: i === 1 ? 'Proactive' : 'Reactive', defaultFlag: i === 0 }));
    const [breakfix, maintenance] = types as [Row, Row];
    s.put('boardSubtypes', { name: 'Common subtype', boardId: board.id, typeAssociationIds: [] });
    s.put('boardSubtypes', { name: 'Break-fix subtype', boardId: board.id, typeAssociationIds: [breakfix.id] });
    s.put('boardSubtypes', { name: 'Backup', boardId: board.id, typeAssociationIds: [breakfix.id, maintenance.id] });
    s.put('boardSubtypes', { name: 'Quota', boardId: board.id, typeAssociationIds: [breakfix.id] });
    const statuses: [string, Record<string, unknown>][] = [
      ['New (not responded)', { defaultFlag: true }], ['New', {}], ['In Progress', {}], ['Waiting Customer', {}], ['Completed', { closedStatus: true }], ['>Closed', { closedStatus: true, displayOnBoard: false }],
    ];
    statuses.forEach(([n, extra], i) => s.put('boardStatuses', { name: n, boardId: board.id, sortOrder: i, ...extra }));
  }
  const priorities: [string, string, string, boolean][] = [
    ['Priority 1 - Emergency Response', 'Red', 'Priority 1', false], ['Priority 2 - Quick Response', 'Orange', 'Priority 2', false],
    ['Priority 3 - Normal Response', 'Yellow', 'Priority 3', true], ['Priority 4 - Schedule Maintenance', 'Green', 'Priority 4', false], ['Do Not Respond', 'White', 'Priority 5', false],
  ];
  priorities.forEach(([name, color, level, def], i) => s.put('priorities', { name, color, level, sortOrder: i + 1, defaultFlag: def }));
  state.customFields.set('additions', [{ id: PAYG_FIELD_ID, caption: PAYG_CAPTION, type: 'Checkbox', entryMethod: 'EntryField', numberOfDecimals: 0 }]);

  const owner = s.put('companies', { id: 2, identifier: 'EmulatorMSP', name: 'Emulator MSP', status: 1, types: [6], addressLine1: '1 Harbour Place', city: 'Tampa', state: 'FL', zip: '33602', phoneNumber: '813-555-0100', website: 'https://emulator-msp.example' });
  const ownerContact = s.put('contacts', { firstName: 'Admin', lastName: 'One', company: owner.id, defaultFlag: true, communicationItems: [email('admin1@emulator-msp.example')] });
  owner.defaultContact = ownerContact.id;
  return s;
}

function email(value: string): Record<string, unknown> {
  return { type: { id: 1, name: 'Email' }, value, defaultFlag: true, communicationType: 'Email' };
}

function catalog(s: Seeder): Row[] {
  const rows = ACRONIS_PRODUCTS.map(([identifier, description, price, cost, sub]) =>
    s.put('catalog', { identifier, description, customerDescription: description, category: 1, subcategory: sub, type: 1, productClass: 'Service', price, cost, recurringFlag: true, recurringRevenue: price, recurringCost: cost, manufacturerPartNumber: identifier.toUpperCase() }),
  );
  s.put('catalog', { identifier: 'RMM-Agent', description: 'RMM agent per endpoint', customerDescription: 'Remote monitoring', category: 1, subcategory: 2, type: 1, productClass: 'Service', price: 3, cost: 1, recurringFlag: true });
  s.put('catalog', { identifier: 'LegacyTapeBackup', description: 'Tape backup (retired)', customerDescription: 'Tape backup', category: 1, subcategory: 1, type: 1, productClass: 'Service', price: 10, cost: 6, inactiveFlag: true });
  s.put('catalog', { identifier: 'SRV-R250', description: 'Rack server R250', customerDescription: 'Rack server', category: 2, subcategory: 4, type: 3, productClass: 'Inventory', price: 2400, cost: 1900 });
  return rows;
}

const yearStart = (nowMs: number) => Date.UTC(new Date(nowMs).getUTCFullYear(), 0, 1);
const yearEnd = (nowMs: number, plus: number) => Date.UTC(new Date(nowMs).getUTCFullYear() + plus, 11, 31);

function demo(s: Seeder, nowMs: number): void {
  const products = catalog(s);
  const rng = createRng('connectwise/demo');
  const ids: number[] = [];
  for (let i = 0; i < 36; i++) {
    const name = `${NAMES_A[i % NAMES_A.length]} ${NAMES_B[(i * 5) % NAMES_B.length]}, ${SUFFIX[i % SUFFIX.length]}`;
    const identifier = name.replace(/[^A-Za-z]/g, '').slice(0, 22) + (i >= NAMES_A.length ? String(i) : '');
    const [city, st, zip] = CITIES[i % CITIES.length] as [string, string, string];
    // Mostly active clients; some prospects, a partner, inactive, credit-hold and not-approved ones.
    const status = i % 12 === 5 ? 2 : i % 12 === 7 ? 4 : i % 17 === 9 ? 3 : 1;
    const types = i % 9 === 8 ? [2] : i === 13 ? [1, 3] : [1];
    const at = s.at - (36 - i) * 60_000;
    const company = s.put('companies', {
      identifier, name, status, types, addressLine1: `${10 + i} Main Street`, city, state: st, zip, country: { id: 1, name: 'United States' },
      phoneNumber: `555-01${String(i).padStart(2, '0')}`, website: `https://${identifier.toLowerCase()}.example`, dateAcquired: yearStart(nowMs),
    }, at);
    ids.push(company.id);
    const contacts = 1 + (i % 3);
    for (let c = 0; c < contacts; c++) {
      const first = FIRST[(i + c * 3) % FIRST.length] as string;
      const last = LAST[(i * 2 + c) % LAST.length] as string;
      const contact = s.put('contacts', {
        firstName: first, lastName: last, company: company.id, title: c === 0 ? 'IT Manager' : 'Office Manager', defaultFlag: c === 0,
        communicationItems: [email(`${first}.${last}@${identifier.toLowerCase()}.example`.toLowerCase()), { type: { id: 2, name: 'Direct' }, value: `555-02${String(i).padStart(2, '0')}`, defaultFlag: true, communicationType: 'Phone' }],
      }, at);
      if (c === 0) company.defaultContact = contact.id;
    }
    if (types.includes(2) || status === 3) continue;
    // A managed-backup agreement with prepaid and PAYG additions; every 7th cancelled, one expired.
    const cancelled = i % 7 === 6;
    const expired = i === 10;
    const agreement = s.put('agreements', {
      name: `Acronis Cyber Protect - ${name}`, type: 1, company: company.id, contact: company.defaultContact, startDate: yearStart(nowMs) - (expired ? 2 * 365 * 86_400_000 : 0),
      endDate: expired ? yearStart(nowMs) - 86_400_000 : yearEnd(nowMs, 1), noEndingDateFlag: i % 5 === 0 && !expired, cancelledFlag: cancelled,
      ...(cancelled ? { dateCancelled: s.at - 7 * 86_400_000, reasonCancelled: 'Customer left' } : {}), billAmount: 0, applicationUnits: 'Amount', periodType: 'Current', invoiceDescription: 'Acronis Cyber Protect services',
    }, at);
    const lines = 2 + (i % 3);
    let seq = 1;
    for (let l = 0; l < lines; l++) {
      const product = products[(i + l * 4) % products.length] as Row;
      const payg = (i + l) % 3 === 0;
      const quantity = payg ? 0 : product.identifier === 'AcronisStorageQuota' ? 500 + rng.int(0, 10) * 100 : rng.int(1, 25);
      s.put('additions', {
        agreementId: agreement.id, product: product.id, quantity, lessIncluded: 0, unitPrice: product.price, unitCost: product.cost, billCustomer: 'Billable',
        effectiveDate: yearStart(nowMs), description: product.description, invoiceDescription: product.customerDescription, sequenceNumber: seq++, taxableFlag: false,
        customFields: [{ id: PAYG_FIELD_ID, value: payg }],
      }, at);
    }
    // Prepaid and PAYG combined under one product (seed §9 rule 5) on every 4th agreement.
    if (i % 4 === 1) {
      const product = products[0] as Row;
      s.put('additions', { agreementId: agreement.id, product: product.id, quantity: 0, unitPrice: product.price, unitCost: product.cost, billCustomer: 'Billable', effectiveDate: yearStart(nowMs), description: product.description, sequenceNumber: seq++, customFields: [{ id: PAYG_FIELD_ID, value: true }] }, at);
    }
  }
  // Tickets raised from alerts on the Professional Services board, some closed, with notes.
  for (let t = 0; t < 12; t++) {
    const companyId = ids[(t * 5) % ids.length] as number;
    const company = s.state.table('companies').rows.get(companyId) as Row;
    const closed = t % 4 === 3;
    const board = t % 6 === 5 ? 2 : 1;
    const statuses = [...s.state.table('boardStatuses').children(board)];
    const types = [...s.state.table('boardTypes').children(board)];
    const subtypes = [...s.state.table('boardSubtypes').children(board)];
    const at = s.at - (12 - t) * 3_600_000;
    const status = (closed ? statuses[4] : statuses[t % 3]) as Row;
    const alert = ALERTS[t % ALERTS.length] as string;
    const ticket = s.put('tickets', {
      summary: `${alert}: ${String(company.name)}`, recordType: 'ServiceTicket', board, status: status.id, company: companyId, contact: company.defaultContact,
      type: (types[0] as Row).id, subType: (subtypes[alert.startsWith('Quota') ? 3 : 1] as Row).id, priority: 2, severity: 'Medium', impact: 'Medium',
      initialDescription: `Acronis alert "${alert}" for ${String(company.name)}`, externalXRef: `acronis-alert-${1000 + t}`,
      ...(closed ? { closedDate: at + 1_800_000, closedBy: TECHNICIAN } : {}),
    }, at, API_MEMBER);
    s.put('notes', { ticketId: ticket.id, text: `Alert details: ${alert}.`, detailDescriptionFlag: true, member: 101 }, at, API_MEMBER);
    if (closed) s.put('notes', { ticketId: ticket.id, text: 'Resolved by re-running the backup.', resolutionFlag: true, member: 102 }, at + 1_800_000, TECHNICIAN);
  }
}

function large(s: Seeder, nowMs: number, size: number): void {
  const products = s.state.table('catalog');
  const [workstations, servers, storage] = ['AcronisPhysicalWorkstations', 'AcronisServers', 'AcronisStorageQuota'].map((id) => [...products.rows.values()].find((p) => p.identifier === id) as Row) as [Row, Row, Row];
  const start = yearStart(nowMs);
  const end = yearEnd(nowMs, 1);
  for (let i = 1; i <= size; i++) {
    const n = String(i).padStart(5, '0');
    const company = s.put('companies', { identifier: `Cust${n}`, name: `Customer ${n} ${SUFFIX[i % SUFFIX.length]}`, status: i % 50 === 0 ? 2 : 1, types: [1], city: (CITIES[i % CITIES.length] as [string, string, string])[0] });
    const contact = s.put('contacts', { firstName: FIRST[i % FIRST.length], lastName: LAST[i % LAST.length], company: company.id, defaultFlag: true, communicationItems: [email(`it@cust${n}.example`)] });
    company.defaultContact = contact.id;
    const agreement = s.put('agreements', { name: `Acronis Cyber Protect - Cust${n}`, type: 1, company: company.id, contact: contact.id, startDate: start, endDate: end });
    const payg = i % 4 === 0;
    let seq = 1;
    for (const [product, quantity] of [[workstations, 5 + (i % 20)], [servers, 1 + (i % 3)], [storage, 250 + (i % 8) * 50]] as [Row, number][]) {
      s.put('additions', { agreementId: agreement.id, product: product.id, quantity: payg ? 0 : quantity, unitPrice: product.price, unitCost: product.cost, billCustomer: 'Billable', effectiveDate: start, sequenceNumber: seq++, ...(payg ? { customFields: [{ id: PAYG_FIELD_ID, value: true }] } : {}) });
    }
  }
}

/** `size`: companies the `large` dataset adds to `demo` (default 10,000). */
export function buildDataset(dataset: DatasetName, nowMs: number, size: number = LARGE_DATASET_SIZE): CwState {
  const s = base(nowMs);
  if (dataset === 'demo' || dataset === 'large') demo(s, nowMs);
  if (dataset === 'large') large(s, nowMs, size);
  return s.state;
}
