/**
 * The ticket loops' plans in words a person reads (`psa-bridge sync --dry-run`, the portal's dry
 * run): one entry per decision of `decideAlertEvent` / `decideTicketEvent`, and one per alert the
 * pass keeps back (deferred for want of PSA budget, parked after failures). Pure: the loops compute
 * these from the decisions before anything is applied, and a dry run applies nothing else.
 *
 * Entries name their company (`companyId`, `companyName`) the way the other loops' plan entries do,
 * so the dry run groups them by company, and say in `kind` what would happen.
 */
import type { AlertDecision, CompanyMapping, TicketDecision } from './ticket-lifecycle.ts';
import type { TicketLink } from './ticket-link.ts';

/** The ticket id a dry run's planned new ticket stands under until a real pass creates it. */
export const PLANNED_TICKET_ID = '(new ticket)';

/** What the alerts pass does with one alert: a decision of the engine, or keeping it back. */
export type AlertPlanKind = AlertDecision['kind'] | 'defer' | 'park';

/** What the alerts loop decided for one alert. */
export interface AlertPlanEntry {
  kind: AlertPlanKind;
  alertId: string;
  alertType: string;
  /** The vendor's name for the alert type, when known. */
  alertTypeName: string | null;
  tenantId: string | null;
  /** The target company the ticket is for, when the tenant is mapped. */
  companyId: string | null;
  companyName: string | null;
  /** The ticket written to (null for a new ticket and for no write). */
  ticketId: string | null;
  /** What is written (the new ticket's title, the note's title, the status), or why nothing is. */
  what: string;
}

/** What the tickets loop does with one changed ticket: clear its alerts, record a technician's close or reopen, or nothing. */
export type TicketPlanKind = 'clear_alert' | 'record_close' | 'record_reopen' | 'nothing';

/** What the tickets loop decided for one changed ticket. */
export interface TicketPlanEntry {
  kind: TicketPlanKind;
  ticketId: string;
  ticketNumber: string | null;
  /** The company the ticket was raised on, and the alert that raised it, as the link recorded them. */
  companyId: string | null;
  companyName: string | null;
  tenantId: string | null;
  alertType: string | null;
  /** The vendor alerts cleared (none for the other kinds). */
  alertIds: string[];
  what: string;
}

export interface PlannedAlert {
  type: string;
  tenantId?: string | null;
  /** The vendor's title of the alert type. */
  typeName?: string | null;
}

const CAUSE_WORDS = {
  first_occurrence: '',
  recurrence_after_window: ' — a new ticket: the last one was closed longer ago than the reopen window',
  recurrence_new_always: ' — a new ticket: every recurrence gets its own',
} as const;

function baseOf(alertId: string, alert: PlannedAlert, mapping: CompanyMapping | null) {
  return {
    alertId,
    alertType: alert.type,
    alertTypeName: alert.typeName ?? null,
    tenantId: alert.tenantId ?? null,
    companyId: mapping?.companyId ?? null,
    companyName: mapping?.companyName ?? null,
  };
}

export function alertPlanEntry(decision: AlertDecision, alert: PlannedAlert, mapping: CompanyMapping | null): AlertPlanEntry {
  const base = baseOf(decision.alertId, alert, mapping);
  switch (decision.kind) {
    case 'create_ticket': {
      const contract = decision.contractName === null ? '' : ` (contract ${decision.contractName})`;
      return { ...base, kind: decision.kind, companyId: decision.companyId, ticketId: null, what: `${decision.title}${contract}${CAUSE_WORDS[decision.cause]}` };
    }
    case 'add_note':
      return { ...base, kind: decision.kind, ticketId: decision.ticketId, what: `note "${decision.note.title}" (occurrence ${decision.occurrences})` };
    case 'reopen_ticket':
      return { ...base, kind: decision.kind, ticketId: decision.ticketId, what: `status ${decision.status ?? '(no reopen status set)'}: ${decision.note.title}` };
    case 'close_ticket':
      return { ...base, kind: decision.kind, ticketId: decision.ticketId, what: `status ${decision.status ?? '(no close status set)'}: ${decision.note.title}` };
    case 'wait_unmapped':
      return { ...base, kind: decision.kind, ticketId: null, what: decision.detail };
    case 'nothing':
      return { ...base, kind: decision.kind, ticketId: null, what: `${decision.reason}: ${decision.detail}` };
  }
}

/** An alert kept back for the next pass with PSA budget (an alert storm spent this hour's). */
export function deferredPlanEntry(alertId: string, alert: PlannedAlert, mapping: CompanyMapping | null, detail: string): AlertPlanEntry {
  return { ...baseOf(alertId, alert, mapping), kind: 'defer', ticketId: null, what: detail };
}

/** An alert whose write failed too often: retried with backoff from the waiting list, no longer holding the cursor. */
export function parkedPlanEntry(alertId: string, alert: PlannedAlert, mapping: CompanyMapping | null, attempts: number, error: string): AlertPlanEntry {
  return { ...baseOf(alertId, alert, mapping), kind: 'park', ticketId: null, what: `failed ${attempts} time(s), retried with backoff: ${error}` };
}

/**
 * Whether a decision is worth a line of the plan. Re-reading an alert already handled is most of
 * every pass and says nothing a person needs.
 */
export function isPlanWorthy(decision: AlertDecision | TicketDecision): boolean {
  return !(decision.kind === 'nothing' && (decision.reason === 'already_handled' || decision.reason === 'ticket_unchanged'));
}

/** Whether a plan entry changes something on either side (a `nothing` entry only says why not). */
export function isPlanChange(entry: { kind: string }): boolean {
  return entry.kind !== 'nothing';
}

export interface LinkedTicket {
  id: string;
  number: string | null;
  status: string;
}

/** The link's words: its company and the alert that raised it. */
export interface LinkWords {
  companyName: string | null;
  tenantId: string | null;
  alertType: string | null;
}

export function ticketPlanEntry(decision: TicketDecision, ticket: LinkedTicket, link?: { link: TicketLink; labels: LinkWords }): TicketPlanEntry {
  const base = {
    ticketId: ticket.id,
    ticketNumber: ticket.number,
    companyId: link?.link.companyId ?? null,
    companyName: link?.labels.companyName ?? null,
    tenantId: link?.labels.tenantId ?? null,
    alertType: link?.labels.alertType ?? null,
  };
  if (decision.kind === 'clear_alert') {
    return { ...base, kind: decision.kind, alertIds: decision.alertIds, what: `ticket reached status ${ticket.status}: clear ${decision.alertIds.length} alert(s)` };
  }
  // A technician's close or reopen is written to the hub's link only (the target already shows it).
  const recorded = decision.linkEvents.find((e) => e.type === 'closed' || e.type === 'reopened');
  if (recorded !== undefined) {
    const closed = recorded.type === 'closed';
    return { ...base, kind: closed ? 'record_close' : 'record_reopen', alertIds: [], what: `a technician ${closed ? 'closed' : 'reopened'} the ticket (status ${ticket.status}); recorded on its link` };
  }
  return { ...base, kind: 'nothing', alertIds: [], what: `${decision.reason}: ${decision.detail}` };
}
