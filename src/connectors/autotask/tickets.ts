/** Autotask tickets and ticket notes, found by the hub's external reference before anything is written. */
import type { TargetPicklists } from '../../domain/alert-mapping.ts';
import { ConnectorError } from '../kit/errors.ts';
import { collect } from '../kit/paging.ts';
import type {
  ExternalRefQuery,
  ListTicketsChangedQuery,
  NewTargetTicket,
  TargetTicket,
  TargetTickets,
  TargetWriteOptions,
  TicketNoteInput,
} from '../ports.ts';
import { isoUtc, toPicklistEntries, toTicket } from './mapping.ts';
import { buildQuery, where, type Condition } from './query.ts';
import { lookUpThenWrite } from '../kit/look-up-then-write.ts';
import { ticketStatusSetter } from '../kit/ticket-status.ts';
import { badInput, picklistNumber, type AutotaskParts } from './target-parts.ts';
import * as wire from './wire.ts';
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

const TICKET_FIELDS = ['id', 'ticketNumber', 'companyID', 'title', 'status', 'contractID', 'externalID', 'lastTrackedModificationDateTime', 'createDate'];
const NOTE_TITLE_MAX = 250;

export function createAutotaskTickets(parts: AutotaskParts): TargetTickets {
  const { client, picklists } = parts;

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
    const result = await lookUpThenWrite({
      lookUp: async () => (await findTicketsByExternalRef({ exact: ticket.externalRef }))[0] ?? null,
      write: async () => {
        const id = await client.create('Tickets', '/Tickets', await ticketBody(ticket, operation), { operation });
        const created = await getTicket(String(id));
        if (created === null) throw new ConnectorError({ code: 'bad_payload', system: 'autotask', message: `Autotask created ticket ${id} but cannot read it back`, context: { operation } });
        return created;
      },
      idempotencyKey: ticket.externalRef,
    });
    return { ticket: result.value, created: result.created };
  }

  async function ticketBody(ticket: NewTargetTicket, operation: string): Promise<Record<string, unknown>> {
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
    return body;
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
    const result = await lookUpThenWrite({
      lookUp: () => findNote(id, title, note.text),
      write: async () => {
        const noteType = picklistNumber(note.fields.noteType, 'noteType', operation) ?? (await picklists.defaultOf('TicketNotes', 'noteType'));
        const publish = picklistNumber(note.fields.publish, 'publish', operation) ?? (await picklists.defaultOf('TicketNotes', 'publish'));
        return client.create('TicketNotes', `/Tickets/${id}/Notes`, { ticketID: id, title, description: note.text, noteType, publish }, { operation });
      },
      idempotencyKey: options.idempotencyKey,
    });
    return { noteId: String(result.value), created: result.created };
  }

  const setStatusOnce = ticketStatusSetter({ system: 'autotask', systemName: 'Autotask', addTicketNote, getTicket });
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
      return setStatusOnce(ticketId, options, (current) => current.status === String(value), async (current) => {
        await client.update('Tickets', '/Tickets', { id: Number(ticketId), status: value }, { operation });
        return (await getTicket(ticketId)) ?? current;
      });
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

  return tickets;
}
