// Deterministic datasets. Every one has the API key (the same in all datasets and after a re-seed,
// like the other emulators' credentials), the reported version and the lookups; `empty` stops there.
// `demo`: three dozen customers of an MSP, most named as the Acronis emulator's demo tenants so
// manual mapping has pairs, some linked to CMP (Ingram Cloud Marketplace) with the numeric ids the
// Acronis demo tenants would carry as `osa_account_id=<n>` (README.md lists the pairs), some inactive,
// and a few tickets with notes. `large`: 10,000 customers (every 5th linked to CMP) and 1,000 tickets,
// built from arrays by index so seeding stays fast and small.
import { createRng, type Rng } from '../kit/prng.ts';
import { LARGE_DATASET_SIZE, type DatasetName } from '../kit/types.ts';
import { CloudBlueState, type Customer, type ExternalLink, type PrimaryContact } from './state.ts';

/** 2025-06-01T00:00:00Z, as in the Acronis datasets: seeded times sit before it. */
export const DATASET_EPOCH_MS = Date.UTC(2025, 5, 1);
const DAY = 86_400_000;
export const API_USER = 'Acronis Integration';
export const TECHNICIAN = 'Tom Technician';
export const LARGE_CUSTOMERS = LARGE_DATASET_SIZE;
export const LARGE_TICKETS = 1_000;
/** CMP ids of the large dataset: customer i (0-based) with i % 5 === 0 is linked as LARGE_CMP_BASE + i. */
export const LARGE_CMP_BASE = 1_200_000_000;

const FIRST = ['Anna', 'Ben', 'Carla', 'David', 'Elena', 'Felix', 'Grace', 'Hugo', 'Iris', 'Jonas', 'Kira', 'Liam', 'Maya', 'Noah', 'Olga', 'Paul'];
const LAST = ['Schmidt', 'Meyer', 'Novak', 'Rossi', 'Jansen', 'Dubois', 'Kowalski', 'Berg', 'Lindqvist', 'Moreau', 'Fischer', 'Hughes'];
const CITIES: ReadonlyArray<[string, string]> = [['Berlin', 'DE'], ['Munich', 'DE'], ['Vienna', 'AT'], ['Zurich', 'CH'], ['Amsterdam', 'NL'], ['Lyon', 'FR'], ['Manchester', 'GB'], ['Dublin', 'IE']];

type Status = 'Active' | 'Inactive' | 'Prospect' | 'No Relationship';
interface DemoCustomer {
  name: string;
  status: Status;
  cmp?: { id: string; name?: string };
  xero?: string;
  /** 'none': no primary contact; 'no-email': a primary contact without an e-mail address. */
  contact?: 'none' | 'no-email';
}

/**
 * CMP ids shared with the Acronis demo tenants (whose Custom ID should read `osa_account_id=<id>`).
 * The Acronis emulator does not carry them yet: see README.md "Matching with the Acronis demo".
 */
export const DEMO_CMP_PAIRS: ReadonlyArray<{ acronisTenant: string; cmpId: string; cloudBlueCustomer: string }> = [
  { acronisTenant: 'Tailspin Travel', cmpId: '1100244801', cloudBlueCustomer: 'Tailspin Travel' },
  { acronisTenant: 'Wingtip Toys', cmpId: '1100244802', cloudBlueCustomer: 'Wingtip Toys' },
  { acronisTenant: 'Coho Winery', cmpId: '1100244803', cloudBlueCustomer: 'Coho Winery Ltd.' },
  { acronisTenant: 'Fourth Coffee', cmpId: '1100244804', cloudBlueCustomer: 'Fourth Coffee' },
  { acronisTenant: 'Margie Travel', cmpId: '1100244805', cloudBlueCustomer: 'Margie Travel' },
  { acronisTenant: 'Southridge Video', cmpId: '1100244806', cloudBlueCustomer: 'Southridge Video' },
  { acronisTenant: 'Woodgrove Bank Branch 12', cmpId: '1100244807', cloudBlueCustomer: 'Woodgrove Bank Branch 12' },
  { acronisTenant: 'Quayside Bakery', cmpId: '1100244808', cloudBlueCustomer: 'Quayside Bakery' },
];
/** An Acronis demo tenant that should carry an osa_account_id no CloudBlue customer has. */
export const DEMO_ACRONIS_ONLY_CMP = { acronisTenant: 'Nod Publishers', cmpId: '1100244899' };

const cmpOf = (name: string) => {
  const pair = DEMO_CMP_PAIRS.find((p) => p.cloudBlueCustomer === name);
  return pair ? { id: pair.cmpId, name: pair.acronisTenant } : undefined;
};
const pairCustomer = (name: string, status: Status = 'Active', extra: Partial<DemoCustomer> = {}): DemoCustomer => ({ name, status, cmp: cmpOf(name), ...extra });

const DEMO_CUSTOMERS: DemoCustomer[] = [
  { name: 'Contoso Dental Group', status: 'Active', xero: 'XC-4F1A-0001' },
  { name: 'Fabrikam Logistics', status: 'Active', xero: 'XC-4F1A-0002' },
  pairCustomer('Tailspin Travel'),
  { name: 'Litware Legal LLP', status: 'Active' },
  { name: 'Adatum Architects', status: 'Active' },
  pairCustomer('Wingtip Toys', 'Active', { xero: 'XC-4F1A-0006' }),
  { name: 'Proseware Accounting', status: 'Active' },
  { name: 'Lucerne Publishing', status: 'Inactive' },
  pairCustomer('Coho Winery Ltd.'),
  { name: 'Alpine Ski House', status: 'Active' },
  { name: 'Blue Yonder Airlines', status: 'Active' },
  pairCustomer('Fourth Coffee'),
  { name: 'Graphic Design Institute', status: 'Prospect' },
  { name: 'Humongous Insurance', status: 'Active' },
  pairCustomer('Margie Travel', 'Inactive'),
  { name: 'Northwind Traders', status: 'Active' },
  { name: 'Relecloud Medical', status: 'Active' },
  pairCustomer('Southridge Video'),
  { name: 'Trey Research', status: 'Active' },
  { name: 'VanArsdel Ltd', status: 'Active' },
  pairCustomer('Woodgrove Bank Branch 12'),
  { name: 'City Power & Light', status: 'No Relationship' },
  { name: 'Consolidated Messenger', status: 'Active' },
  pairCustomer('Quayside Bakery'),
  { name: 'Harbor Dental Clinic', status: 'Active' },
  // From the seed's "Linked Customers" screen: linked to CMP, no Acronis tenant (yet).
  { name: 'Wilbur', status: 'Active', cmp: { id: '1100244869' } },
  { name: 'Smart Fabrics', status: 'Active', cmp: { id: '1100244870' } },
  { name: 'Bobs Fine Shoes', status: 'Active', cmp: { id: '1100244871' } },
  { name: 'Konopelski', status: 'Prospect', cmp: { id: '1100244872' }, contact: 'no-email' },
  { name: 'Test Customer', status: 'Inactive', cmp: { id: '1100244873' } },
  { name: 'DE Telecom Gmbh', status: 'No Relationship', contact: 'none' },
  // An old record of a re-created customer still linked to the same CMP account: the wizard must
  // not propose two customers for one tenant.
  { name: 'Tailspin Travel (old account)', status: 'Inactive', cmp: { id: '1100244801', name: 'Tailspin Travel' } },
  { name: 'Pinewood Dental Care', status: 'Prospect', contact: 'none' },
  { name: 'Redwood Accounting', status: 'Active', xero: 'XC-4F1A-0034' },
];

const slug = (name: string) => name.toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function base(): CloudBlueState {
  const state = new CloudBlueState();
  // The key comes from its own seed so it is the same in every dataset.
  const rng = createRng('cloudblue/api-key');
  const key = rng.hex(40);
  state.apiKeys.set(key, { key, name: 'Acronis integration', userName: API_USER, createdMs: DATASET_EPOCH_MS - 30 * DAY });
  state.primaryKey = key;
  return state;
}

function statusId(state: CloudBlueState, name: Status): number {
  return (state.lookups.customerStatuses.find((s) => s.Name === name) as { Id: number }).Id;
}

function demoContact(rng: Rng, domain: string, kind: DemoCustomer['contact']): PrimaryContact | null {
  if (kind === 'none') return null;
  const firstName = rng.pick(FIRST);
  const lastName = rng.pick(LAST);
  return {
    firstName, lastName,
    email: kind === 'no-email' ? null : `${firstName}.${lastName}@${domain}`.toLowerCase(),
    phone: `+49 30 ${rng.int(1000000, 9999999)}`,
  };
}

function demo(state: CloudBlueState): void {
  const rng = createRng('cloudblue/demo');
  const at0 = DATASET_EPOCH_MS - 400 * DAY;
  const customers: Customer[] = [];
  DEMO_CUSTOMERS.forEach((d, i) => {
    const domain = `${slug(d.name.replace(/\(.*\)/, ''))}.example`;
    const [city, country] = CITIES[i % CITIES.length] as [string, string];
    const external: ExternalLink[] = [];
    if (d.cmp) external.push({ system: 'CMP', externalId: d.cmp.id, externalName: d.cmp.name ?? d.name });
    if (d.xero) external.push({ system: 'Xero', externalId: d.xero, externalName: d.name });
    const created = at0 + i * 7 * DAY + rng.int(0, DAY);
    customers.push(state.addCustomer({
      name: d.name, statusId: statusId(state, d.status), contact: demoContact(rng, domain, d.contact),
      phone: `+49 30 ${rng.int(1000000, 9999999)}`, email: `office@${domain}`, website: `https://www.${domain}`, city, country, external,
      createdMs: created, modifiedMs: created + (i % 4 === 1 ? 90 * DAY : 0),
    }));
  });

  const L = state.lookups;
  const id = <T extends { Id: number; Name: string }>(list: T[], name: string, typeId?: number) =>
    (list.find((x) => x.Name === name && (typeId === undefined || (x as unknown as { TypeId: number }).TypeId === typeId)) as T).Id;
  const tickets: [customer: string, subject: string, type: string, category: string, team: string, status: string, ageDays: number, ext: string | null][] = [
    ['Contoso Dental Group', 'Printer on reception desk offline', 'Incident', 'Hardware', 'Service Desk', 'In Progress', 3, null],
    ['Tailspin Travel', 'Backup failed on TAILSPIN-SRV2', 'Incident A', 'TCB', 'Support', 'New', 1, null],
    ['Wingtip Toys', 'New employee account for the warehouse', 'Service Request', 'Access', 'Service Desk', 'Fixed', 12, null],
    ['Fourth Coffee', 'Backup is canceled on FOURTH-PC7', 'Incident A', 'Cat 3', 'Operations', 'Closed', 40, null],
    ['Northwind Traders', 'VPN drops every hour', 'Incident', 'Security', 'Network', 'Waiting for Customer', 6, null],
    ['Alpine Ski House', 'Quarterly restore test', 'Service Request', 'Software', 'Operations', 'Resolved', 20, null],
    ['Woodgrove Bank Branch 12', 'Disk usage above 90 % on file server', 'Monitoring Alert', 'Backup', 'Operations', 'New', 0, 'RMM-4411'],
    ['Humongous Insurance', 'Reporting tool crashes on export', 'Bug', 'User Interface', 'Support', 'Reopened', 9, null],
  ];
  for (const [customer, subject, type, category, team, status, age, ext] of tickets) {
    const c = customers.find((x) => x.name === customer) as Customer;
    const typeId = id(L.types, type);
    const created = DATASET_EPOCH_MS - age * DAY - rng.int(0, 8) * 3_600_000;
    const kind = L.statuses.find((s) => s.Name === status)?.Kind;
    const done = created + Math.ceil(age / 2) * DAY;
    const t = state.addTicket({
      subject, description: `${subject}. Reported by the customer's office.`, customerId: c.id, typeId, categoryId: id(L.categories, category, typeId),
      teamId: id(L.teams, team), statusId: id(L.statuses, status), priorityId: id(L.priorities, age === 0 ? 'High' : 'Medium'), externalReference: ext,
      createdBy: TECHNICIAN, createdMs: created, modifiedMs: kind === 'Open' ? created + DAY / 2 : done,
      resolvedMs: kind === 'Open' ? null : done, closedMs: kind === 'Closed' ? done : null,
    });
    state.addNote({ ticketId: t.id, text: 'Called the customer and collected the details.', isPublic: false, createdBy: TECHNICIAN, createdMs: created + 3_600_000 });
    if (kind !== 'Open') state.addNote({ ticketId: t.id, text: 'Done; the customer confirmed.', isPublic: true, createdBy: TECHNICIAN, createdMs: done });
  }
}

function large(state: CloudBlueState, size: number): void {
  const words = ['Alpha', 'Birch', 'Cobalt', 'Delta', 'Ember', 'Fjord', 'Granite', 'Harbor', 'Indigo', 'Juniper', 'Kestrel', 'Lumen'];
  const suffixes = ['GmbH', 'Ltd', 'BV', 'SARL', 'AG', 'LLC', 'Group', 'Partners'];
  const active = statusId(state, 'Active');
  const inactive = statusId(state, 'Inactive');
  const prospect = statusId(state, 'Prospect');
  const ids: number[] = [];
  for (let i = 0; i < size; i++) {
    const name = `${words[i % 12]} ${words[Math.floor(i / 12) % 12]} ${suffixes[i % 8]} ${String(i + 1).padStart(5, '0')}`;
    const [city, country] = CITIES[i % CITIES.length] as [string, string];
    const at = DATASET_EPOCH_MS - 700 * DAY + i * 5_000_000;
    const c = state.addCustomer({
      name, statusId: i % 10 === 9 ? inactive : i % 25 === 12 ? prospect : active,
      contact: { firstName: FIRST[i % FIRST.length] as string, lastName: LAST[i % LAST.length] as string, email: `admin${i + 1}@c${i + 1}.example`, phone: null },
      phone: null, email: `office@c${i + 1}.example`, website: null, city, country,
      external: i % 5 === 0 ? [{ system: 'CMP', externalId: String(LARGE_CMP_BASE + i), externalName: name }] : [],
      createdMs: at, modifiedMs: at + (i % 10 === 0 ? 400 * DAY : 0),
    });
    ids.push(c.id);
  }
  const L = state.lookups;
  const openStatuses = L.statuses.filter((s) => s.Kind === 'Open');
  for (let k = 0; k < LARGE_TICKETS; k++) {
    const type = L.types[k % L.types.length] as { Id: number };
    const cats = L.categories.filter((c) => c.TypeId === type.Id);
    const at = DATASET_EPOCH_MS - 60 * DAY + k * 3_600_000;
    const closed = k % 3 === 0;
    const status = closed ? (L.statuses.find((s) => s.Name === 'Closed') as { Id: number }) : (openStatuses[k % openStatuses.length] as { Id: number });
    state.addTicket({
      subject: `Ticket ${k + 1}`, description: '', customerId: ids[(k * 7) % ids.length] as number, typeId: type.Id, categoryId: (cats[k % cats.length] as { Id: number }).Id,
      teamId: (L.teams[k % L.teams.length] as { Id: number }).Id, statusId: status.Id, priorityId: (L.priorities[k % L.priorities.length] as { Id: number }).Id,
      externalReference: null, createdBy: TECHNICIAN, createdMs: at, modifiedMs: at + DAY, resolvedMs: closed ? at + DAY : null, closedMs: closed ? at + DAY : null,
    });
  }
}

/** `size`: customers of the `large` dataset (default 10,000). */
export function buildDataset(dataset: DatasetName, size: number = LARGE_CUSTOMERS): CloudBlueState {
  const state = base();
  if (dataset === 'demo') demo(state);
  else if (dataset === 'large') large(state, size);
  return state;
}
