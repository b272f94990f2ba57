/** Service tickets per board, found by `externalXRef` before anything is written; notes found by their text. */
import type { PicklistEntry, TargetPicklists } from '../../domain/alert-mapping.ts';
import { collect } from '../kit/paging.ts';
import { lookUpThenWrite, withIdempotencyKey } from '../kit/look-up-then-write.ts';
import { ticketStatusSetter } from '../kit/ticket-status.ts';
import type {
  ExternalRefQuery,
  ListTicketsChangedQuery,
  NewTargetTicket,
  TargetTicket,
  TargetTickets,
  TargetWriteOptions,
  TicketNoteInput,
} from '../ports.ts';
import { CONNECTWISE_SYSTEM } from './client.ts';
import { and, where } from './conditions.ts';
import { noteText, toTicket } from './mapping.ts';
import { badInput, numericId, PATHS, refOf, type ConnectWiseParts } from './target-parts.ts';
import * as wire from './wire.ts';

/** The hub's external reference lives in `externalXRef`, a standard field of at most 100 characters. */
export const EXTERNAL_REF_MAX = 100;
const TICKET_FIELDS = ['id', 'summary', 'company', 'board', 'status', 'type', 'subType', 'priority', 'agreement', 'externalXRef', 'closedFlag', '_info/lastUpdated'];
const SUMMARY_MAX = 100;

export function createConnectWiseTickets(parts: ConnectWiseParts): TargetTickets {
  const { client } = parts;
  const { boards, priorities, closedStatusIds } = parts.lookups;

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
    const max = EXTERNAL_REF_MAX;
    if (ticket.externalRef === '' || ticket.externalRef.length > max) throw badInput(`A ticket's external reference must be 1..${max} characters, got ${ticket.externalRef.length}`, operation);
    const bodyOf = (): Record<string, unknown> => {
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
      return body;
    };
    const result = await lookUpThenWrite({
      lookUp: async () => (await findTicketsByExternalRef({ exact: ticket.externalRef }))[0] ?? null,
      write: async () => toTicket(await client.create(PATHS.tickets, bodyOf(), wire.ticket, { operation }), await closedStatusIds()),
      idempotencyKey: ticket.externalRef,
    });
    return { ticket: result.value, created: result.created };
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
    const body = { text, detailDescriptionFlag: true, internalAnalysisFlag: false, resolutionFlag: false };
    const result = await lookUpThenWrite({
      lookUp: () => findNote(id, text),
      write: async () => (await client.create(PATHS.notes(id), body, wire.note, { operation })).id,
      idempotencyKey: options.idempotencyKey,
    });
    return { noteId: String(result.value), created: result.created };
  }

  const setStatusOnce = ticketStatusSetter({ system: CONNECTWISE_SYSTEM, systemName: 'ConnectWise', addTicketNote, getTicket });
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
      return setStatusOnce(ticketId, options, (current) => 'id' in ref && current.status === String(ref.id), async () => {
        try {
          const row = await client.patch(`${PATHS.tickets}/${numericId(ticketId, 'ticket', operation)}`, [{ op: 'replace', path: 'status', value: ref }], wire.ticket, { operation, repeatable: true });
          return toTicket(row, await closedStatusIds());
        } catch (error) {
          throw withIdempotencyKey(error, options.idempotencyKey);
        }
      });
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

  return tickets;
}
