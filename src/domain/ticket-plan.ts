/**
 * The ticket loops' plans in words a person reads (`psa-bridge sync --dry-run`, the portal's dry
 * run): one entry per decision of `decideAlertEvent` / `decideTicketEvent`. Pure: the loops compute
 * these from the decisions before anything is applied, and a dry run applies nothing else.
 */
import type { AlertDecision, CompanyMapping, TicketDecision } from './ticket-lifecycle.ts';

/** What the alerts loop decided for one alert. */
export interface AlertPlanEntry {
  alertId: string;
  alertType: string;
  tenantId: string | null;
  /** The target company the ticket is for, when the tenant is mapped. */
  company: string | null;
  action: AlertDecision['kind'];
  /** The ticket written to (null for a new ticket and for no write). */
  ticketId: string | null;
  /** What is written (the new ticket's title, the note's title, the status), or why nothing is. */
  what: string;
}

/** What the tickets loop decided for one changed ticket. */
export interface TicketPlanEntry {
  ticketId: string;
  ticketNumber: string | null;
  action: TicketDecision['kind'];
  /** The vendor alerts cleared (none for `nothing`). */
  alertIds: string[];
  what: string;
}

export function alertPlanEntry(decision: AlertDecision, alert: { type: string; tenantId?: string | null }, mapping: CompanyMapping | null): AlertPlanEntry {
  const base = { alertId: decision.alertId, alertType: alert.type, tenantId: alert.tenantId ?? null, company: mapping?.companyName ?? null };
  switch (decision.kind) {
    case 'create_ticket':
      return { ...base, action: decision.kind, ticketId: null, what: decision.contractName === null ? decision.title : `${decision.title} (contract ${decision.contractName})` };
    case 'add_note':
      return { ...base, action: decision.kind, ticketId: decision.ticketId, what: `note "${decision.note.title}" (occurrence ${decision.occurrences})` };
    case 'reopen_ticket':
      return { ...base, action: decision.kind, ticketId: decision.ticketId, what: `status ${decision.status ?? '(no reopen status set)'}: ${decision.note.title}` };
    case 'close_ticket':
      return { ...base, action: decision.kind, ticketId: decision.ticketId, what: `status ${decision.status ?? '(no close status set)'}: ${decision.note.title}` };
    case 'wait_unmapped':
      return { ...base, action: decision.kind, ticketId: null, what: decision.detail };
    case 'nothing':
      return { ...base, action: decision.kind, ticketId: null, what: `${decision.reason}: ${decision.detail}` };
  }
}

/**
 * Whether a decision is worth a line of the plan. Re-reading an alert already handled is most of
 * every pass and says nothing a person needs.
 */
export function isPlanWorthy(decision: AlertDecision | TicketDecision): boolean {
  return !(decision.kind === 'nothing' && (decision.reason === 'already_handled' || decision.reason === 'ticket_unchanged'));
}

export function ticketPlanEntry(decision: TicketDecision, ticket: { id: string; number: string | null; status: string }): TicketPlanEntry {
  if (decision.kind === 'clear_alert') {
    return { ticketId: ticket.id, ticketNumber: ticket.number, action: decision.kind, alertIds: decision.alertIds, what: `ticket reached status ${ticket.status}: clear ${decision.alertIds.length} alert(s)` };
  }
  return { ticketId: ticket.id, ticketNumber: ticket.number, action: decision.kind, alertIds: [], what: `${decision.reason}: ${decision.detail}` };
}
