/**
 * The Autotask PSA implementation of the Target port (reference psa.md §A, seed 000).
 *
 * Costs are counted in requests against the database's hourly threshold, so listings are batched:
 * a page of 500 companies costs one more request for their primary contacts; a page of 500
 * contracts costs one request per page of their services, bundles and units in force. Full passes
 * run at `background` priority (the budget refuses them first), incremental and write work at
 * `normal`, a person's connection test at `interactive`.
 */
import type { TargetPicklists } from '../../domain/alert-mapping.ts';
import { ConnectorError, isConnectorError, isTransient } from '../kit/errors.ts';
import { collect } from '../kit/paging.ts';
import type {
  BilledQuantityResult,
  ConnectionCheck,
  ContractLineRef,
  ExternalRefQuery,
  ListCompaniesQuery,
  ListContractsQuery,
  ListTicketsChangedQuery,
  NewTargetService,
  NewTargetTicket,
  PreparationResult,
  PreparationStep,
  SetBilledQuantityOptions,
  Target,
  TargetCapabilities,
  TargetCatalog,
  TargetCompany,
  TargetContract,
  TargetContracts,
  TargetDirectory,
  TargetProduct,
  TargetServicePatch,
  TargetTicket,
  TargetTickets,
  TargetUsage,
  TargetWriteOptions,
  TicketNoteInput,
} from '../ports.ts';
import type { BudgetPriority, BudgetSnapshot } from './budget.ts';
import { createAutotaskClient, type AutotaskClient, type AutotaskClientOptions } from './client.ts';
import {
  isoUtc,
  PAYG_UDF_NAME,
  parseProductId,
  periodTypeLabel,
  toCompany,
  toContract,
  toPicklistEntries,
  toProduct,
  toTicket,
  unitsInForce,
} from './mapping.ts';
import { createPicklists, type Picklists } from './picklists.ts';
import { buildQuery, inBatches, where, type Condition } from './query.ts';
import * as wire from './wire.ts';

export interface AutotaskTargetOptions extends AutotaskClientOptions {
  /** Name of the contract UDF that marks pay-as-you-go (default "Acronis PAYG", as the seed). */
  paygUdfName?: string;
}

export interface AutotaskTarget extends Target {
  readonly system: 'autotask';
  readonly client: AutotaskClient;
  /** Requests used in the rolling hour, for the summary screen and benchmarks. */
  budget(): BudgetSnapshot;
}

export const AUTOTASK_CAPABILITIES: TargetCapabilities = {
  directory: { incremental: true, companyTypes: true },
  catalog: { bundles: true, periodTypes: ['monthly', 'quarterly', 'semi_annual', 'yearly'], createServices: true },
  contracts: { prepaid: true, payAsYouGo: true, allowMixedBilling: false, incremental: true },
  usage: { mode: 'delta' },
  tickets: { fields: ['source', 'queue', 'status', 'priority', 'issueType', 'subIssueType', 'noteType', 'publish'], externalRefMaxLength: 50 },
  callbacks: false,
};

/** Port field name → [entity, Autotask field]. */
const TICKET_PICKLIST_FIELDS: Record<string, readonly [string, string]> = {
  source: ['Tickets', 'source'],
  queue: ['Tickets', 'queueID'],
  status: ['Tickets', 'status'],
  priority: ['Tickets', 'priority'],
  issueType: ['Tickets', 'issueType'],
  subIssueType: ['Tickets', 'subIssueType'],
  noteType: ['TicketNotes', 'noteType'],
  publish: ['TicketNotes', 'publish'],
};

const COMPANY_FIELDS = ['id', 'companyName', 'companyType', 'companyNumber', 'isActive', 'webAddress', 'lastTrackedModifiedDateTime'];
const CONTACT_FIELDS = ['id', 'companyID', 'firstName', 'lastName', 'emailAddress', 'phone', 'primaryContact', 'isActive', 'lastModifiedDate'];
const SERVICE_FIELDS = ['id', 'name', 'periodType', 'unitPrice', 'unitCost', 'billingCodeID', 'isActive', 'lastModifiedDate'];
const TICKET_FIELDS = ['id', 'ticketNumber', 'companyID', 'title', 'status', 'contractID', 'externalID', 'lastTrackedModificationDateTime', 'createDate'];
const LINE_FIELDS = ['id', 'contractID', 'serviceID', 'unitPrice', 'unitCost'];
const BUNDLE_LINE_FIELDS = ['id', 'contractID', 'serviceBundleID'];
const UNIT_FIELDS = ['id', 'contractID', 'startDate', 'endDate', 'units'];

/** Company 0 is the MSP's own company on every Autotask database: never a customer to map. */
const OWNER_COMPANY_ID = 0;
/** Rounds of "look up, then write" when a write fails in a way that may have landed. */
const WRITE_ROUNDS = 3;
const DAY_MS = 86_400_000;
const NOTE_TITLE_MAX = 250;

const dayStartIso = (ms: number): string => isoUtc(new Date(Math.floor(ms / DAY_MS) * DAY_MS));

function badInput(message: string, operation: string, context: Record<string, string | number> = {}): ConnectorError {
  return new ConnectorError({ code: 'bad_request', system: 'autotask', message, context: { operation, ...context } });
}

/** "3" → 3 for int picklist fields; undefined stays undefined. */
function picklistNumber(value: string | undefined, field: string, operation: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw badInput(`Autotask ticket field ${field} needs a picklist value (a number), not "${value}"`, operation, { field });
  return Number(value);
}

export function createAutotaskTarget(options: AutotaskTargetOptions): AutotaskTarget {
  const client = createAutotaskClient(options);
  const picklists: Picklists = createPicklists(client);
  const paygUdf = options.paygUdfName ?? PAYG_UDF_NAME;
  const fullOrIncremental = (since: string | undefined): BudgetPriority => (since === undefined ? 'background' : 'normal');

  // ── directory ──

  async function primaryContacts(companyIds: readonly number[], priority: BudgetPriority): Promise<Map<number, wire.WireContact>> {
    const out = new Map<number, wire.WireContact>();
    for (const batch of inBatches(companyIds)) {
      const body = buildQuery([where.in('companyID', batch), where.eq('primaryContact', true)], { includeFields: CONTACT_FIELDS });
      for await (const c of client.query('Contacts', body, wire.contact, { operation: 'list primary contacts', priority })) out.set(c.companyID, c);
    }
    return out;
  }

  async function companyTypeLabels(): Promise<Map<string, string>> {
    return new Map((await picklists.values('Companies', 'companyType')).map((v) => [v.value, v.label]));
  }

  async function companyFilter(query: ListCompaniesQuery): Promise<Condition[]> {
    const filter: Condition[] = [];
    if (query.includeInactive !== true) filter.push(where.eq('isActive', true));
    if (query.types !== undefined && query.types.length > 0) {
      const values = await Promise.all(query.types.map((label) => picklists.valueOf('Companies', 'companyType', label)));
      filter.push(where.in('companyType', values));
    }
    return filter;
  }

  async function* listCompanies(query: ListCompaniesQuery = {}): AsyncGenerator<TargetCompany> {
    const priority = fullOrIncremental(query.updatedSince);
    const labels = await companyTypeLabels();
    const base = await companyFilter(query);
    const filter = [...base, where.noteq('id', OWNER_COMPANY_ID)];
    if (query.updatedSince !== undefined) filter.push(where.gte('lastTrackedModifiedDateTime', isoUtc(query.updatedSince)));
    const seen = new Set<number>();
    const body = buildQuery(filter, { includeFields: COMPANY_FIELDS });
    for await (const page of client.queryPages('Companies', body, wire.company, { operation: 'list companies', priority })) {
      const companies = page.filter((c) => c.id !== OWNER_COMPANY_ID);
      const contacts = await primaryContacts(
        companies.map((c) => c.id),
        priority,
      );
      for (const c of companies) {
        seen.add(c.id);
        yield toCompany(c, contacts.get(c.id) ?? null, labels.get(String(c.companyType)) ?? null);
      }
    }
    if (query.updatedSince === undefined) return;
    // A changed primary contact does not touch the company's modified time: look for those too.
    const changed = new Map<number, wire.WireContact>();
    const contactsBody = buildQuery([where.eq('primaryContact', true), where.gte('lastModifiedDate', isoUtc(query.updatedSince))], { includeFields: CONTACT_FIELDS });
    for await (const c of client.query('Contacts', contactsBody, wire.contact, { operation: 'list changed primary contacts', priority })) {
      if (!seen.has(c.companyID) && c.companyID !== OWNER_COMPANY_ID) changed.set(c.companyID, c);
    }
    for (const batch of inBatches([...changed.keys()])) {
      const byId = buildQuery([...base, where.in('id', batch)], { includeFields: COMPANY_FIELDS });
      for await (const c of client.query('Companies', byId, wire.company, { operation: 'read companies of changed contacts', priority })) {
        yield toCompany(c, changed.get(c.id) ?? null, labels.get(String(c.companyType)) ?? null);
      }
    }
  }

  const directory: TargetDirectory = {
    listCompanies,
    getCompany: async (id) => {
      if (!/^\d+$/.test(id)) return null;
      const row = await client.get('Companies', id, wire.company, { operation: 'read company' });
      if (row === null) return null;
      const contacts = await primaryContacts([row.id], 'normal');
      return toCompany(row, contacts.get(row.id) ?? null, (await companyTypeLabels()).get(String(row.companyType)) ?? null);
    },
    listCompanyTypes: async () => toPicklistEntries(await picklists.values('Companies', 'companyType')),
  };

  // ── catalog ──

  async function periodLabels(entity: 'Services' | 'ServiceBundles'): Promise<Map<string, string>> {
    return new Map((await picklists.values(entity, 'periodType')).map((v) => [v.value, v.label]));
  }

  async function findServiceByName(name: string): Promise<TargetProduct | null> {
    const labels = await periodLabels('Services');
    const body = buildQuery([where.eq('name', name.trim())], { includeFields: SERVICE_FIELDS });
    for await (const s of client.query('Services', body, wire.service, { operation: 'find service by name' })) {
      if (s.name.trim().toLowerCase() === name.trim().toLowerCase()) return toProduct(s, 'service', labels.get(String(s.periodType)) ?? null);
    }
    return null;
  }

  async function defaultServiceCode(): Promise<number> {
    const codes = await listServiceCodeRows();
    const first = codes[0];
    if (first === undefined) {
      throw badInput(
        'Autotask has no active Recurring Service allocation code, which every service needs: create one (Admin > Products & Services > Allocation Codes) or choose a service code in the product mapping',
        'create service',
      );
    }
    return first.id;
  }

  async function listServiceCodeRows() {
    const recurring = await picklists.valueOf('BillingCodes', 'useType', 'Recurring Service');
    const body = buildQuery([where.eq('useType', recurring), where.eq('isActive', true)], { includeFields: ['id', 'name', 'isActive', 'useType'] });
    return collect(client.query('BillingCodes', body, wire.billingCode, { operation: 'list allocation codes' }));
  }

  async function readService(id: number): Promise<TargetProduct> {
    const row = await client.get('Services', id, wire.service, { operation: 'read service' });
    if (row === null) throw new ConnectorError({ code: 'not_found', system: 'autotask', message: `Autotask has no service ${id}`, context: { operation: 'read service' } });
    return toProduct(row, 'service', (await periodLabels('Services')).get(String(row.periodType)) ?? null);
  }

  async function ensureService(service: NewTargetService, options: TargetWriteOptions): Promise<{ product: TargetProduct; created: boolean }> {
    const name = service.name.trim();
    if (name === '') throw badInput('A service needs a name', 'create service');
    const operation = `create service "${name}"`;
    const existing = await findServiceByName(name);
    if (existing !== null) return { product: existing, created: false };
    const periodType = await picklists.valueOf('Services', 'periodType', periodTypeLabel(service.periodType));
    const billingCodeID =
      service.serviceCode === undefined || service.serviceCode === null || service.serviceCode === '' ? await defaultServiceCode() : Number(service.serviceCode);
    if (!Number.isInteger(billingCodeID)) throw badInput(`The service code "${String(service.serviceCode)}" is not an Autotask allocation code id`, operation);
    const body: Record<string, unknown> = {
      name,
      periodType,
      unitPrice: service.unitPrice,
      billingCodeID,
      invoiceDescription: name,
      isActive: true,
    };
    if (service.unitCost !== undefined && service.unitCost !== null) body.unitCost = service.unitCost;
    if (service.description !== undefined && service.description !== null) body.description = service.description;
    for (let round = 1; ; round += 1) {
      try {
        const id = await client.create('Services', '/Services', body, { operation });
        return { product: await readService(id), created: true };
      } catch (error) {
        // A create that may have landed (timeout, reset) or lost a race (name taken) is found by name.
        const found = isTransient(error) || isConnectorError(error, 'bad_request') ? await findServiceByName(name) : null;
        if (found !== null) return { product: found, created: isTransient(error) };
        if (!isTransient(error) || round >= WRITE_ROUNDS) throw withKey(error, options.idempotencyKey);
      }
    }
  }

  async function* listProducts(query: { kind?: 'service' | 'bundle'; activeOnly?: boolean } = {}): AsyncGenerator<TargetProduct> {
    const filter: Condition[] = query.activeOnly === true ? [where.eq('isActive', true)] : [where.all()];
    if (query.kind !== 'bundle') {
      const labels = await periodLabels('Services');
      const body = buildQuery(filter, { includeFields: SERVICE_FIELDS });
      for await (const s of client.query('Services', body, wire.service, { operation: 'list services', priority: 'background' })) {
        yield toProduct(s, 'service', labels.get(String(s.periodType)) ?? null);
      }
    }
    if (query.kind !== 'service') {
      const labels = await periodLabels('ServiceBundles');
      const members = new Map<number, number[]>();
      for await (const link of client.query('ServiceBundleServices', buildQuery([where.all()]), wire.serviceBundleService, {
        operation: 'list bundle services',
        priority: 'background',
      })) {
        members.set(link.serviceBundleID, [...(members.get(link.serviceBundleID) ?? []), link.serviceID]);
      }
      const body = buildQuery(filter, { includeFields: SERVICE_FIELDS });
      for await (const b of client.query('ServiceBundles', body, wire.serviceBundle, { operation: 'list service bundles', priority: 'background' })) {
        yield toProduct(b, 'bundle', labels.get(String(b.periodType)) ?? null, members.get(b.id) ?? []);
      }
    }
  }

  const catalog: TargetCatalog = {
    listProducts,
    findServiceByName,
    ensureService,
    updateService: async (id, patch: TargetServicePatch) => {
      const parsed = parseProductId(id);
      if (parsed === null || parsed.kind !== 'service') throw badInput(`"${id}" is not an Autotask service id`, 'update service');
      const body: Record<string, unknown> = { id: parsed.id };
      if (patch.unitPrice !== undefined) body.unitPrice = patch.unitPrice;
      if (patch.unitCost !== undefined) body.unitCost = patch.unitCost;
      if (patch.description !== undefined) body.description = patch.description;
      if (Object.keys(body).length > 1) await client.update('Services', '/Services', body, { operation: 'update service' });
      return readService(parsed.id);
    },
    listServiceCodes: async () => (await listServiceCodeRows()).map((c) => ({ value: String(c.id), label: c.name, active: c.isActive !== false })),
  };

  // ── contracts ──

  async function activeStatusValues(): Promise<Set<string>> {
    const values = await picklists.values('Contracts', 'status');
    return new Set(values.filter((v) => /^(active|in effect)$/i.test(v.label)).map((v) => v.value));
  }

  async function contractsOfPage(page: readonly wire.WireContract[], atMs: number, priority: BudgetPriority, active: Set<string>): Promise<TargetContract[]> {
    const ids = page.map((c) => c.id);
    const at = isoUtc(new Date(atMs));
    const inForce = [where.lte('startDate', at), where.gte('endDate', dayStartIso(atMs))];
    const services = await collect(
      client.query('ContractServices', buildQuery([where.in('contractID', ids)], { includeFields: LINE_FIELDS }), wire.contractService, {
        operation: 'list contract services',
        priority,
      }),
    );
    const bundles = await collect(
      client.query('ContractServiceBundles', buildQuery([where.in('contractID', ids)], { includeFields: BUNDLE_LINE_FIELDS }), wire.contractServiceBundle, {
        operation: 'list contract service bundles',
        priority,
      }),
    );
    const rowsByLine = new Map<string, wire.WireUnitRow[]>();
    const add = (key: string, row: wire.WireUnitRow) => rowsByLine.set(key, [...(rowsByLine.get(key) ?? []), row]);
    if (services.length > 0) {
      const body = buildQuery([where.in('contractID', ids), ...inForce], { includeFields: [...UNIT_FIELDS, 'contractServiceID'] });
      for await (const row of client.query('ContractServiceUnits', body, wire.unitRow, { operation: 'read contract service units', priority })) {
        if (row.contractServiceID !== null && row.contractServiceID !== undefined) add(String(row.contractServiceID), row);
      }
    }
    if (bundles.length > 0) {
      const body = buildQuery([where.in('contractID', ids), ...inForce], { includeFields: [...UNIT_FIELDS, 'contractServiceBundleID'] });
      for await (const row of client.query('ContractServiceBundleUnits', body, wire.unitRow, { operation: 'read contract bundle units', priority })) {
        if (row.contractServiceBundleID !== null && row.contractServiceBundleID !== undefined) add(`bundle:${row.contractServiceBundleID}`, row);
      }
    }
    const units = new Map<string, number>();
    for (const [key, rows] of rowsByLine) units.set(key, unitsInForce(rows, atMs) ?? 0);
    return page.map((contract) =>
      toContract({
        contract,
        active: active.has(String(contract.status)),
        services: services.filter((s) => s.contractID === contract.id),
        bundles: bundles.filter((b) => b.contractID === contract.id),
        units,
        payGoUdf: paygUdf,
      }),
    );
  }

  /**
   * Recurring Service contracts only (contract services exist on no other type). Contracts are read
   * without IncludeFields: the API leaves user-defined fields out of narrowed rows, and the PAYG
   * field is needed; one page of full rows costs fewer requests than a second, narrowed query.
   *
   * Incremental (`updatedSince`): contracts whose record changed (`lastModifiedDateTime`). A unit
   * adjustment does not change the contract record, so only the slower full pass sees a technician's
   * new units; the hub's own usage writes it knows already.
   */
  async function* listContracts(query: ListContractsQuery = {}): AsyncGenerator<TargetContract> {
    const priority = fullOrIncremental(query.updatedSince);
    const atMs = (query.at ?? new Date()).getTime();
    const recurring = await picklists.valueOf('Contracts', 'contractType', 'Recurring Service');
    const active = await activeStatusValues();
    const filter: Condition[] = [where.eq('contractType', recurring)];
    if (query.updatedSince !== undefined) filter.push(where.gte('lastModifiedDateTime', isoUtc(query.updatedSince)));
    if (query.includeEnded === false) {
      filter.push(where.in('status', [...active].map(Number)), where.gte('endDate', dayStartIso(atMs)));
    }
    const companyBatches = query.companyIds === undefined ? [null] : [...inBatches(query.companyIds.filter((id) => /^\d+$/.test(id)).map(Number))];
    for (const batch of companyBatches) {
      if (batch !== null && batch.length === 0) continue;
      const body = buildQuery(batch === null ? filter : [...filter, where.in('companyID', batch)]);
      for await (const page of client.queryPages('Contracts', body, wire.contract, { operation: 'list contracts', priority })) {
        yield* await contractsOfPage(page, atMs, priority, active);
      }
    }
  }

  const contracts: TargetContracts = { listContracts };

  // ── usage ──

  function lineOf(line: ContractLineRef, operation: string): { kind: 'service' | 'bundle'; id: number; contractId: number } {
    const bundle = line.lineId.startsWith('bundle:');
    const idText = bundle ? line.lineId.slice('bundle:'.length) : line.lineId;
    if (!/^\d+$/.test(idText) || !/^\d+$/.test(line.contractId)) throw badInput(`"${line.lineId}" on contract "${line.contractId}" is not an Autotask contract line`, operation);
    return { kind: bundle ? 'bundle' : 'service', id: Number(idText), contractId: Number(line.contractId) };
  }

  async function unitsAt(line: ContractLineRef, atMs: number, operation: string): Promise<number> {
    const { kind, id, contractId } = lineOf(line, operation);
    const entity = kind === 'service' ? 'ContractServiceUnits' : 'ContractServiceBundleUnits';
    const key = kind === 'service' ? 'contractServiceID' : 'contractServiceBundleID';
    const body = buildQuery([where.eq(key, id), where.lte('startDate', isoUtc(new Date(atMs))), where.gte('endDate', dayStartIso(atMs))], {
      includeFields: UNIT_FIELDS,
    });
    const rows = await collect(client.query(entity, body, wire.unitRow, { operation }));
    const units = unitsInForce(rows, atMs);
    if (units !== null) return units;
    const lineRow = await client.get(kind === 'service' ? 'ContractServices' : 'ContractServiceBundles', id, kind === 'service' ? wire.contractService : wire.contractServiceBundle, {
      operation,
    });
    if (lineRow === null || lineRow.contractID !== contractId) {
      throw new ConnectorError({
        code: 'not_found',
        system: 'autotask',
        message: `Autotask has no contract ${kind} ${id} on contract ${contractId}: the contract line was removed or the contract changed`,
        context: { operation, lineId: line.lineId, contractId: line.contractId },
      });
    }
    return 0; // outside the contract's term: no period, no units
  }

  function parseAt(value: Date | string, operation: string): number {
    const ms = value instanceof Date ? value.getTime() : Date.parse(value);
    if (Number.isNaN(ms)) throw badInput(`"${String(value)}" is not a date`, operation);
    return ms;
  }

  /**
   * Adjustments are create-only and cannot be read back, so the units in force are the truth:
   * read them at the effective date, post the difference, and after a failure that may have landed,
   * read again before posting anything (a retry after a crash finds the units moved and posts nothing).
   */
  async function setBilledQuantity(line: ContractLineRef, quantity: number, options: SetBilledQuantityOptions): Promise<BilledQuantityResult> {
    const operation = 'write usage (unit adjustment)';
    if (!Number.isInteger(quantity) || quantity < 0) throw badInput(`Autotask units are whole and not negative; cannot set ${quantity}`, operation, { lineId: line.lineId });
    const { kind, id, contractId } = lineOf(line, operation);
    const atMs = parseAt(options.effectiveDate, operation);
    let previous: number | undefined;
    for (let round = 1; ; round += 1) {
      const current = await unitsAt(line, atMs, operation);
      previous ??= current;
      if (current === quantity) return { previous, quantity, changed: round > 1 };
      const body: Record<string, unknown> =
        kind === 'service'
          ? { contractID: contractId, contractServiceID: id, effectiveDate: isoUtc(new Date(atMs)), unitChange: quantity - current }
          : { contractID: contractId, contractServiceBundleID: id, effectiveDate: isoUtc(new Date(atMs)), unitChange: quantity - current };
      const product = parseProductId(line.productId);
      if (product !== null && product.kind === kind) body[kind === 'service' ? 'serviceID' : 'serviceBundleID'] = product.id;
      try {
        await client.create(
          kind === 'service' ? 'ContractServiceAdjustments' : 'ContractServiceBundleAdjustments',
          `/Contracts/${contractId}/${kind === 'service' ? 'ServiceAdjustments' : 'ServiceBundleAdjustments'}`,
          body,
          { operation },
        );
        return { previous, quantity, changed: true };
      } catch (error) {
        if (!isTransient(error) || round >= WRITE_ROUNDS) throw withKey(error, options.idempotencyKey);
      }
    }
  }

  const usage: TargetUsage = {
    mode: 'delta',
    readBilledQuantity: (line, at) => unitsAt(line, parseAt(at, 'read billed units'), 'read billed units'),
    setBilledQuantity,
  };

  // ── tickets ──

  async function closedStatuses(): Promise<Set<string>> {
    const values = await picklists.values('Tickets', 'status');
    return new Set(values.filter((v) => /^complete(d)?$/i.test(v.label)).map((v) => v.value));
  }

  async function findTicketsByExternalRef(query: ExternalRefQuery): Promise<TargetTicket[]> {
    const condition = 'exact' in query ? where.eq('externalID', query.exact) : where.beginsWith('externalID', query.prefix);
    const closed = await closedStatuses();
    const rows = await collect(client.query('Tickets', buildQuery([condition], { includeFields: TICKET_FIELDS }), wire.ticket, { operation: 'find tickets by external reference' }));
    // The API compares text case-insensitively; references are ours and exact.
    const matches = rows.filter((t) => ('exact' in query ? t.externalID === query.exact : (t.externalID ?? '').startsWith(query.prefix)));
    return matches.map((t) => toTicket(t, closed));
  }

  async function getTicket(id: string): Promise<TargetTicket | null> {
    if (!/^\d+$/.test(id)) return null;
    const row = await client.get('Tickets', id, wire.ticket, { operation: 'read ticket' });
    return row === null ? null : toTicket(row, await closedStatuses());
  }

  async function createTicket(ticket: NewTargetTicket): Promise<{ ticket: TargetTicket; created: boolean }> {
    const operation = 'create ticket';
    const max = 50;
    if (ticket.externalRef === '' || ticket.externalRef.length > max) throw badInput(`A ticket's external reference must be 1..${max} characters, got ${ticket.externalRef.length}`, operation);
    const earlier = (await findTicketsByExternalRef({ exact: ticket.externalRef }))[0];
    if (earlier !== undefined) return { ticket: earlier, created: false };
    const f = ticket.fields;
    const status = picklistNumber(f.status, 'status', operation) ?? (await picklists.defaultOf('Tickets', 'status'));
    const priority = picklistNumber(f.priority, 'priority', operation) ?? (await picklists.defaultOf('Tickets', 'priority'));
    const body: Record<string, unknown> = {
      companyID: Number(ticket.companyId),
      title: ticket.title,
      description: ticket.description,
      externalID: ticket.externalRef,
      status,
      priority,
    };
    const optional: [string, string][] = [
      ['queue', 'queueID'],
      ['source', 'source'],
      ['issueType', 'issueType'],
      ['subIssueType', 'subIssueType'],
    ];
    for (const [from, to] of optional) {
      const value = picklistNumber(f[from], from, operation);
      if (value !== undefined) body[to] = value;
    }
    if (ticket.contractId !== undefined && ticket.contractId !== null && ticket.contractId !== '') body.contractID = Number(ticket.contractId);
    for (let round = 1; ; round += 1) {
      try {
        const id = await client.create('Tickets', '/Tickets', body, { operation });
        const created = await getTicket(String(id));
        if (created === null) throw new ConnectorError({ code: 'bad_payload', system: 'autotask', message: `Autotask created ticket ${id} but cannot read it back`, context: { operation } });
        return { ticket: created, created: true };
      } catch (error) {
        if (!isTransient(error) || round >= WRITE_ROUNDS) throw withKey(error, ticket.externalRef);
        const landed = (await findTicketsByExternalRef({ exact: ticket.externalRef }))[0];
        if (landed !== undefined) return { ticket: landed, created: true };
      }
    }
  }

  async function findNote(ticketId: number, title: string, text: string): Promise<number | null> {
    const body = buildQuery([where.eq('ticketID', ticketId), where.eq('title', title)], { includeFields: ['id', 'ticketID', 'title', 'description'] });
    for await (const note of client.query('TicketNotes', body, wire.ticketNote, { operation: 'find ticket note' })) {
      if ((note.description ?? '') === text && (note.title ?? '') === title) return note.id;
    }
    return null;
  }

  async function addTicketNote(ticketId: string, note: TicketNoteInput, options: TargetWriteOptions): Promise<{ noteId: string; created: boolean }> {
    const operation = 'add ticket note';
    if (!/^\d+$/.test(ticketId)) throw badInput(`"${ticketId}" is not an Autotask ticket id`, operation);
    const id = Number(ticketId);
    const title = (note.title ?? 'Update').slice(0, NOTE_TITLE_MAX);
    const earlier = await findNote(id, title, note.text);
    if (earlier !== null) return { noteId: String(earlier), created: false };
    const noteType = picklistNumber(note.fields.noteType, 'noteType', operation) ?? (await picklists.defaultOf('TicketNotes', 'noteType'));
    const publish = picklistNumber(note.fields.publish, 'publish', operation) ?? (await picklists.defaultOf('TicketNotes', 'publish'));
    const body = { ticketID: id, title, description: note.text, noteType, publish };
    for (let round = 1; ; round += 1) {
      try {
        return { noteId: String(await client.create('TicketNotes', `/Tickets/${id}/Notes`, body, { operation })), created: true };
      } catch (error) {
        if (!isTransient(error) || round >= WRITE_ROUNDS) throw withKey(error, options.idempotencyKey);
        const landed = await findNote(id, title, note.text);
        if (landed !== null) return { noteId: String(landed), created: true };
      }
    }
  }

  const tickets: TargetTickets = {
    picklists: async () => {
      const out: TargetPicklists = {};
      for (const [name, [entity, field]] of Object.entries(TICKET_PICKLIST_FIELDS)) out[name] = toPicklistEntries(await picklists.values(entity, field));
      return out;
    },
    getTicket,
    findTicketsByExternalRef,
    createTicket,
    addTicketNote,
    setTicketStatus: async (ticketId, status, options) => {
      const operation = 'set ticket status';
      const value = picklistNumber(status, 'status', operation);
      if (value === undefined) throw badInput('A ticket status is required', operation);
      if (options.note !== undefined) await addTicketNote(ticketId, options.note, options);
      const current = await getTicket(ticketId);
      if (current === null) throw new ConnectorError({ code: 'not_found', system: 'autotask', message: `Autotask has no ticket ${ticketId}`, context: { operation } });
      if (current.status === String(value)) return current;
      await client.update('Tickets', '/Tickets', { id: Number(ticketId), status: value }, { operation });
      return (await getTicket(ticketId)) ?? current;
    },
    listTicketsChanged: (query: ListTicketsChangedQuery) =>
      (async function* () {
        const closed = await closedStatuses();
        const filter: Condition[] = [where.gte('lastTrackedModificationDateTime', isoUtc(query.since))];
        if (query.externalRefPrefix !== undefined && query.externalRefPrefix !== '') filter.push(where.beginsWith('externalID', query.externalRefPrefix));
        for await (const t of client.query('Tickets', buildQuery(filter, { includeFields: TICKET_FIELDS }), wire.ticket, { operation: 'list changed tickets' })) {
          yield toTicket(t, closed);
        }
      })(),
  };

  // ── preparation and connection ──

  async function findPaygUdf(contractUdfType: number) {
    const body = buildQuery([where.eq('name', paygUdf), where.eq('udfType', contractUdfType)], { includeFields: ['id', 'name', 'udfType', 'dataType', 'isActive'] });
    const rows = await collect(client.query('UserDefinedFieldDefinitions', body, wire.udfDefinition, { operation: 'find the PAYG field' }));
    return rows.find((r) => r.name.toLowerCase() === paygUdf.toLowerCase()) ?? null;
  }

  /**
   * The seed's "Acronis PAYG" list field (Yes / No, default No) on contracts. Each part is looked
   * up before it is created, so a run cut short between the field and its values is completed by
   * the next one, and a second run changes nothing.
   */
  async function prepare(): Promise<PreparationResult> {
    const steps: PreparationStep[] = [];
    const what = `user-defined field "${paygUdf}" on contracts`;
    const contractType = await picklists.valueOf('UserDefinedFieldDefinitions', 'udfType', 'Contract');
    let udf = await findPaygUdf(contractType);
    if (udf === null) {
      const listType = await picklists.valueOf('UserDefinedFieldDefinitions', 'dataType', 'List');
      try {
        const id = await client.create(
          'UserDefinedFieldDefinitions',
          '/UserDefinedFieldDefinitions',
          {
            name: paygUdf,
            udfType: contractType,
            dataType: listType,
            description: 'Acronis billing: Yes = pay-as-you-go (usage written back), No = prepaid (quotas from units)',
            defaultValue: 'No',
            isRequired: false,
            isActive: true,
          },
          { operation: 'create the PAYG field' },
        );
        steps.push({ outcome: 'created', what, id: String(id) });
      } catch (error) {
        // Another run created it meanwhile (name taken) or the create may have landed.
        if (!isConnectorError(error, 'bad_request') && !isTransient(error)) throw error;
      }
      udf = await findPaygUdf(contractType);
      if (udf === null) throw new ConnectorError({ code: 'bad_payload', system: 'autotask', message: `Autotask did not keep the ${what}`, context: { operation: 'create the PAYG field' } });
      if (steps.length === 0) steps.push({ outcome: 'present', what, id: String(udf.id) });
    } else if (udf.isActive === false) {
      await client.update('UserDefinedFieldDefinitions', '/UserDefinedFieldDefinitions', { id: udf.id, isActive: true }, { operation: 'activate the PAYG field' });
      steps.push({ outcome: 'updated', what: `${what} (activated)`, id: String(udf.id) });
    } else {
      steps.push({ outcome: 'present', what, id: String(udf.id) });
    }
    const items = await collect(
      client.query('UserDefinedFieldListItems', buildQuery([where.eq('udfFieldID', udf.id)]), wire.udfListItem, { operation: 'read the PAYG field values' }),
    ).catch(async (error: unknown) => {
      // Some databases do not query list items at the root; the parent URL always lists them.
      if (!isConnectorError(error) || (error.code !== 'bad_request' && error.code !== 'not_found')) throw error;
      const page = await client.requestJson(
        'UserDefinedFieldListItems',
        { method: 'GET', path: `/UserDefinedFields/${udf.id}/ListItems`, operation: 'read the PAYG field values' },
        wire.queryPage(wire.udfListItem),
      );
      return page.items;
    });
    for (const value of ['Yes', 'No']) {
      const found = items.find((i) => i.valueForDisplay.toLowerCase() === value.toLowerCase());
      if (found !== undefined) continue;
      const id = await client.create(
        'UserDefinedFieldListItems',
        `/UserDefinedFields/${udf.id}/ListItems`,
        { udfFieldID: udf.id, valueForDisplay: value, valueForExport: value },
        { operation: 'add a PAYG field value' },
      );
      steps.push({ outcome: 'created', what: `value "${value}" of ${what}`, id: String(id) });
    }
    return { steps, warnings: [] };
  }

  async function testConnection(): Promise<ConnectionCheck> {
    const zone = await client.zone();
    const threshold = await client.threshold();
    const owner = await client.get('Companies', OWNER_COMPANY_ID, wire.company, { operation: 'read the MSP company', priority: 'interactive' });
    const warnings: string[] = [];
    const share = threshold.currentTimeframeRequestCount / threshold.externalRequestThreshold;
    if (share >= 0.5) {
      warnings.push(
        `${threshold.currentTimeframeRequestCount} of the database's ${threshold.externalRequestThreshold} API requests per hour are in use; Autotask slows every integration down from 50 %.`,
      );
    }
    const udfs = await client.requestJson(
      'Contracts',
      { method: 'GET', path: '/Contracts/entityInformation/userDefinedFields', operation: 'read contract fields', priority: 'interactive' },
      wire.udfFieldsResponse,
    );
    if (!udfs.fields.some((f) => f.name.toLowerCase() === paygUdf.toLowerCase())) {
      warnings.push(`Contracts have no "${paygUdf}" field yet; the integration creates it when billing is enabled (every contract counts as prepaid until then).`);
    }
    const zoneName = zone.zoneName === undefined ? 'Autotask' : `Autotask ${zone.zoneName}${zone.ci === undefined ? '' : ` (zone ${zone.ci})`}`;
    const who = owner?.companyName === undefined || owner.companyName === '' ? '' : `${owner.companyName}, `;
    return { displayName: `${who}${zoneName} as ${client.username}`, warnings };
  }

  return {
    system: 'autotask',
    capabilities: AUTOTASK_CAPABILITIES,
    client,
    budget: () => client.budget(),
    testConnection,
    prepare,
    directory,
    catalog,
    contracts,
    usage,
    tickets,
  };
}

function withKey(error: unknown, key: string): unknown {
  if (!isConnectorError(error)) return error;
  return error.with({ context: { ...error.context, idempotencyKey: key } });
}
