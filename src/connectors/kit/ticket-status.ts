/**
 * `setTicketStatus` as every target implements it (port contract, src/connectors/ports.ts): the note
 * first, through `addTicketNote` and its own look-up, so a retry after the status write finds the
 * note already there; then the status, written only when the ticket does not have it yet, so a
 * retry of a status change writes nothing.
 */
import { ConnectorError } from './errors.ts';
import type { TargetTicket, TargetWriteOptions, TicketNoteInput } from '../ports.ts';

export interface TicketStatusTarget {
  /** The connector's system id and the name a person knows it by ("ConnectWise"), for the not-found error. */
  system: string;
  systemName: string;
  addTicketNote(ticketId: string, note: TicketNoteInput, options: TargetWriteOptions): Promise<unknown>;
  getTicket(ticketId: string): Promise<TargetTicket | null>;
}

/**
 * A target's `setTicketStatus` from its note and read methods: `hasStatus` says whether the ticket
 * has the status asked for already, `write` writes it and returns the ticket as it is afterwards.
 */
export function ticketStatusSetter(target: TicketStatusTarget) {
  return async (
    ticketId: string,
    options: TargetWriteOptions & { note?: TicketNoteInput },
    hasStatus: (current: TargetTicket) => boolean,
    write: (current: TargetTicket) => Promise<TargetTicket>,
  ): Promise<TargetTicket> => {
    if (options.note !== undefined) await target.addTicketNote(ticketId, options.note, options);
    const current = await target.getTicket(ticketId);
    if (current === null) {
      throw new ConnectorError({ code: 'not_found', system: target.system, message: `${target.systemName} has no ticket ${ticketId}`, context: { operation: 'set ticket status' } });
    }
    if (hasStatus(current)) return current;
    return write(current);
  };
}
