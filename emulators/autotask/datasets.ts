// Deterministic datasets. Every one has the API user (and a regular resource that is not an API
// user), billing codes and the default picklists; `empty` stops there (no "Acronis PAYG" UDF, so a
// connector must create it). `demo`: three dozen companies with contacts, the seed's services and two
// bundles, recurring-service contracts (some with Acronis PAYG = Yes) and a few tickets. `large`:
// 10,000 companies with one recurring-service contract of three services each, rows kept sparse.
import { createRng, type Rng } from '../kit/prng.ts';
import { LARGE_DATASET_SIZE, type DatasetName } from '../kit/types.ts';
import { entity } from './entities.ts';
import { AutotaskState, type Row } from './state.ts';
import { formatDate } from './values.ts';
import { adjust, create, pick, type WriteContext } from './writes.ts';

export const PAYG_UDF = 'Acronis PAYG';

const SERVICES: [name: string, price: number, cost: number][] = [
  ['Acronis Cyber Protect - Workstations', 4.5, 2.1],
  ['Acronis Cyber Protect - Servers', 22, 11],
  ['Acronis Cyber Protect - Virtual machines', 14, 7],
  ['Acronis Cyber Protect - Web hosting servers', 18, 9],
  ['Acronis Cyber Protect - Microsoft 365 seats', 2.5, 1.1],
  ['Acronis Cyber Protect - Microsoft 365 Mailboxes', 1.5, 0.7],
  ['Acronis Cyber Protect - Microsoft OneDrive', 1.2, 0.5],
  ['Acronis Cyber Protect - Microsoft Hosted Exchange', 1.8, 0.8],
  ['Acronis Cyber Protect - Google Workspace seats', 2.4, 1.0],
  ['Acronis Cyber Protect - Mobile devices', 1, 0.4],
  ['Acronis Cyber Protect - Websites', 3, 1.4],
  ['Acronis Cyber Protect - Acronis Hosted storage (GB)', 0.05, 0.02],
];

const NAMES_A = ['Contoso', 'Fabrikam', 'Northwind', 'Tailspin', 'Adventure', 'Litware', 'Proseware', 'Wingtip', 'Woodgrove', 'Coho', 'Alpine', 'Blue Yonder', 'Lucerne', 'Margie', 'Trey', 'Humongous', 'Wide World', 'Graphic', 'Fourth', 'Southridge', 'Datum', 'Relecloud'];
const NAMES_B = ['Traders', 'Industries', 'Dental', 'Legal', 'Logistics', 'Bakery', 'Engineering', 'Clinic', 'Architects', 'Accounting', 'Motors', 'Foods'];
const FIRST = ['Anna', 'Ben', 'Chloe', 'David', 'Emma', 'Farid', 'Grace', 'Hugo', 'Iris', 'Jonas', 'Kira', 'Liam', 'Maya', 'Noah', 'Olga', 'Pavel'];
const LAST = ['Schmidt', 'Novak', 'Garcia', 'Smith', 'Dubois', 'Rossi', 'Jensen', 'Kowalski', 'Silva', 'Tanaka', 'Murphy', 'Berg'];
const CITIES: [string, string, string][] = [['Boston', 'MA', '02110'], ['Denver', 'CO', '80202'], ['Austin', 'TX', '73301'], ['Seattle', 'WA', '98101'], ['Chicago', 'IL', '60601']];

export interface SeedResult {
  state: AutotaskState;
}

function base(dataset: DatasetName, nowMs: number): { state: AutotaskState; ctx: WriteContext; rng: Rng } {
  const state = new AutotaskState();
  const rng = createRng(`autotask/${dataset}`);
  const apiUserName = `psabridge.${rng.hex(6)}@emulator.autotask.net`;
  const code = `EMU${rng.hex(24).toUpperCase()}`;
  state.info = { zoneName: 'America East', ci: 5, apiUserName, integrationCode: code };
  state.integrationCodes.add(code);
  const resources = state.table('Resources');
  const apiResource = resources.insert({
    id: state.newId(), firstName: 'Acronis', lastName: 'Integration', email: 'acronis-integration@emulator.autotask.net', isActive: true,
    userName: apiUserName, licenseType: pick(state, 'Resources.licenseType', 'API User'), userType: pick(state, 'Resources.userType', 'API User (system)'), resourceType: 'Employee',
  });
  state.addUser({ resourceId: apiResource.id, userName: apiUserName, secret: `${rng.hex(8)}~${rng.hex(12)}`, isApiUser: true, isActive: true });
  const admin = resources.insert({
    id: state.newId(), firstName: 'Dana', lastName: 'Admin', email: 'dana.admin@emulator.autotask.net', isActive: true, userName: 'dana.admin@emulator.autotask.net',
    licenseType: pick(state, 'Resources.licenseType', 'Full'), userType: pick(state, 'Resources.userType', 'System Administrator'), resourceType: 'Employee',
  });
  state.addUser({ resourceId: admin.id, userName: 'dana.admin@emulator.autotask.net', secret: 'Password-1', isApiUser: false, isActive: true });
  const codes = state.table('BillingCodes');
  const recurring = pick(state, 'BillingCodes.useType', 'Recurring Service');
  for (const [name, useType, active] of [['Managed Services', recurring, true], ['Backup & Recovery Services', recurring, true], ['Legacy Hosting', recurring, false], ['Remote Support', pick(state, 'BillingCodes.useType', 'Labor'), true]] as const) {
    codes.insert({ id: state.newId(), name, description: name, isActive: active, useType, billingCodeType: pick(state, 'BillingCodes.billingCodeType', 'Normal'), unitPrice: null, unitCost: null, isExcludedFromNewContracts: false });
  }
  // Company 0 is the MSP's own company on every Autotask database.
  state.table('Companies').insert({ id: 0, companyName: 'Emulator MSP (Owner)', companyType: pick(state, 'Companies.companyType', 'Vendor'), phone: '555-0100', ownerResourceID: admin.id, isActive: true, createDate: formatDate(nowMs), lastTrackedModifiedDateTime: formatDate(nowMs) });
  state.table('Companies').udfs.set(0, new Map());
  const ctx: WriteContext = { state, nowMs, resourceId: apiResource.id };
  return { state, ctx, rng };
}

function paygUdf(ctx: WriteContext): void {
  const state = ctx.state;
  const id = create(ctx, entity('UserDefinedFieldDefinitions'), {
    name: PAYG_UDF, udfType: pick(state, 'UserDefinedFieldDefinitions.udfType', 'Contract'), dataType: pick(state, 'UserDefinedFieldDefinitions.dataType', 'List'),
    description: 'Acronis billing mode: Yes = pay-as-you-go, No = prepaid', defaultValue: 'No',
  });
  for (const v of ['Yes', 'No']) create(ctx, entity('UserDefinedFieldListItems'), { valueForDisplay: v, valueForExport: v }, { field: 'udfFieldID', id });
}

function services(ctx: WriteContext): number[] {
  const state = ctx.state;
  const billing = [...state.table('BillingCodes').rows.values()].find((c) => c.name === 'Backup & Recovery Services') as Row;
  return SERVICES.map(([name, unitPrice, unitCost]) =>
    create(ctx, entity('Services'), { name, periodType: pick(state, 'Services.periodType', 'Monthly'), unitPrice, unitCost, billingCodeID: billing.id, invoiceDescription: name, description: name }),
  );
}

function term(nowMs: number): { start: string; end: string } {
  const y = new Date(nowMs).getUTCFullYear();
  return { start: `${y}-01-01T00:00:00Z`, end: `${y + 1}-12-31T00:00:00Z` };
}

function demo(ctx: WriteContext, rng: Rng, nowMs: number): void {
  const state = ctx.state;
  paygUdf(ctx);
  const svc = services(ctx);
  const billing = [...state.table('BillingCodes').rows.values()].find((c) => c.name === 'Managed Services') as Row;
  const bundles = [
    ['Acronis Essentials Bundle (workstation + M365)', 6.5, [svc[0], svc[4]]],
    ['Acronis Server Protection Bundle', 30, [svc[1], svc[2]]],
  ] as const;
  const bundleIds = bundles.map(([name, unitPrice, members]) => {
    const id = create(ctx, entity('ServiceBundles'), { name, unitPrice, periodType: pick(state, 'ServiceBundles.periodType', 'Monthly'), billingCodeID: billing.id, isActive: true });
    for (const s of members) create(ctx, entity('ServiceBundleServices'), { serviceID: s }, { field: 'serviceBundleID', id });
    return id;
  });
  const { start, end } = term(nowMs);
  const customer = pick(state, 'Companies.companyType', 'Customer');
  const prospect = pick(state, 'Companies.companyType', 'Prospect');
  const recurring = pick(state, 'Contracts.contractType', 'Recurring Service');
  const active = pick(state, 'Contracts.status', 'Active');
  const owner = [...state.users.values()].find((u) => !u.isApiUser)?.resourceId as number;
  for (let i = 0; i < 36; i++) {
    const name = `${NAMES_A[i % NAMES_A.length]} ${NAMES_B[(i * 7) % NAMES_B.length]}${i >= NAMES_A.length ? ' Group' : ''}`;
    const [city, st, zip] = CITIES[i % CITIES.length] as [string, string, string];
    const companyID = create(ctx, entity('Companies'), {
      companyName: name, companyType: i % 9 === 8 ? prospect : customer, phone: `555-01${String(i).padStart(2, '0')}`, ownerResourceID: owner,
      companyNumber: `C${1000 + i}`, address1: `${10 + i} Main Street`, city, state: st, postalCode: zip, webAddress: `https://${name.toLowerCase().replace(/[^a-z]+/g, '')}.example`,
    });
    const contacts = 1 + (i % 3);
    for (let c = 0; c < contacts; c++) {
      const first = rng.pick(FIRST);
      const last = rng.pick(LAST);
      create(ctx, entity('Contacts'), {
        firstName: first, lastName: last, isActive: 1, primaryContact: c === 0, title: c === 0 ? 'IT Manager' : 'Office Manager',
        emailAddress: `${first}.${last}${i}@${name.toLowerCase().replace(/[^a-z]+/g, '')}.example`.toLowerCase(), phone: `555-02${String(i).padStart(2, '0')}`,
      }, { field: 'companyID', id: companyID });
    }
    if (i % 9 === 8) continue;
    const payg = i % 3 === 0;
    const contractID = create(ctx, entity('Contracts'), {
      companyID, contractName: `${name} - Managed Backup`, contractType: recurring, status: active, startDate: start, endDate: end,
      timeReportingRequiresStartAndStopTimes: 1, contractPeriodType: pick(state, 'Contracts.contractPeriodType', 'Monthly'),
      userDefinedFields: [{ name: PAYG_UDF, value: payg ? 'Yes' : 'No' }],
    });
    const count = 2 + (i % 4);
    for (let k = 0; k < count; k++) {
      const serviceID = svc[(i + k * 3) % svc.length] as number;
      const units = payg ? 0 : serviceID === svc[11] ? 500 + 100 * rng.int(0, 20) : rng.int(1, 40);
      adjust(ctx, 'service', { contractID, serviceID, effectiveDate: start, unitChange: units });
    }
    if (i % 5 === 1) adjust(ctx, 'bundle', { contractID, serviceBundleID: bundleIds[i % 2], effectiveDate: start, unitChange: rng.int(2, 15) });
    if (i % 4 === 0) {
      const ticketID = create(ctx, entity('Tickets'), {
        companyID, contractID, title: 'Backup failed on workstation', description: 'The scheduled backup did not complete.', status: pick(state, 'Tickets.status', 'New'),
        priority: pick(state, 'Tickets.priority', 'Medium'), queueID: pick(state, 'Tickets.queueID', 'Monitoring Alert'), issueType: pick(state, 'Tickets.issueType', 'Backup'),
        subIssueType: pick(state, 'Tickets.subIssueType', 'Backup failed'), source: pick(state, 'Tickets.source', 'Monitoring Alert'), ticketType: pick(state, 'Tickets.ticketType', 'Alert'),
        dueDateTime: formatDate(nowMs + 86_400_000),
      });
      create(ctx, entity('TicketNotes'), { title: 'Investigation', description: 'Checking the agent logs.', noteType: pick(state, 'TicketNotes.noteType', 'Task Detail'), publish: pick(state, 'TicketNotes.publish', 'All Autotask Users') }, { field: 'ticketID', id: ticketID });
    }
  }
  // One time-and-materials contract, which must not take contract services.
  create(ctx, entity('Contracts'), {
    companyID: ([...state.table('Companies').rows.values()].find((c) => c.companyType === customer) as Row).id, contractName: 'Ad-hoc support', contractType: pick(state, 'Contracts.contractType', 'Time & Materials'),
    status: active, startDate: start, endDate: end, timeReportingRequiresStartAndStopTimes: 1,
  });
}

/** 10,000 companies, each with a primary contact and a recurring contract of three services. Rows are written directly (sparse) to seed fast. */
function large(ctx: WriteContext, rng: Rng, nowMs: number, size: number): void {
  const state = ctx.state;
  paygUdf(ctx);
  const svc = services(ctx);
  const { start, end } = term(nowMs);
  const now = formatDate(nowMs);
  const customer = pick(state, 'Companies.companyType', 'Customer');
  const recurring = pick(state, 'Contracts.contractType', 'Recurring Service');
  const active = pick(state, 'Contracts.status', 'Active');
  const owner = [...state.users.values()].find((u) => !u.isApiUser)?.resourceId as number;
  const companies = state.table('Companies');
  const contacts = state.table('Contacts');
  const contracts = state.table('Contracts');
  const lines = state.table('ContractServices');
  const serviceTable = state.table('Services');
  const startMs = Date.parse(start);
  for (let i = 0; i < size; i++) {
    const name = `${NAMES_A[i % NAMES_A.length]} ${NAMES_B[Math.floor(i / NAMES_A.length) % NAMES_B.length]} ${i + 1}`;
    const company = companies.insert({ id: state.newId(), companyName: name, companyType: customer, phone: `555-${String(i).padStart(5, '0')}`, ownerResourceID: owner, isActive: true, createDate: now, lastTrackedModifiedDateTime: now });
    companies.udfs.set(company.id, new Map());
    contacts.insert({ id: state.newId(), companyID: company.id, firstName: FIRST[i % FIRST.length], lastName: LAST[i % LAST.length], isActive: 1, primaryContact: true, emailAddress: `admin${i + 1}@customer${i + 1}.example`, createDate: now, lastModifiedDate: now });
    const payg = i % 4 === 0;
    const contract = contracts.insert({ id: state.newId(), companyID: company.id, contractName: `${name} - Managed Backup`, contractType: recurring, status: active, startDate: start, endDate: end, timeReportingRequiresStartAndStopTimes: 1, lastModifiedDateTime: now });
    contracts.udfs.set(contract.id, new Map([[PAYG_UDF.toLowerCase(), payg ? 'Yes' : 'No']]));
    for (let k = 0; k < 3; k++) {
      const service = serviceTable.rows.get(svc[(i + k * 4) % svc.length] as number) as Row;
      const line = lines.insert({ id: state.newId(), contractID: contract.id, serviceID: service.id, unitPrice: service.unitPrice, unitCost: service.unitCost, invoiceDescription: service.invoiceDescription, internalCurrencyUnitPrice: service.unitPrice });
      const units = payg ? 0 : rng.int(1, 50);
      state.serviceAdjustments.set(line.id, [{ id: state.newId(), lineId: line.id, effectiveMs: startMs, unitChange: units, adjustedUnitPrice: null, adjustedUnitCost: null }]);
    }
  }
}

/** `size`: companies of the `large` dataset (default 10,000). */
export function buildDataset(dataset: DatasetName, nowMs: number, size: number = LARGE_DATASET_SIZE): AutotaskState {
  const { state, ctx, rng } = base(dataset, nowMs);
  if (dataset === 'demo') demo(ctx, rng, nowMs);
  if (dataset === 'large') large(ctx, rng, nowMs, size);
  return state;
}
