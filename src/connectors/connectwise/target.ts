/**
 * The ConnectWise Manage implementation of the Target port (reference psa.md §B, seed 002).
 *
 * - directory: companies (status, types, default contact); the MSP's own company (type "Owner") is
 *   never a customer. Incremental by `lastUpdated`, plus companies whose default contact changed.
 * - catalog: procurement catalog products (a product's name is its description; `findServiceByName`
 *   also matches the identifier, which is what agreement screens show as "Product ID").
 * - contracts: agreements with their additions (mapping.ts says how additions become lines).
 *   Incremental = agreements whose record changed since; an addition's change does not touch its
 *   agreement's `lastUpdated`, so it reaches the hub by the agreement callback (which ConnectWise
 *   fires for addition changes) or by the periodic full pass.
 * - usage (absolute): the PAYG addition's quantity is set to the usage: read, then PATCH only when
 *   different, so a repeated call writes nothing.
 * - tickets: per service board; the field bag's `board`, `type`, `subtype`, `status`, `priority`
 *   are ids (types, subtypes and statuses belong to a board). The hub's external reference is kept
 *   in the ticket's **`externalXRef`** field: a standard field (≤ 100 characters) that conditions can
 *   search exactly (`externalXRef = "…"`) and by prefix (`like "pb:%"`), needs no custom-field setup
 *   and leaves the summary a technician reads untouched. Notes have no title: the title is the
 *   note's first line, and a note with the same text is found before another is written.
 * - callbacks: system callbacks of type company, agreement and ticket at level `owner`, self-
 *   suppressed (our own writes do not echo back), verified by `x-content-signature`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { PicklistEntry, TargetPicklists } from '../../domain/alert-mapping.ts';
import { ConnectorError, isConnectorError, isTransient } from '../kit/errors.ts';
import { collect } from '../kit/paging.ts';
import { parseJsonText, parsePayload } from '../kit/payload.ts';
import type {
  BilledQuantityResult,
  CallbackDelivery,
  CallbackEntity,
  CallbackRegistration,
  ConnectionCheck,
  ContractLineRef,
  ExternalRefQuery,
  ListCompaniesQuery,
  ListContractsQuery,
  ListTicketsChangedQuery,
  NewTargetService,
  NewTargetTicket,
  PreparationResult,
  SetBilledQuantityOptions,
  Target,
  TargetApiBudget,
  TargetCallbackEvent,
  TargetCallbacks,
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
import { CONNECTWISE_SYSTEM, createConnectWiseClient, type ConnectWiseClient, type ConnectWiseClientOptions } from './client.ts';
import { and, cwDateTime, inBatches, where } from './conditions.ts';
import { identifierFor, isPayg, noteText, PAYG_FIELD_CAPTION, toCompany, toContract, toProduct, toTicket } from './mapping.ts';
import * as wire from './wire.ts';

export interface ConnectWiseTargetOptions extends ConnectWiseClientOptions {
  /** Caption of the addition custom field that marks pay-as-you-go (default "Acronis PAYG"). */
  paygFieldCaption?: string;
  /** Additions read at once while listing contracts (one call per agreement). Default 6. */
  additionConcurrency?: number;
}

export interface ConnectWiseTarget extends Target {
  readonly system: 'connectwise';
  readonly client: ConnectWiseClient;
  readonly catalog: TargetCatalog;
  readonly contracts: TargetContracts;
  readonly usage: TargetUsage;
  readonly tickets: TargetTickets;
  readonly callbacks: TargetCallbacks;
  apiBudget(): Promise<TargetApiBudget>;
}

export const CONNECTWISE_TICKET_FIELDS = ['board', 'type', 'subtype', 'status', 'priority'] as const;

export const CONNECTWISE_CAPABILITIES: TargetCapabilities = {
  directory: { incremental: true, companyTypes: true },
  catalog: { bundles: false, periodTypes: ['monthly'], createServices: true },
  contracts: { prepaid: true, payAsYouGo: true, allowMixedBilling: true, incremental: true },
  usage: { mode: 'absolute' },
  tickets: { fields: CONNECTWISE_TICKET_FIELDS, externalRefMaxLength: 100 },
  callbacks: true,
};

const PATHS = {
  companies: '/company/companies',
  companyStatuses: '/company/companies/statuses',
  companyTypes: '/company/companies/types',
  contacts: '/company/contacts',
  agreements: '/finance/agreements',
  additions: (agreementId: number | string) => `/finance/agreements/${agreementId}/additions`,
  catalog: '/procurement/catalog',
  subcategories: '/procurement/subcategories',
  productTypes: '/procurement/types',
  boards: '/service/boards',
  boardPart: (boardId: number, part: 'types' | 'subtypes' | 'statuses') => `/service/boards/${boardId}/${part}`,
  priorities: '/service/priorities',
  tickets: '/service/tickets',
  notes: (ticketId: number) => `/service/tickets/${ticketId}/notes`,
  callbacks: '/system/callbacks',
};

const COMPANY_FIELDS = ['id', 'identifier', 'name', 'status', 'types', 'defaultContact', 'deletedFlag', '_info/lastUpdated'];
const CONTACT_FIELDS = ['id', 'firstName', 'lastName', 'company', 'defaultFlag', 'inactiveFlag', 'communicationItems', '_info/lastUpdated'];
const TICKET_FIELDS = ['id', 'summary', 'company', 'board', 'status', 'type', 'subType', 'priority', 'agreement', 'externalXRef', 'closedFlag', '_info/lastUpdated'];
const OWNER_TYPE = 'owner';
const LOOKUP_TTL_MS = 5 * 60_000;
const WRITE_ROUNDS = 3;
const SUMMARY_MAX = 100;
const CALLBACK_DESCRIPTION = 'psa-bridge';
/** Port entity → ConnectWise callback type. */
const CALLBACK_TYPES: Record<CallbackEntity, string> = { company: 'company', contract: 'agreement', ticket: 'ticket' };
const KEY_TTL_MS = 60 * 60_000;
/** Signing keys by key URL, shared by every target of the process (a key URL names one key). */
const signingKeys = new Map<string, { key: Buffer; at: number }>();

function badInput(message: string, operation: string, context: Record<string, string | number> = {}): ConnectorError {
  return new ConnectorError({ code: 'bad_request', system: CONNECTWISE_SYSTEM, message, context: { operation, ...context } });
}

function numericId(value: string, what: string, operation: string): number {
  if (!/^\d+$/.test(value.trim())) throw badInput(`"${value}" is not a ConnectWise ${what} id`, operation);
  return Number(value.trim());
}

/** A picklist value of the field bag: an id (`"12"`) → `{id: 12}`, anything else → `{name}` (resolved on the ticket's board). */
function refOf(value: string | undefined): { id: number } | { name: string } | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return /^\d+$/.test(value.trim()) ? { id: Number(value.trim()) } : { name: value.trim() };
}

function withKey(error: unknown, key: string): unknown {
  return isConnectorError(error) ? error.with({ context: { ...error.context, idempotencyKey: key } }) : error;
}

/** A cache that forgets after `ttl` and after a failure. */
function cached<T>(load: () => Promise<T>, ttl: number, now: () => number): () => Promise<T> {
  let entry: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (entry === undefined || now() - entry.at > ttl) {
      const value = load();
      entry = { at: now(), value };
      value.catch(() => {
        if (entry?.value === value) entry = undefined;
      });
    }
    return entry.value;
  };
}

async function forEachPooled<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function createConnectWiseTarget(options: ConnectWiseTargetOptions): ConnectWiseTarget {
  const client = createConnectWiseClient(options);
  const now = options.now ?? Date.now;
  const paygCaption = options.paygFieldCaption ?? PAYG_FIELD_CAPTION;
  const additionConcurrency = options.additionConcurrency ?? 6;

  // ── lookups ──

  const companyStatuses = cached(() => collect(client.list(PATHS.companyStatuses, wire.companyStatus, {}, { operation: 'list company statuses' })), LOOKUP_TTL_MS, now);
  const inactiveStatusIds = async () => new Set((await companyStatuses()).filter((s) => s.inactiveFlag === true).map((s) => s.id));
  const companyTypes = cached(() => collect(client.list(PATHS.companyTypes, wire.companyType, {}, { operation: 'list company types' })), LOOKUP_TTL_MS, now);

  interface BoardLookups {
    board: wire.WireLookup;
    types: wire.WireLookup[];
    subtypes: (wire.WireLookup & { typeAssociationIds?: number[] | null })[];
    statuses: wire.WireBoardStatus[];
  }
  const boards = cached(
    async (): Promise<BoardLookups[]> => {
      const list = await collect(client.list(PATHS.boards, wire.lookup, {}, { operation: 'list service boards' }));
      return Promise.all(
        list.map(async (board) => ({
          board,
          types: await collect(client.list(PATHS.boardPart(board.id, 'types'), wire.lookup, {}, { operation: 'list board types' })),
          subtypes: await collect(client.list(PATHS.boardPart(board.id, 'subtypes'), wire.boardSubtype, {}, { operation: 'list board subtypes' })),
          statuses: await collect(client.list(PATHS.boardPart(board.id, 'statuses'), wire.boardStatus, {}, { operation: 'list board statuses' })),
        })),
      );
    },
    LOOKUP_TTL_MS,
    now,
  );
  const priorities = cached(() => collect(client.list(PATHS.priorities, wire.priority, {}, { operation: 'list priorities' })), LOOKUP_TTL_MS, now);
  const closedStatusIds = async () => new Set((await boards()).flatMap((b) => b.statuses.filter((s) => s.closedStatus === true).map((s) => s.id)));

  // ── directory ──

  async function defaultContacts(contactIds: readonly number[], operation: string): Promise<Map<number, wire.WireContact>> {
    const out = new Map<number, wire.WireContact>();
    for (const batch of inBatches(contactIds)) {
      for await (const c of client.list(PATHS.contacts, wire.contact, { conditions: and([where.in('id', batch)]), fields: CONTACT_FIELDS }, { operation })) out.set(c.id, c);
    }
    return out;
  }

  const isOwner = (c: wire.WireCompany) => (c.types ?? []).some((t) => (t.name ?? '').toLowerCase() === OWNER_TYPE);

  async function companyConditions(query: ListCompaniesQuery): Promise<{ conditions: string | undefined; childConditions: string | undefined }> {
    const inactive = query.includeInactive === true ? [] : [...(await inactiveStatusIds())];
    return {
      conditions: and([query.includeInactive !== true && where.eq('deletedFlag', false), inactive.length > 0 && where.notIn('status/id', inactive)]),
      childConditions: query.types !== undefined && query.types.length > 0 ? and([where.in('types/name', query.types)]) : undefined,
    };
  }

  async function* companiesOf(rows: AsyncIterable<wire.WireCompany[]>, seen: Set<number>, operation: string): AsyncGenerator<TargetCompany> {
    const inactive = await inactiveStatusIds();
    for await (const page of rows) {
      const companies = page.filter((c) => !isOwner(c) && !seen.has(c.id));
      const contacts = await defaultContacts(
        companies.flatMap((c) => (c.defaultContact ? [c.defaultContact.id] : [])),
        `${operation}: default contacts`,
      );
      for (const c of companies) {
        seen.add(c.id);
        yield toCompany(c, c.defaultContact ? contacts.get(c.defaultContact.id) : null, inactive);
      }
    }
  }

  async function* listCompanies(query: ListCompaniesQuery = {}): AsyncGenerator<TargetCompany> {
    const base = await companyConditions(query);
    const seen = new Set<number>();
    const since = query.updatedSince === undefined ? undefined : new Date(query.updatedSince);
    const conditions = and([base.conditions === undefined ? undefined : { text: base.conditions }, since !== undefined && where.gte('lastUpdated', since)]);
    yield* companiesOf(client.pages(PATHS.companies, wire.company, { conditions, childConditions: base.childConditions, fields: COMPANY_FIELDS }, { operation: 'list companies' }), seen, 'list companies');
    if (since === undefined) return;
    // A changed default contact does not touch its company's lastUpdated: look for those too.
    const changed = new Set<number>();
    const contactConditions = and([where.eq('defaultFlag', true), where.gte('lastUpdated', since)]);
    for await (const c of client.list(PATHS.contacts, wire.contact, { conditions: contactConditions, fields: ['id', 'company'] }, { operation: 'list changed default contacts' })) {
      if (c.company && !seen.has(c.company.id)) changed.add(c.company.id);
    }
    for (const batch of inBatches([...changed])) {
      const byId = and([base.conditions === undefined ? undefined : { text: base.conditions }, where.in('id', batch)]);
      yield* companiesOf(
        client.pages(PATHS.companies, wire.company, { conditions: byId, childConditions: base.childConditions, fields: COMPANY_FIELDS }, { operation: 'read companies of changed contacts' }),
        seen,
        'read companies of changed contacts',
      );
    }
  }

  const directory: TargetDirectory = {
    listCompanies,
    getCompany: async (id) => {
      if (!/^\d+$/.test(id)) return null;
      const row = await client.find(`${PATHS.companies}/${id}`, wire.company, { operation: 'read company', fields: COMPANY_FIELDS });
      if (row === null || isOwner(row)) return null;
      const contacts = row.defaultContact ? await defaultContacts([row.defaultContact.id], 'read default contact') : new Map<number, wire.WireContact>();
      return toCompany(row, row.defaultContact ? contacts.get(row.defaultContact.id) : null, await inactiveStatusIds());
    },
    listCompanyTypes: async () => (await companyTypes()).map((t) => ({ value: String(t.id), label: t.name })),
  };

  // ── catalog ──

  const subcategories = cached(() => collect(client.list(PATHS.subcategories, wire.lookup, {}, { operation: 'list product subcategories' })), LOOKUP_TTL_MS, now);
  const productTypes = cached(() => collect(client.list(PATHS.productTypes, wire.lookup, {}, { operation: 'list product types' })), LOOKUP_TTL_MS, now);

  async function findServiceByName(name: string): Promise<TargetProduct | null> {
    const wanted = name.trim();
    if (wanted === '') return null;
    const conditions = `(${where.eq('description', wanted).text} or ${where.eq('identifier', wanted).text})`;
    const rows = await collect(client.list(PATHS.catalog, wire.catalogItem, { conditions }, { operation: 'find product by name' }));
    const lower = wanted.toLowerCase();
    const match = rows.find((p) => (p.description ?? '').trim().toLowerCase() === lower) ?? rows.find((p) => p.identifier.toLowerCase() === lower);
    return match === undefined ? null : toProduct(match);
  }

  async function readProduct(id: string | number, operation: string): Promise<TargetProduct> {
    const row = await client.find(`${PATHS.catalog}/${id}`, wire.catalogItem, { operation });
    if (row === null) throw new ConnectorError({ code: 'not_found', system: CONNECTWISE_SYSTEM, message: `ConnectWise has no catalog product ${id}`, context: { operation } });
    return toProduct(row);
  }

  async function ensureService(service: NewTargetService, options: TargetWriteOptions): Promise<{ product: TargetProduct; created: boolean }> {
    const name = service.name.trim();
    const operation = `create product "${name}"`;
    if (name === '') throw badInput('A product needs a name', 'create product');
    const existing = await findServiceByName(name);
    if (existing !== null) return { product: existing, created: false };
    const subs = (await subcategories()).filter((s) => s.inactiveFlag !== true);
    const subcategory = service.serviceCode ? numericId(service.serviceCode, 'product subcategory', operation) : (subs.find((s) => /backup/i.test(s.name)) ?? subs[0])?.id;
    const types = (await productTypes()).filter((t) => t.inactiveFlag !== true);
    const type = (types.find((t) => t.defaultFlag === true) ?? types[0])?.id;
    if (subcategory === undefined || type === undefined) {
      throw badInput('ConnectWise has no active product subcategory or product type to file a new product under: create one (Setup Tables > Product Subcategory / Product Type)', operation);
    }
    const description = name.slice(0, 60);
    for (let round = 1; ; round += 1) {
      const body: Record<string, unknown> = {
        identifier: identifierFor(name, round === 1 ? '' : `-${createHash('sha256').update(`${name}|${round}`).digest('hex').slice(0, 4)}`),
        description,
        customerDescription: description,
        subcategory: { id: subcategory },
        type: { id: type },
        productClass: 'Service',
        price: service.unitPrice,
        recurringFlag: service.periodType === 'monthly',
        ...(service.unitCost === undefined || service.unitCost === null ? {} : { cost: service.unitCost }),
      };
      try {
        return { product: toProduct(await client.create(PATHS.catalog, body, wire.catalogItem, { operation })), created: true };
      } catch (error) {
        const found = isTransient(error) || isConnectorError(error, 'bad_request') ? await findServiceByName(name) : null;
        if (found !== null) return { product: found, created: isTransient(error) };
        // The identifier is taken by another product: the next round adds a suffix.
        const taken = isConnectorError(error, 'bad_request') && /identifier/i.test(error.message);
        if ((!isTransient(error) && !taken) || round >= WRITE_ROUNDS) throw withKey(error, options.idempotencyKey);
      }
    }
  }

  const catalog: TargetCatalog = {
    listProducts: (query = {}) =>
      (async function* () {
        if (query.kind === 'bundle') return;
        const conditions = query.activeOnly === true ? and([where.eq('inactiveFlag', false)]) : undefined;
        for await (const p of client.list(PATHS.catalog, wire.catalogItem, { conditions }, { operation: 'list catalog products' })) yield toProduct(p);
      })(),
    findServiceByName,
    ensureService,
    updateService: async (id: string, patch: TargetServicePatch) => {
      const operation = 'update product';
      const ops: { op: 'replace'; path: string; value: unknown }[] = [];
      if (patch.unitPrice !== undefined) ops.push({ op: 'replace', path: 'price', value: patch.unitPrice });
      if (patch.unitCost !== undefined) ops.push({ op: 'replace', path: 'cost', value: patch.unitCost ?? 0 });
      if (patch.description !== undefined && patch.description !== null) ops.push({ op: 'replace', path: 'customerDescription', value: patch.description.slice(0, 60) });
      if (ops.length === 0) return readProduct(numericId(id, 'product', operation), operation);
      return toProduct(await client.patch(`${PATHS.catalog}/${numericId(id, 'product', operation)}`, ops, wire.catalogItem, { operation, repeatable: true }));
    },
    listServiceCodes: async () => (await subcategories()).map((s) => ({ value: String(s.id), label: s.name, active: s.inactiveFlag !== true })),
  };

  // ── contracts ──

  async function contractsOfPage(page: readonly wire.WireAgreement[]): Promise<TargetContract[]> {
    const additions = new Map<number, wire.WireAddition[]>();
    await forEachPooled(page, additionConcurrency, async (a) => {
      additions.set(a.id, await collect(client.list(PATHS.additions(a.id), wire.addition, {}, { operation: 'list agreement additions' })));
    });
    return page.map((a) => toContract(a, additions.get(a.id) ?? [], paygCaption));
  }

  async function* listContracts(query: ListContractsQuery = {}): AsyncGenerator<TargetContract> {
    const since = query.updatedSince === undefined ? undefined : new Date(query.updatedSince);
    const base = [since !== undefined && where.gte('lastUpdated', since), query.includeEnded === false && where.eq('cancelledFlag', false)];
    const batches = query.companyIds === undefined ? [null] : [...inBatches(query.companyIds.filter((id) => /^\d+$/.test(id)).map(Number))];
    for (const batch of batches) {
      if (batch !== null && batch.length === 0) continue;
      const conditions = and([...base, batch !== null && where.in('company/id', batch)]);
      for await (const page of client.pages(PATHS.agreements, wire.agreement, { conditions }, { operation: 'list agreements' })) {
        const contracts = await contractsOfPage(page);
        yield* query.includeEnded === false ? contracts.filter((c) => c.endDate === null || Date.parse(c.endDate) >= (query.at ?? new Date(now())).getTime() - 86_400_000) : contracts;
      }
    }
  }

  const contracts: TargetContracts = { listContracts };

  // ── usage ──

  function additionPath(line: ContractLineRef, operation: string): string {
    return `${PATHS.additions(numericId(line.contractId, 'agreement', operation))}/${numericId(line.lineId, 'agreement addition', operation)}`;
  }

  async function readQuantity(line: ContractLineRef, operation: string): Promise<number> {
    const row = await client.find(additionPath(line, operation), wire.addition, { operation });
    if (row === null) {
      throw new ConnectorError({
        code: 'not_found',
        system: CONNECTWISE_SYSTEM,
        message: `ConnectWise has no addition ${line.lineId} on agreement ${line.contractId}: the addition was removed or moved to another agreement`,
        context: { operation, lineId: line.lineId, contractId: line.contractId },
      });
    }
    return row.quantity ?? 0;
  }

  async function setBilledQuantity(line: ContractLineRef, quantity: number, options: SetBilledQuantityOptions): Promise<BilledQuantityResult> {
    const operation = 'write usage (addition quantity)';
    if (!Number.isFinite(quantity) || quantity < 0) throw badInput(`An addition's quantity cannot be ${quantity}`, operation, { lineId: line.lineId });
    const previous = await readQuantity(line, operation);
    if (previous === quantity) return { previous, quantity, changed: false };
    try {
      // Setting the quantity twice is harmless, so a lost answer may be retried as it is.
      await client.patch(additionPath(line, operation), [{ op: 'replace', path: 'quantity', value: quantity }], wire.addition, { operation, repeatable: true });
    } catch (error) {
      throw withKey(error, options.idempotencyKey);
    }
    return { previous, quantity, changed: true };
  }

  const usage: TargetUsage = {
    mode: 'absolute',
    readBilledQuantity: (line) => readQuantity(line, 'read addition quantity'),
    setBilledQuantity,
  };

  // ── tickets ──

  async function picklists(): Promise<TargetPicklists> {
    const all = await boards();
    const board: PicklistEntry[] = all.map((b) => ({ value: String(b.board.id), label: b.board.name, active: b.board.inactiveFlag !== true }));
    const type: PicklistEntry[] = all.flatMap((b) => b.types.map((t) => ({ value: String(t.id), label: t.name, active: t.inactiveFlag !== true, parent: String(b.board.id) })));
    const subtype: PicklistEntry[] = all.flatMap((b) =>
      b.subtypes.map((s) => {
        const assoc = s.typeAssociationIds ?? [];
        // No association = the subtype goes with every type of its board.
        const parent = (assoc.length > 0 ? assoc : b.types.map((t) => t.id)).map(String);
        return { value: String(s.id), label: s.name, active: s.inactiveFlag !== true, parent };
      }),
    );
    const status: PicklistEntry[] = all.flatMap((b) =>
      b.statuses.map((s) => ({ value: String(s.id), label: s.name, active: s.inactive !== true && s.inactiveFlag !== true, parent: String(b.board.id) })),
    );
    const priority: PicklistEntry[] = (await priorities()).map((p) => ({ value: String(p.id), label: p.name, active: p.inactiveFlag !== true }));
    return { board, type, subtype, status, priority };
  }

  async function ticketsWhere(conditions: string | undefined, operation: string): Promise<TargetTicket[]> {
    const closed = await closedStatusIds();
    const rows = await collect(client.list(PATHS.tickets, wire.ticket, { conditions, fields: TICKET_FIELDS }, { operation }));
    return rows.map((t) => toTicket(t, closed));
  }

  async function findTicketsByExternalRef(query: ExternalRefQuery): Promise<TargetTicket[]> {
    const exact = 'exact' in query;
    const found = await ticketsWhere(and([exact ? where.eq('externalXRef', query.exact) : where.startsWith('externalXRef', query.prefix)]), 'find tickets by external reference');
    // The API compares text without regard to case; references are ours and exact.
    return found.filter((t) => (exact ? t.externalRef === query.exact : (t.externalRef ?? '').startsWith(query.prefix)));
  }

  async function getTicket(id: string): Promise<TargetTicket | null> {
    if (!/^\d+$/.test(id)) return null;
    const row = await client.find(`${PATHS.tickets}/${id}`, wire.ticket, { operation: 'read ticket', fields: TICKET_FIELDS });
    return row === null ? null : toTicket(row, await closedStatusIds());
  }

  async function createTicket(ticket: NewTargetTicket): Promise<{ ticket: TargetTicket; created: boolean }> {
    const operation = 'create ticket';
    const max = CONNECTWISE_CAPABILITIES.tickets === false ? 100 : CONNECTWISE_CAPABILITIES.tickets.externalRefMaxLength;
    if (ticket.externalRef === '' || ticket.externalRef.length > max) throw badInput(`A ticket's external reference must be 1..${max} characters, got ${ticket.externalRef.length}`, operation);
    const earlier = (await findTicketsByExternalRef({ exact: ticket.externalRef }))[0];
    if (earlier !== undefined) return { ticket: earlier, created: false };
    const f = ticket.fields;
    const title = ticket.title.length > SUMMARY_MAX ? `${ticket.title.slice(0, SUMMARY_MAX - 1)}…` : ticket.title;
    const body: Record<string, unknown> = {
      summary: title,
      company: { id: numericId(ticket.companyId, 'company', operation) },
      initialDescription: ticket.description,
      externalXRef: ticket.externalRef,
      recordType: 'ServiceTicket',
    };
    const refs: [string, string][] = [
      ['board', 'board'],
      ['status', 'status'],
      ['type', 'type'],
      ['subtype', 'subType'],
      ['priority', 'priority'],
    ];
    for (const [from, to] of refs) {
      const ref = refOf(f[from]);
      if (ref !== undefined) body[to] = ref;
    }
    if (ticket.contractId !== undefined && ticket.contractId !== null && /^\d+$/.test(ticket.contractId)) body.agreement = { id: Number(ticket.contractId) };
    for (let round = 1; ; round += 1) {
      try {
        const created = await client.create(PATHS.tickets, body, wire.ticket, { operation });
        return { ticket: toTicket(created, await closedStatusIds()), created: true };
      } catch (error) {
        if (!isTransient(error) || round >= WRITE_ROUNDS) throw withKey(error, ticket.externalRef);
        // The create may have landed: its reference finds it.
        const landed = (await findTicketsByExternalRef({ exact: ticket.externalRef }))[0];
        if (landed !== undefined) return { ticket: landed, created: true };
      }
    }
  }

  async function findNote(ticketId: number, text: string): Promise<number | null> {
    for await (const note of client.list(PATHS.notes(ticketId), wire.note, { fields: ['id', 'text'] }, { operation: 'find ticket note' })) {
      if ((note.text ?? '') === text) return note.id;
    }
    return null;
  }

  async function addTicketNote(ticketId: string, note: TicketNoteInput, options: TargetWriteOptions): Promise<{ noteId: string; created: boolean }> {
    const operation = 'add ticket note';
    const id = numericId(ticketId, 'ticket', operation);
    const text = noteText(note.title, note.text);
    const earlier = await findNote(id, text);
    if (earlier !== null) return { noteId: String(earlier), created: false };
    const body = { text, detailDescriptionFlag: true, internalAnalysisFlag: false, resolutionFlag: false };
    for (let round = 1; ; round += 1) {
      try {
        return { noteId: String((await client.create(PATHS.notes(id), body, wire.note, { operation })).id), created: true };
      } catch (error) {
        if (!isTransient(error) || round >= WRITE_ROUNDS) throw withKey(error, options.idempotencyKey);
        const landed = await findNote(id, text);
        if (landed !== null) return { noteId: String(landed), created: true };
      }
    }
  }

  const tickets: TargetTickets = {
    picklists,
    getTicket,
    findTicketsByExternalRef,
    createTicket,
    addTicketNote,
    setTicketStatus: async (ticketId, status, options) => {
      const operation = 'set ticket status';
      const ref = refOf(status);
      if (ref === undefined) throw badInput('A ticket status is required', operation);
      if (options.note !== undefined) await addTicketNote(ticketId, options.note, options);
      const current = await getTicket(ticketId);
      if (current === null) throw new ConnectorError({ code: 'not_found', system: CONNECTWISE_SYSTEM, message: `ConnectWise has no ticket ${ticketId}`, context: { operation } });
      if ('id' in ref && current.status === String(ref.id)) return current;
      try {
        const row = await client.patch(`${PATHS.tickets}/${numericId(ticketId, 'ticket', operation)}`, [{ op: 'replace', path: 'status', value: ref }], wire.ticket, { operation, repeatable: true });
        return toTicket(row, await closedStatusIds());
      } catch (error) {
        throw withKey(error, options.idempotencyKey);
      }
    },
    listTicketsChanged: (query: ListTicketsChangedQuery) =>
      (async function* () {
        const closed = await closedStatusIds();
        const conditions = and([
          where.gte('lastUpdated', new Date(query.since)),
          query.externalRefPrefix !== undefined && query.externalRefPrefix !== '' && where.startsWith('externalXRef', query.externalRefPrefix),
        ]);
        for await (const t of client.list(PATHS.tickets, wire.ticket, { conditions, fields: TICKET_FIELDS }, { operation: 'list changed tickets' })) {
          if (query.externalRefPrefix !== undefined && !(t.externalXRef ?? '').startsWith(query.externalRefPrefix)) continue;
          yield toTicket(t, closed);
        }
      })(),
  };

  // ── callbacks ──

  const entityOfType = (type: string): CallbackEntity | undefined => (Object.entries(CALLBACK_TYPES) as [CallbackEntity, string][]).find(([, t]) => t === type.toLowerCase())?.[0];

  const toRegistration = (c: wire.WireCallbackEntry): CallbackRegistration | null => {
    const entity = entityOfType(c.type);
    return entity === undefined ? null : { id: String(c.id), url: c.url, entity, active: c.inactiveFlag !== true };
  };

  async function listCallbacks(url?: string): Promise<CallbackRegistration[]> {
    const conditions = and([url === undefined ? where.eq('description', CALLBACK_DESCRIPTION) : where.eq('url', url)]);
    const rows = await collect(client.list(PATHS.callbacks, wire.callbackEntry, { conditions }, { operation: 'list callbacks' }));
    return rows.filter((r) => url === undefined || r.url === url).flatMap((r) => toRegistration(r) ?? []);
  }

  async function signingKey(keyUrl: string, fresh: boolean): Promise<Buffer> {
    const known = signingKeys.get(keyUrl);
    if (!fresh && known !== undefined && now() - known.at < KEY_TTL_MS) return known.key;
    const body = await client.getPublic(keyUrl, wire.signingKey, { operation: 'read the callback signing key' });
    const key = createHash('sha256').update(body.signing_key, 'utf8').digest();
    signingKeys.set(keyUrl, { key, at: now() });
    return key;
  }

  const refused = (message: string, context: Record<string, string> = {}): ConnectorError =>
    new ConnectorError({ code: 'auth_failed', system: CONNECTWISE_SYSTEM, message, context: { operation: 'verify callback', ...context } });

  async function verify(delivery: CallbackDelivery): Promise<TargetCallbackEvent> {
    const signature = delivery.headers['x-content-signature']?.trim() ?? '';
    if (signature === '') throw refused('The callback carries no x-content-signature header: it does not come from ConnectWise, and is refused.');
    const body = parsePayload(wire.callbackDelivery, parseJsonText(delivery.rawBody, 'a ConnectWise callback', { system: CONNECTWISE_SYSTEM }), 'a ConnectWise callback', { system: CONNECTWISE_SYSTEM });
    let keyUrl: URL;
    try {
      keyUrl = new URL(body.Metadata.key_url);
    } catch {
      throw refused('The callback names a key URL that is not a URL; refused.');
    }
    // A key URL elsewhere would let anyone sign with a key of their own.
    if (keyUrl.origin !== client.siteOrigin) {
      throw refused(`The callback's key URL is on ${keyUrl.origin}, not on the integration's ConnectWise site ${client.siteOrigin}; refused.`, { keyOrigin: keyUrl.origin });
    }
    const given = Buffer.from(signature, 'base64');
    const matches = (key: Buffer) => {
      const expected = createHmac('sha256', key).update(delivery.rawBody, 'utf8').digest();
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
    let ok = matches(await signingKey(keyUrl.href, false));
    if (!ok && signingKeys.has(keyUrl.href)) ok = matches(await signingKey(keyUrl.href, true));
    if (!ok) throw refused('The callback signature does not match its body and ConnectWise signing key; refused.');

    const entity = entityOfType(body.Type);
    if (entity === undefined) throw badInput(`A ${body.Type} callback is not one the hub registers (company, agreement, ticket)`, 'verify callback');
    const action = body.Action.toLowerCase();
    if (action !== 'added' && action !== 'updated' && action !== 'deleted') throw badInput(`Unknown callback action "${body.Action}"`, 'verify callback');
    let companyId: string | null = entity === 'company' ? String(body.ID) : null;
    if (entity !== 'company' && body.Entity !== undefined && body.Entity !== null && body.Entity !== '') {
      try {
        const record = JSON.parse(body.Entity) as { company?: { id?: unknown } };
        if (typeof record.company?.id === 'number') companyId = String(record.company.id);
      } catch {
        // The event stands without its company; the loop reads the record anyway.
      }
    }
    return { entity, action, id: String(body.ID), companyId };
  }

  const callbacks: TargetCallbacks = {
    list: listCallbacks,
    register: async (url, entities) => {
      const operation = 'register callbacks';
      for (const entity of entities) {
        const existing = (await listCallbacks(url)).find((c) => c.entity === entity);
        if (existing !== undefined) {
          if (!existing.active) await client.patch(`${PATHS.callbacks}/${existing.id}`, [{ op: 'replace', path: 'inactiveFlag', value: false }], wire.callbackEntry, { operation, repeatable: true });
          continue;
        }
        const body = { url, objectId: 1, type: CALLBACK_TYPES[entity], level: 'owner', description: CALLBACK_DESCRIPTION, isSelfSuppressedFlag: true, inactiveFlag: false };
        for (let round = 1; ; round += 1) {
          try {
            await client.create(PATHS.callbacks, body, wire.callbackEntry, { operation });
            break;
          } catch (error) {
            if (!isTransient(error) || round >= WRITE_ROUNDS) throw error;
            if ((await listCallbacks(url)).some((c) => c.entity === entity)) break;
          }
        }
      }
      return listCallbacks(url);
    },
    unregister: async (url) => {
      const found = await listCallbacks(url);
      for (const c of found) await client.remove(`${PATHS.callbacks}/${c.id}`, { operation: 'remove callback' });
      return found.length;
    },
    verify,
  };

  // ── preparation and connection ──

  /** Whether additions carry the PAYG field: read off one addition (custom fields are listed on every record). */
  async function paygFieldPresent(): Promise<boolean | null> {
    for await (const a of client.list(PATHS.agreements, wire.agreement, { pageSize: 25, fields: ['id', 'name', 'company'] }, { operation: 'find an agreement' })) {
      const [addition] = await collect(client.list(PATHS.additions(a.id), wire.addition, { pageSize: 1 }, { operation: 'read an addition' }));
      if (addition === undefined) continue;
      return (addition.customFields ?? []).some((f) => (f.caption ?? '').trim().toLowerCase() === paygCaption.toLowerCase());
    }
    return null;
  }

  async function prepare(): Promise<PreparationResult> {
    const present = await paygFieldPresent();
    const what = `custom field "${paygCaption}" on agreement additions`;
    if (present === false) {
      return {
        steps: [],
        warnings: [
          `Agreement additions have no "${paygCaption}" field: every addition counts as prepaid. Create it as a Checkbox (Setup Tables > Custom Fields, screen "Agreement Addition") to mark pay-as-you-go additions.`,
        ],
      };
    }
    return { steps: present === true ? [{ outcome: 'present', what }] : [], warnings: [] };
  }

  async function testConnection(): Promise<ConnectionCheck> {
    const info = await client.companyInfo();
    const owner = (
      await collect(client.list(PATHS.companies, wire.company, { childConditions: and([where.eq('types/name', 'Owner')]), fields: ['id', 'identifier', 'name', 'types'], pageSize: 1 }, { operation: 'read the MSP company' }))
    )[0];
    const warnings: string[] = [];
    if ((await paygFieldPresent()) === false) warnings.push(`Agreement additions have no "${paygCaption}" checkbox yet; every addition counts as prepaid until it exists.`);
    const host = new URL(client.siteOrigin).host;
    const who = owner === undefined ? '' : `${owner.name}, `;
    return { displayName: `${who}ConnectWise ${host} (${info.Codebase.replace(/\/$/, '')}) as company ${client.companyId}`, warnings };
  }

  async function apiBudget(): Promise<TargetApiBudget> {
    const u = client.usage();
    return { used: u.requestsLastHour, limit: null, windowMs: 3_600_000, rateLimited: u.rateLimitedLastHour, waitUntil: u.retryAfterUntil === null ? null : new Date(u.retryAfterUntil).toISOString() };
  }

  return {
    system: 'connectwise',
    capabilities: CONNECTWISE_CAPABILITIES,
    client,
    testConnection,
    prepare,
    directory,
    catalog,
    contracts,
    usage,
    tickets,
    callbacks,
    apiBudget,
  };
}

/** For tests and tools: whether an addition is PAYG under the default caption. */
export { isPayg, cwDateTime };
