/**
 * `setTicketStatus` as every target implements it (port contract, src/connectors/ports.ts): the note
 * first, through `addTicketNote` and its own look-up, so a retry after the status write finds the
 * note already there; then the status, written only when the ticket does not have it yet, so a
 * retry of a status change writes nothing.
 */
import { ConnectorError } from './errors.ts';
import type { TargetTicket, TargetWriteOptions, TicketNoteInput } from '../ports.ts';

export interface TicketStatusChange {
  ticketId: string;
  options: TargetWriteOptions & { note?: TicketNoteInput };
  /** The connector's system id and the name a person knows it by ("ConnectWise"), for the not-found error. */
  system: string;
  systemName: string;
  addTicketNote(ticketId: string, note: TicketNoteInput, options: TargetWriteOptions): Promise<unknown>;
  getTicket(ticketId: string): Promise<TargetTicket | null>;
  /** Whether the ticket has the status asked for already. */
  hasStatus(current: TargetTicket): boolean;
  /** Writes the status; returns the ticket as it is afterwards. */
  write(current: TargetTicket): Promise<TargetTicket>;
}

export async function setTicketStatusOnce(change: TicketStatusChange): Promise<TargetTicket> {
  const { ticketId, options } = change;
  if (options.note !== undefined) await change.addTicketNote(ticketId, options.note, options);
  const current = await change.getTicket(ticketId);
  if (current === null) {
    throw new ConnectorError({ code: 'not_found', system: change.system, message: `${change.systemName} has no ticket ${ticketId}`, context: { operation: 'set ticket status' } });
  }
  if (change.hasStatus(current)) return current;
  return change.write(current);
}
