/**
 * The CloudBlue PSA implementation of the Target port (seed 001, reference psa.md §C).
 *
 * - directory: customers with their status (Active, Inactive, Prospect, No Relationship: also the
 *   company "type" the mapping screen filters on), primary contact, and external-system links as
 *   `externalRefs` (`CMP` = the Ingram Cloud Marketplace account id, `RefNumber`).
 * - tickets: type, category (belongs to a type), team, status (New on creation), priority; the
 *   external reference is not unique in CloudBlue, so every create is preceded by an exact lookup.
 * - no catalog, contracts or usage: the seed has none for CloudBlue.
 *
 * Versions (seed 001 "Prerequisites"): CloudBlue PSA 4.25 or later is checked through the version
 * endpoint; a lower version refuses the connection. The vendor side's requirement (Acronis Cyber
 * Cloud 21.06 or later) cannot be read through any API the hub uses: `requirements()` reports it as
 * not checkable, and the connection test of the Acronis connection proves the APIs we call answer.
 */
import type { PicklistEntry, TargetPicklists } from '../../domain/alert-mapping.ts';
import { ConnectorError, isConnectorError } from '../kit/errors.ts';
import { ticketStatusSetter } from '../kit/ticket-status.ts';
import { lookUpThenWrite } from '../kit/look-up-then-write.ts';
import type {
  ConnectionCheck,
  ExternalRefQuery,
  ListCompaniesQuery,
  ListTicketsChangedQuery,
  NewTargetTicket,
  PreparationResult,
  Target,
  TargetCapabilities,
  TargetCompany,
  TargetDirectory,
  TargetTicket,
  TargetTickets,
  TargetWriteOptions,
  TicketNoteInput,
} from '../ports.ts';
import { CLOUDBLUE_SYSTEM, createCloudBlueClient, type CloudBlueClient, type CloudBlueClientOptions, type GridFilterRule } from './client.ts';
import * as wire from './wire.ts';

export const CLOUDBLUE_MIN_VERSION = '4.25';
export const VENDOR_MIN_VERSION = '21.06';
export const EXTERNAL_REF_MAX = 100;

export const CLOUDBLUE_CAPABILITIES: TargetCapabilities = {
  directory: { incremental: true, companyTypes: true },
  catalog: false,
  contracts: false,
  usage: false,
  tickets: { fields: ['type', 'category', 'team', 'status', 'priority'], externalRefMaxLength: EXTERNAL_REF_MAX },
  callbacks: false,
};

export interface VersionRequirement {
  product: string;
  required: string;
  /** What was found; null when it cannot be read. */
  found: string | null;
  /** null = not checkable. */
  ok: boolean | null;
  note: string;
}

export interface CloudBlueTarget extends Target {
  readonly system: 'cloudblue';
  readonly client: CloudBlueClient;
  /** Both version requirements of seed 001, as checked now. */
  requirements(): Promise<VersionRequirement[]>;
}

export type CloudBlueTargetOptions = CloudBlueClientOptions;

const CUSTOMER_COLUMNS = [
  'Id',
  'RefNumber',
  'Name',
  'Status',
  'StatusId',
  'PrimaryContactFirstName',
  'PrimaryContactLastName',
  'PrimaryContactEmail',
  'PrimaryContactPhone',
  'ModifiedDate',
];
const TICKET_COLUMNS = ['Id', 'RefNumber', 'Name', 'CustomerId', 'StatusId', 'Status', 'IsClosed', 'ExternalReference', 'ModifiedDate', 'CreatedDate'];
const LINK_COLUMNS = ['CustomerId', 'ExternalSystem', 'ExternalId'];
/** Up to this many customers, their links are asked for by id; beyond, the whole link report is read once. */
const LINKS_BY_ID_MAX = 100;

/** "4.28.2.1043" ≥ "4.25"? Compares numerically part by part; missing parts count as 0. */
export function versionAtLeast(found: string, required: string): boolean {
  const a = found.split(/[^\d]+/).filter((p) => p !== '').map(Number);
  const b = required.split(/[^\d]+/).filter((p) => p !== '').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

const nonEmpty = (v: string | null | undefined): string | null => (v === undefined || v === null || v.trim() === '' ? null : v);
const isoOrNull = (v: string | null | undefined): string | null => {
  if (v === undefined || v === null || v === '') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
};

function badInput(message: string, operation: string, context: Record<string, string | number> = {}): ConnectorError {
  return new ConnectorError({ code: 'bad_request', system: CLOUDBLUE_SYSTEM, message, context: { operation, ...context } });
}

export function createCloudBlueTarget(options: CloudBlueTargetOptions): CloudBlueTarget {
  const client = createCloudBlueClient(options);

  // Lookups change rarely; read once per target instance (one per integration start).
  let statusLookup: Promise<wire.TicketStatus[]> | undefined;
  let customerStatusLookup: Promise<{ Id: number; Name: string; IsActive?: boolean }[]> | undefined;
  const ticketStatuses = () => (statusLookup ??= client.get(client.path('ticketStatuses'), wire.ticketStatuses, 'read ticket statuses').catch((e: unknown) => {
    statusLookup = undefined;
    throw e;
  }));
  const customerStatuses = () => (customerStatusLookup ??= client.get(client.path('customerStatuses'), wire.customerStatuses, 'read customer statuses').catch((e: unknown) => {
    customerStatusLookup = undefined;
    throw e;
  }));

  // ── directory ──

  async function linksOf(customerIds: readonly number[] | 'all'): Promise<Map<number, Record<string, string>>> {
    const out = new Map<number, Record<string, string>>();
    const filters: GridFilterRule[] = customerIds === 'all' ? [] : [{ field: 'CustomerId', op: 'in', data: customerIds.join(',') }];
    if (customerIds !== 'all' && customerIds.length === 0) return out;
    for await (const page of client.report(client.path('linkedCustomersReport'), { filters, columns: LINK_COLUMNS, sortColumn: 'CustomerId', operation: 'list external-system links' }, wire.linkRow)) {
      for (const link of page) {
        if (link.ExternalId === null || link.ExternalId === '') continue;
        const refs = out.get(link.CustomerId) ?? {};
        // A customer linked twice to one system keeps both ids, so a matcher can see the ambiguity.
        refs[link.ExternalSystem] = refs[link.ExternalSystem] === undefined ? link.ExternalId : `${refs[link.ExternalSystem]},${link.ExternalId}`;
        out.set(link.CustomerId, refs);
      }
    }
    return out;
  }

  async function activeStatusIds(): Promise<Map<number, boolean>> {
    return new Map((await customerStatuses()).map((s) => [s.Id, s.IsActive ?? s.Name.toLowerCase() === 'active']));
  }

  function toCompany(row: wire.CustomerRow, refs: Record<string, string>, active: Map<number, boolean>): TargetCompany {
    const first = nonEmpty(row.PrimaryContactFirstName);
    const last = nonEmpty(row.PrimaryContactLastName);
    const email = nonEmpty(row.PrimaryContactEmail);
    const hasContact = first !== null || last !== null || email !== null;
    const statusId = row.StatusId ?? null;
    return {
      id: String(row.Id),
      name: row.Name,
      type: nonEmpty(row.Status),
      active: statusId === null ? (row.Status ?? '').toLowerCase() === 'active' : (active.get(statusId) ?? false),
      externalRefs: { ...(nonEmpty(row.RefNumber) === null ? {} : { RefNumber: row.RefNumber as string }), ...refs },
      primaryContact: hasContact ? { id: `${row.Id}:primary`, email, firstName: first, lastName: last, phone: nonEmpty(row.PrimaryContactPhone) } : null,
      updatedAt: isoOrNull(row.ModifiedDate),
    };
  }

  async function* listCompanies(query: ListCompaniesQuery = {}): AsyncGenerator<TargetCompany> {
    const active = await activeStatusIds();
    const filters: GridFilterRule[] = [];
    if (query.updatedSince !== undefined) filters.push({ field: 'ModifiedDate', op: 'ge', data: new Date(query.updatedSince).toISOString() });
    if (query.includeInactive !== true) filters.push({ field: 'StatusId', op: 'in', data: [...active].filter(([, on]) => on).map(([idOf]) => idOf).join(',') || '0' });
    if (query.types !== undefined && query.types.length > 0) filters.push({ field: 'Status', op: 'in', data: query.types.join(',') });
    let allLinks: Map<number, Record<string, string>> | undefined;
    for await (const page of client.report(client.path('customersReport'), { filters, columns: CUSTOMER_COLUMNS, operation: 'list customers' }, wire.customerRow)) {
      let links: Map<number, Record<string, string>>;
      if (allLinks !== undefined) links = allLinks;
      else if (page.length <= LINKS_BY_ID_MAX && query.updatedSince !== undefined) links = await linksOf(page.map((r) => r.Id));
      else links = allLinks = await linksOf('all');
      for (const row of page) yield toCompany(row, links.get(row.Id) ?? {}, active);
    }
  }

  const directory: TargetDirectory = {
    listCompanies,
    getCompany: async (idText) => {
      if (!/^\d+$/.test(idText)) return null;
      const c = await client.find(client.path('customer', idText), wire.customer, 'read customer');
      if (c === null) return null;
      const refs: Record<string, string> = {};
      for (const link of c.ExternalSystems ?? []) {
        if (link.ExternalId === null || link.ExternalId === '') continue;
        refs[link.System] = refs[link.System] === undefined ? link.ExternalId : `${refs[link.System]},${link.ExternalId}`;
      }
      const contact = c.PrimaryContact ?? null;
      const row: wire.CustomerRow = {
        Id: c.Id,
        RefNumber: c.RefNumber,
        Name: c.Name,
        Status: c.Status,
        StatusId: c.StatusId,
        PrimaryContactFirstName: contact?.FirstName ?? null,
        PrimaryContactLastName: contact?.LastName ?? null,
        PrimaryContactEmail: contact?.Email ?? null,
        PrimaryContactPhone: contact?.Phone ?? null,
        ModifiedDate: c.ModifiedDate,
      };
      return toCompany(row, refs, await activeStatusIds());
    },
    listCompanyTypes: async () => (await customerStatuses()).map((s) => ({ value: s.Name, label: s.Name, active: true })),
  };

  // ── tickets ──

  async function closedStatusIds(): Promise<Set<number>> {
    return new Set((await ticketStatuses()).filter((s) => s.IsClosed ?? ['resolved', 'closed'].includes((s.Kind ?? '').toLowerCase())).map((s) => s.Id));
  }

  function toTicket(t: wire.Ticket, closed: Set<number>): TargetTicket {
    const statusId = t.StatusId ?? null;
    return {
      id: String(t.Id),
      number: nonEmpty(t.RefNumber),
      companyId: String(t.CustomerId),
      title: t.Name ?? t.Subject ?? '',
      status: statusId === null ? (t.Status ?? '') : String(statusId),
      closed: t.IsClosed ?? (statusId !== null && closed.has(statusId)),
      lastModifiedAt: isoOrNull(t.ModifiedDate) ?? isoOrNull(t.CreatedDate) ?? new Date(0).toISOString(),
      externalRef: nonEmpty(t.ExternalReference),
      contractId: null,
    };
  }

  async function ticketsWhere(filters: GridFilterRule[], operation: string): Promise<wire.Ticket[]> {
    const out: wire.Ticket[] = [];
    for await (const page of client.report(client.path('ticketsReport'), { filters, columns: TICKET_COLUMNS, operation }, wire.ticket)) out.push(...page);
    return out;
  }

  async function findTicketsByExternalRef(query: ExternalRefQuery): Promise<TargetTicket[]> {
    const exact = 'exact' in query;
    const value = exact ? query.exact : query.prefix;
    if (value === '') return [];
    const rows = await ticketsWhere([{ field: 'ExternalReference', op: exact ? 'eq' : 'bw', data: value }], 'find tickets by external reference');
    // The grid compares text without regard to case; references are ours and exact.
    const mine = rows.filter((t) => (exact ? t.ExternalReference === value : (t.ExternalReference ?? '').startsWith(value)));
    const closed = await closedStatusIds();
    return mine.sort((a, b) => a.Id - b.Id).map((t) => toTicket(t, closed));
  }

  async function getTicket(idText: string): Promise<TargetTicket | null> {
    if (!/^\d+$/.test(idText)) return null;
    const t = await client.find(client.path('ticket', idText), wire.ticket, 'read ticket');
    return t === null ? null : toTicket(t, await closedStatusIds());
  }

  const lookupId = (value: string | undefined): number | string | undefined => {
    if (value === undefined || value.trim() === '') return undefined;
    return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value.trim();
  };

  async function newStatusId(): Promise<number> {
    const statuses = await ticketStatuses();
    const found = statuses.find((s) => s.Name.toLowerCase() === 'new') ?? statuses.find((s) => s.IsDefault === true);
    if (found === undefined) throw badInput('CloudBlue PSA has no ticket status "New" (nor a default status) for new tickets: add one under Setup > Tickets > Statuses', 'create ticket');
    return found.Id;
  }

  async function createTicket(ticket: NewTargetTicket): Promise<{ ticket: TargetTicket; created: boolean }> {
    const operation = 'create ticket';
    if (ticket.externalRef === '' || ticket.externalRef.length > EXTERNAL_REF_MAX) {
      throw badInput(`A ticket's external reference must be 1..${EXTERNAL_REF_MAX} characters, got ${ticket.externalRef.length}`, operation);
    }
    if (!/^\d+$/.test(ticket.companyId)) throw badInput(`"${ticket.companyId}" is not a CloudBlue PSA customer id`, operation);
    const bodyOf = async (): Promise<Record<string, unknown>> => {
      const f = ticket.fields;
      const type = lookupId(f.type);
      const team = lookupId(f.team);
      if (type === undefined) throw badInput('A CloudBlue PSA ticket needs a Type: choose one in the alert mapping', operation, { field: 'type' });
      if (team === undefined) throw badInput('A CloudBlue PSA ticket needs a Team: choose one in the alert mapping', operation, { field: 'team' });
      const body: Record<string, unknown> = {
        CustomerId: Number(ticket.companyId),
        Subject: ticket.title,
        Description: ticket.description,
        ExternalReference: ticket.externalRef,
        [typeof type === 'number' ? 'TypeId' : 'Type']: type,
        [typeof team === 'number' ? 'TeamId' : 'Team']: team,
        // Seed 001: "Ticket status is set to New".
        StatusId: await newStatusId(),
      };
      const category = lookupId(f.category);
      if (category !== undefined) body[typeof category === 'number' ? 'CategoryId' : 'Category'] = category;
      const priority = lookupId(f.priority);
      if (priority !== undefined) body[typeof priority === 'number' ? 'PriorityId' : 'Priority'] = priority;
      return body;
    };
    const result = await lookUpThenWrite({
      // The field is not unique in CloudBlue: our own earlier ticket is looked for first.
      lookUp: async () => (await findTicketsByExternalRef({ exact: ticket.externalRef }))[0] ?? null,
      write: async () => {
        const made = await client.send('POST', client.path('tickets'), await bodyOf(), wire.created, operation);
        const read = await getTicket(String(made.Id));
        if (read === null) throw new ConnectorError({ code: 'bad_payload', system: CLOUDBLUE_SYSTEM, message: `CloudBlue PSA created ticket ${made.Id} but cannot read it back`, context: { operation } });
        return read;
      },
      idempotencyKey: ticket.externalRef,
    });
    return { ticket: result.value, created: result.created };
  }

  const noteText = (note: TicketNoteInput): string => (note.title === undefined || note.title === '' ? note.text : `${note.title}\n\n${note.text}`);

  async function findNote(ticketId: string, text: string): Promise<string | null> {
    const list = await client.get(client.path('ticketNotes', ticketId), wire.notes, 'list ticket notes');
    const found = list.find((n) => (n.Text ?? '') === text);
    return found === undefined ? null : String(found.Id);
  }

  async function addTicketNote(ticketId: string, note: TicketNoteInput, options: TargetWriteOptions): Promise<{ noteId: string; created: boolean }> {
    const operation = 'add ticket note';
    if (!/^\d+$/.test(ticketId)) throw badInput(`"${ticketId}" is not a CloudBlue PSA ticket id`, operation);
    const text = noteText(note);
    const isPublic = ['true', '1', 'yes', 'public'].includes((note.fields.publish ?? note.fields.isPublic ?? '').toLowerCase());
    const result = await lookUpThenWrite({
      lookUp: () => findNote(ticketId, text),
      write: async () => String((await client.send('POST', client.path('ticketNotes', ticketId), { Text: text, IsPublic: isPublic }, wire.note, operation)).Id),
      idempotencyKey: options.idempotencyKey,
    });
    return { noteId: result.value, created: result.created };
  }

  async function statusIdOf(status: string, operation: string): Promise<number> {
    const statuses = await ticketStatuses();
    const trimmed = status.trim();
    const found = /^\d+$/.test(trimmed) ? statuses.find((s) => s.Id === Number(trimmed)) : statuses.find((s) => s.Name.toLowerCase() === trimmed.toLowerCase());
    if (found === undefined) throw badInput(`CloudBlue PSA has no ticket status "${status}"; choose one of: ${statuses.map((s) => `${s.Id} (${s.Name})`).join(', ')}`, operation);
    return found.Id;
  }

  const setStatusOnce = ticketStatusSetter({ system: CLOUDBLUE_SYSTEM, systemName: 'CloudBlue PSA', addTicketNote, getTicket });
  const tickets: TargetTickets = {
    picklists: async () => {
      const [types, categories, teams, statuses, priorities] = await Promise.all([
        client.get(client.path('ticketTypes'), wire.lookups, 'read ticket types'),
        client.get(client.path('ticketCategories'), wire.categories, 'read ticket categories'),
        client.get(client.path('ticketTeams'), wire.lookups, 'read ticket teams'),
        ticketStatuses(),
        client.get(client.path('ticketPriorities'), wire.priorities, 'read ticket priorities'),
      ]);
      const entries = (list: { Id: number; Name: string }[]): PicklistEntry[] => list.map((x) => ({ value: String(x.Id), label: x.Name }));
      const out: TargetPicklists = {
        type: entries(types),
        category: categories.map((c) => ({ value: String(c.Id), label: c.Name, ...(c.TypeId === undefined || c.TypeId === null ? {} : { parent: String(c.TypeId) }) })),
        team: entries(teams),
        status: entries(statuses),
        priority: entries(priorities),
      };
      return out;
    },
    getTicket,
    findTicketsByExternalRef,
    createTicket,
    addTicketNote,
    setTicketStatus: async (ticketId, status, options) => {
      const operation = 'set ticket status';
      const statusId = await statusIdOf(status, operation);
      return setStatusOnce(ticketId, options, (current) => current.status === String(statusId), async (current) => {
        // PUT is idempotent: setting the same status twice changes nothing on CloudBlue either.
        await client.send('PUT', client.path('ticketStatus', ticketId), { StatusId: statusId }, wire.ticket, operation);
        return (await getTicket(ticketId)) ?? current;
      });
    },
    listTicketsChanged: (query: ListTicketsChangedQuery) =>
      (async function* () {
        const filters: GridFilterRule[] = [{ field: 'ModifiedDate', op: 'ge', data: new Date(query.since).toISOString() }];
        if (query.externalRefPrefix !== undefined && query.externalRefPrefix !== '') filters.push({ field: 'ExternalReference', op: 'bw', data: query.externalRefPrefix });
        const closed = await closedStatusIds();
        for await (const page of client.report(client.path('ticketsReport'), { filters, columns: TICKET_COLUMNS, sortColumn: 'ModifiedDate', operation: 'list changed tickets' }, wire.ticket)) {
          for (const t of page) {
            if (query.externalRefPrefix !== undefined && query.externalRefPrefix !== '' && !(t.ExternalReference ?? '').startsWith(query.externalRefPrefix)) continue;
            yield toTicket(t, closed);
          }
        }
      })(),
  };

  // ── versions, connection, preparation ──

  async function psaVersion(): Promise<VersionRequirement> {
    const base = { product: 'CloudBlue PSA', required: `${CLOUDBLUE_MIN_VERSION} or later` };
    try {
      const v = await client.get(client.path('version'), wire.version, 'read version');
      const ok = versionAtLeast(v.Version, CLOUDBLUE_MIN_VERSION);
      return { ...base, found: v.Version, ok, note: ok ? `version ${v.Version}` : `version ${v.Version} is older than ${CLOUDBLUE_MIN_VERSION}, the oldest this integration works with: upgrade CloudBlue PSA` };
    } catch (error) {
      // The version path is proposed, not documented: a 404 means this instance answers it elsewhere.
      if (!isConnectorError(error, 'not_found')) throw error;
      return {
        ...base,
        found: null,
        ok: null,
        note: `the version cannot be read (${client.config.apiBase}${client.path('version')} answered 404): make sure the instance runs ${CLOUDBLUE_MIN_VERSION} or later, or set the connector's version path`,
      };
    }
  }

  const vendorRequirement = (): VersionRequirement => ({
    product: 'Acronis Cyber Protect Cloud',
    required: `${VENDOR_MIN_VERSION} or later`,
    found: null,
    ok: null,
    note: 'the platform version is not exposed by the Acronis APIs the integration uses, so it is not checked; the connection test of the Acronis connection shows that those APIs answer',
  });

  async function checkVersion(): Promise<VersionRequirement> {
    const psa = await psaVersion();
    if (psa.ok === false) {
      throw new ConnectorError({
        code: 'unexpected_response',
        system: CLOUDBLUE_SYSTEM,
        message: `CloudBlue PSA at ${client.siteUrl}: ${psa.note}`,
        context: { operation: 'check version', found: psa.found ?? '', required: CLOUDBLUE_MIN_VERSION },
      });
    }
    return psa;
  }

  async function testConnection(): Promise<ConnectionCheck> {
    const psa = await checkVersion();
    // A key check that does not depend on the proposed version path: the documented report.
    await ticketsWhere([{ field: 'Id', op: 'eq', data: '0' }], 'check the API key');
    const warnings = psa.ok === null ? [`CloudBlue PSA ${psa.note}`] : [];
    return { displayName: `CloudBlue PSA${psa.found === null ? '' : ` ${psa.found}`} at ${new URL(client.siteUrl).host}`, warnings };
  }

  async function prepare(): Promise<PreparationResult> {
    const psa = await checkVersion();
    const statuses = await ticketStatuses();
    const newId = await newStatusId();
    return {
      steps: [
        { outcome: 'present', what: `CloudBlue PSA ${psa.found ?? '(version not readable)'} (${CLOUDBLUE_MIN_VERSION} or later required)` },
        { outcome: 'present', what: `ticket status "${statuses.find((s) => s.Id === newId)?.Name ?? 'New'}" for new tickets`, id: String(newId) },
      ],
      warnings: psa.ok === null ? [`CloudBlue PSA ${psa.note}`] : [],
    };
  }

  return {
    system: 'cloudblue',
    capabilities: CLOUDBLUE_CAPABILITIES,
    client,
    requirements: async () => [await psaVersion(), vendorRequirement()],
    testConnection,
    prepare,
    directory,
    tickets,
  };
}

/** The ids a company carries for Ingram Cloud Marketplace (`externalRefs.CMP`, possibly several, comma-separated). */
export function marketplaceIdsOf(company: Pick<TargetCompany, 'externalRefs'>, system = 'CMP'): string[] {
  const raw = company.externalRefs[system];
  return raw === undefined ? [] : raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
