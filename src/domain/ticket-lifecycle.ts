/**
 * The alert ↔ ticket lifecycle, as pure decisions. The alerts loop calls `decideAlertEvent` for each
 * vendor alert it observes; the tickets loop calls `decideTicketEvent` for each linked ticket that
 * changed. Each returns one decision with a deterministic idempotency key and the link events to
 * persist once the decision is applied (`applyDecision`). Nothing here reads a clock or a store.
 *
 * Rules (seeds 000 §5.5, 001 "Mapping Alerts to Tickets", 002 §7; billing-and-peers.md §4.4):
 * - feature off → nothing; alert type not enabled → nothing; severity below the minimum → nothing.
 * - tenant not mapped → wait_unmapped (never a default company); the loop keeps the alert in a
 *   visible queue and asks again once the tenant is mapped.
 * - first occurrence of a key → create_ticket (episode 1).
 * - new occurrence while the key's ticket is open → one note per window with the count of repeats
 *   since the last note, at most `notes.maxPerCycle` per open period; repeats in between are counted.
 * - new occurrence after the ticket closed → reopen with the reopen status, or create the next
 *   episode's ticket, as the recurrence policy says (see alert-mapping.ts).
 * - alert cleared and it was the ticket's last active alert → close_ticket with the auto-close
 *   status, if auto-close is on and the hub did not itself clear the alert because of the ticket.
 * - ticket reaches a clear status → clear_alert, once per open period, if its alerts are active.
 * - the same event again after its decision was applied → nothing (already handled).
 *
 * Where the seeds are silent:
 * - a clear is applied even if the alert type was disabled or the tenant unmapped since the ticket
 *   was raised: the ticket exists, and leaving it open for a resolved condition helps nobody;
 * - a recurrence on a tenant that lost its mapping waits like a first alert (no note or reopen on
 *   a company the tenant may no longer belong to); an open ticket keeps its company otherwise;
 * - "within N days" is measured from the ticket's close to when the alert was raised (createdAt),
 *   so a loop that was down does not turn a reopen into a new ticket; exactly N days is "after";
 * - a ticket holds every alert of its key raised while it is open; it auto-closes when the last of
 *   them clears (two alerts on one machine, one dismissed: the ticket stays open);
 * - an "updated" alert (same id, newer cursor, not dismissed) is not a new occurrence: nothing;
 * - a ticket closed by a technician while its alert is still raised is reopened (or replaced) on
 *   the next occurrence, exactly like one the hub closed;
 * - when the hub cleared the alert because the ticket reached a clear status, the clear that
 *   follows does not auto-close the ticket: the technician's status stands.
 */
import {
  alertKeyHash,
  alertKeyOf,
  alertKeyString,
  alertOperationKey,
  normalizeAlertId,
  ticketExternalRef,
  type AlertKey,
} from './alert-identity.ts';
import {
  alertTypeSetting,
  effectiveFields,
  passesSeverity,
  type AlertMapping,
  type EffectiveTicketFields,
  type TicketSettings,
} from './alert-mapping.ts';
import { DomainError, parseTime } from './domain-error.ts';
import { autoCloseNote, recurrenceNote, reopenNote, ticketText, type NoteText } from './ticket-content.ts';
import {
  applyLinkEvents,
  createLink,
  findAlertInHistory,
  linkCycle,
  orderedHistory,
  type LinkEvent,
  type TicketLink,
} from './ticket-link.ts';
import type { VendorAlert } from './vendor-model.ts';

export type AlertEvent = 'raised' | 'updated' | 'cleared';

/** The tenant's company mapping as the directory loop left it (design.md "mapping"). */
export interface CompanyMapping {
  state: 'not_mapped' | 'ready' | 'mapped' | 'failed';
  companyId: string | null;
  companyName: string | null;
  tenantName?: string | null;
  /** Set when billing is mapped: the contract / agreement the protection is billed under. */
  contractName?: string | null;
}

export interface AlertEventInput {
  /** Optional: derived from the alert and the history when absent; a contradiction is an error. */
  event?: AlertEvent;
  alert: VendorAlert;
  /** Every link of this alert's key, any order. */
  links: readonly TicketLink[];
  /** The alert tenant's mapping, or null when the tenant has none. */
  mapping: CompanyMapping | null;
  alertMapping: AlertMapping;
  settings: TicketSettings;
  /** Current time, ISO-8601 UTC. */
  now: string;
  /** Vendor console URL for the ticket description. */
  consoleUrl: string;
  /** The vendor's title for the alert type, when known. */
  alertTypeTitle?: string | null;
}

export type NothingReason =
  | 'feature_off'
  | 'no_tenant'
  | 'alert_type_disabled'
  | 'severity_filtered'
  | 'already_handled'
  | 'not_linked'
  | 'repeat_coalesced'
  | 'note_limit_reached'
  | 'other_alerts_active'
  | 'ticket_already_closed'
  | 'auto_close_off'
  | 'cleared_by_ticket_status'
  | 'ticket_unchanged'
  | 'ticket_state_recorded'
  | 'clear_alert_off'
  | 'alert_already_cleared'
  | 'clear_already_requested';

interface DecisionBase {
  /** Deterministic: the same situation always yields the same key, so a crashed apply is found, not redone. */
  idempotencyKey: string;
  /** Episode of the link `linkEvents` apply to; null when there is none. */
  episode: number | null;
  /** To persist, in order, once the decision's external write (if any) succeeded. */
  linkEvents: LinkEvent[];
}

interface AlertDecisionBase extends DecisionBase {
  event: AlertEvent;
  /** Normalized alert id. */
  alertId: string;
  /** Null only when the alert names no tenant. */
  keyString: string | null;
}

export type CreateTicketDecision = AlertDecisionBase & {
  kind: 'create_ticket';
  episode: number;
  /** Why a ticket is created: the key's first, or a recurrence the policy answers with a new ticket. */
  cause: 'first_occurrence' | 'recurrence_after_window' | 'recurrence_new_always';
  /** Write on the ticket's external reference field; look it up before creating (exactly once). */
  externalRef: string;
  companyId: string;
  contractName: string | null;
  fields: EffectiveTicketFields;
  title: string;
  description: string;
};

export type AlertDecision =
  | CreateTicketDecision
  | (AlertDecisionBase & { kind: 'add_note'; episode: number; ticketId: string; fields: EffectiveTicketFields; note: NoteText; occurrences: number })
  | (AlertDecisionBase & { kind: 'reopen_ticket'; episode: number; ticketId: string; status: string | null; fields: EffectiveTicketFields; note: NoteText })
  | (AlertDecisionBase & { kind: 'close_ticket'; episode: number; ticketId: string; status: string | null; fields: EffectiveTicketFields; note: NoteText })
  | (AlertDecisionBase & { kind: 'wait_unmapped'; tenantId: string; mappingState: CompanyMapping['state'] | 'none'; detail: string })
  | (AlertDecisionBase & { kind: 'nothing'; reason: NothingReason; detail: string });

/** The linked ticket as the tickets loop observed it on the target. */
export interface ObservedTicket {
  id: string;
  status: string;
  /** Whether the status is a closed one on the target (Autotask Complete, ConnectWise closedStatus, …). */
  closed: boolean;
  /** Target's last-modified time, ISO-8601: when a technician's close or reopen is dated. */
  lastModifiedAt: string;
}

export interface TicketEventInput {
  ticket: ObservedTicket;
  link: TicketLink;
  settings: TicketSettings;
}

export type TicketDecision =
  | (DecisionBase & { kind: 'clear_alert'; episode: number; ticketId: string; alertIds: string[] })
  | (DecisionBase & { kind: 'nothing'; reason: NothingReason; detail: string });

export type Decision = AlertDecision | TicketDecision;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Cleared when the vendor says so (dismissed / deletedAt); updated when the id is already linked; else raised. */
export function alertEventOf(alert: VendorAlert, links: readonly TicketLink[]): AlertEvent {
  if (alert.deletedAt !== null || alert.dismissed) return 'cleared';
  return findAlertInHistory(links, normalizeAlertId(alert.id)) === null ? 'raised' : 'updated';
}

function ticketKeyPrefix(keyString: string, episode: number): string {
  return `tkt:${alertKeyHash(keyString)}:e${episode}`;
}

/** When the occurrence happened: the alert's createdAt, else its updatedAt, else now. */
function occurrenceMs(alert: VendorAlert, nowMs: number): number {
  if (alert.createdAt !== null) {
    const ms = Date.parse(alert.createdAt);
    if (!Number.isNaN(ms)) return ms;
  }
  if (/^\d+$/.test(alert.updatedAtNs)) return Number(BigInt(alert.updatedAtNs) / 1_000_000n);
  return nowMs;
}

export function decideAlertEvent(input: AlertEventInput): AlertDecision {
  const { alert, settings, now } = input;
  const nowMs = parseTime(now, 'now');
  const alertId = normalizeAlertId(alert.id);
  const key = alertKeyOf(alert);
  const keyString = key === null ? null : alertKeyString(key);
  const links = keyString === null ? [] : orderedHistory(input.links, keyString);
  const derived = alertEventOf(alert, links);
  if (input.event !== undefined && (input.event === 'cleared') !== (derived === 'cleared')) {
    throw new DomainError('invalid_input', `alert ${alert.id} was handed in as "${input.event}" but its deletedAt/dismissed say "${derived}"`, { alertId: alert.id });
  }
  const event = input.event ?? derived;
  const base = { event, alertId, keyString };
  const opKey = alertOperationKey(alert);
  const nothing = (reason: NothingReason, detail: string, episode: number | null = null, linkEvents: LinkEvent[] = []): AlertDecision => ({
    ...base,
    kind: 'nothing',
    reason,
    detail,
    idempotencyKey: `${opKey}:nothing`,
    episode,
    linkEvents,
  });

  if (!settings.enabled) return nothing('feature_off', 'Ticket creation is turned off for this integration.');
  if (key === null || keyString === null) return nothing('no_tenant', `Alert ${alert.id} names no customer tenant, so no company can be chosen for a ticket.`);

  const found = findAlertInHistory(links, alertId);
  if (event === 'cleared') return decideCleared(input, key, keyString, found, nothing);

  if (found !== null) {
    return nothing('already_handled', `Alert ${alert.id} is already part of ticket ${found.link.ticketId}.`, null);
  }
  const setting = alertTypeSetting(input.alertMapping, alert.type);
  if (setting === null || !setting.enabled) return nothing('alert_type_disabled', `Alert type "${alert.type}" is not enabled for tickets.`);
  const minimum = setting.minSeverity ?? settings.minSeverity;
  if (!passesSeverity(alert.severity, minimum)) {
    return nothing('severity_filtered', `Alert severity "${alert.severity}" is below the minimum "${minimum}" for tickets.`);
  }
  const mapping = input.mapping;
  if (mapping === null || mapping.state !== 'mapped' || mapping.companyId === null) {
    const state = mapping?.state ?? 'none';
    return {
      ...base,
      kind: 'wait_unmapped',
      tenantId: key.tenantId,
      mappingState: state,
      detail: `Customer tenant ${key.tenantId} is not mapped to a company (state: ${state}); the alert waits and is raised as a ticket once the tenant is mapped.`,
      idempotencyKey: `${opKey}:wait`,
      episode: null,
      linkEvents: [],
    };
  }

  const fields = effectiveFields(input.alertMapping, alert.type);
  const latest = links.at(-1);
  const create = (episode: number, cause: CreateTicketDecision['cause']): AlertDecision => {
    const externalRef = ticketExternalRef(key, episode);
    const text = ticketText({
      target: input.alertMapping.target,
      alert,
      key,
      companyName: mapping.companyName ?? mapping.companyId ?? key.tenantId,
      tenantName: mapping.tenantName ?? null,
      contractName: mapping.contractName ?? null,
      consoleUrl: input.consoleUrl,
      alertTypeTitle: input.alertTypeTitle ?? null,
      externalRef,
    });
    return {
      ...base,
      kind: 'create_ticket',
      cause,
      idempotencyKey: `${ticketKeyPrefix(keyString, episode)}:create`,
      episode,
      externalRef,
      companyId: mapping.companyId as string,
      contractName: mapping.contractName ?? null,
      fields,
      title: text.title,
      description: text.description,
      linkEvents: [{ type: 'created', keyString, episode, externalRef, companyId: mapping.companyId as string, alertId, at: now }],
    };
  };

  if (latest === undefined) return create(1, 'first_occurrence');

  if (latest.status === 'open') {
    const prefix = ticketKeyPrefix(keyString, latest.episode);
    if (latest.notesThisCycle >= settings.notes.maxPerCycle) {
      return nothing('note_limit_reached', `Ticket ${latest.ticketId} already has ${latest.notesThisCycle} recurrence notes in this open period; the repeat is counted.`, latest.episode, [
        { type: 'repeat_counted', alertId, at: now },
      ]);
    }
    const since = latest.lastNoteAt ?? latest.openedAt;
    if (nowMs - parseTime(since, 'link.lastNoteAt') < settings.notes.windowMinutes * MINUTE_MS) {
      return nothing('repeat_coalesced', `Ticket ${latest.ticketId} got a note or opened less than ${settings.notes.windowMinutes} minutes ago; the repeat is counted for the next note.`, latest.episode, [
        { type: 'repeat_counted', alertId, at: now },
      ]);
    }
    const occurrences = latest.pendingRepeats + 1;
    return {
      ...base,
      kind: 'add_note',
      idempotencyKey: `${prefix}:note:${latest.noteCount + 1}`,
      episode: latest.episode,
      ticketId: latest.ticketId,
      fields,
      occurrences,
      note: recurrenceNote({ target: input.alertMapping.target, alert, alertTypeTitle: input.alertTypeTitle ?? null, occurrences, since, at: now }),
      linkEvents: [{ type: 'noted', alertId, at: now }],
    };
  }

  // The latest ticket is closed: reopen it or start the next episode.
  const recurrence = settings.recurrence;
  const closedMs = parseTime(latest.closedAt ?? latest.openedAt, 'link.closedAt');
  const reopen =
    recurrence.mode === 'reopen_always' ||
    (recurrence.mode === 'reopen_within_days' && occurrenceMs(alert, nowMs) - closedMs < recurrence.days * DAY_MS);
  if (!reopen) return create(latest.episode + 1, recurrence.mode === 'new_always' ? 'recurrence_new_always' : 'recurrence_after_window');

  const status = settings.reopenStatus ?? (fields.fields as { status?: string }).status ?? null;
  return {
    ...base,
    kind: 'reopen_ticket',
    idempotencyKey: `${ticketKeyPrefix(keyString, latest.episode)}:reopen:c${linkCycle(latest) + 1}`,
    episode: latest.episode,
    ticketId: latest.ticketId,
    status,
    fields,
    note: reopenNote({
      target: input.alertMapping.target,
      alert,
      alertTypeTitle: input.alertTypeTitle ?? null,
      closedAt: latest.closedAt,
      closedBy: latest.closedBy,
      occurrences: latest.pendingRepeats + 1,
      status,
      withinDays: recurrence.mode === 'reopen_within_days' ? recurrence.days : null,
    }),
    linkEvents: [{ type: 'reopened', by: 'hub', alertId, at: now }],
  };
}

function decideCleared(
  input: AlertEventInput,
  key: AlertKey,
  keyString: string,
  found: ReturnType<typeof findAlertInHistory>,
  nothing: (reason: NothingReason, detail: string, episode?: number | null, linkEvents?: LinkEvent[]) => AlertDecision,
): AlertDecision {
  const { alert, settings, now } = input;
  const alertId = normalizeAlertId(alert.id);
  if (found === null) {
    return nothing('not_linked', `Alert ${alert.id} cleared, but no ticket of ${key.alertType} for this customer holds it (raised before tickets were on, filtered, or waiting).`);
  }
  if (found.as === 'cleared') return nothing('already_handled', `The clear of alert ${alert.id} was already applied to ticket ${found.link.ticketId}.`);
  const link = found.link;
  const cleared: LinkEvent = { type: 'alert_cleared', alertId, at: now };
  const remaining = link.activeAlertIds.filter((id) => id !== alertId);
  if (remaining.length > 0) {
    return nothing('other_alerts_active', `Alert ${alert.id} cleared; ${remaining.length} other alert(s) on ticket ${link.ticketId} are still active.`, link.episode, [cleared]);
  }
  if (link.status === 'closed') return nothing('ticket_already_closed', `Alert ${alert.id} cleared; ticket ${link.ticketId} is already closed.`, link.episode, [cleared]);
  if (link.alertClearRequestedCycle === linkCycle(link)) {
    return nothing('cleared_by_ticket_status', `Alert ${alert.id} cleared because ticket ${link.ticketId} reached a clear status; the ticket keeps the status its technician set.`, link.episode, [cleared]);
  }
  if (!settings.autoClose.enabled) return nothing('auto_close_off', `Alert ${alert.id} cleared; auto-closing is off, so ticket ${link.ticketId} stays open.`, link.episode, [cleared]);
  const fields = effectiveFields(input.alertMapping, alert.type);
  const status = settings.autoClose.status;
  return {
    event: 'cleared',
    alertId,
    keyString,
    kind: 'close_ticket',
    idempotencyKey: `${ticketKeyPrefix(keyString, link.episode)}:close:c${linkCycle(link)}`,
    episode: link.episode,
    ticketId: link.ticketId,
    status,
    fields,
    note: autoCloseNote({ target: input.alertMapping.target, alert, alertTypeTitle: input.alertTypeTitle ?? null, status, unreportedRepeats: link.pendingRepeats }),
    linkEvents: [cleared, { type: 'closed', by: 'hub', at: now }],
  };
}

export function decideTicketEvent(input: TicketEventInput): TicketDecision {
  const { ticket, link, settings } = input;
  if (ticket.id !== link.ticketId) {
    throw new DomainError('link_mismatch', `ticket ${ticket.id} was handed in with the link of ticket ${link.ticketId}`, { ticketId: ticket.id, linkTicketId: link.ticketId });
  }
  parseTime(ticket.lastModifiedAt, 'ticket.lastModifiedAt');
  const prefix = ticketKeyPrefix(link.keyString, link.episode);
  const nothing = (reason: NothingReason, detail: string, linkEvents: LinkEvent[] = []): TicketDecision => ({
    kind: 'nothing',
    reason,
    detail,
    idempotencyKey: `ticket:${ticket.id}@${ticket.lastModifiedAt}:nothing`,
    episode: linkEvents.length > 0 ? link.episode : null,
    linkEvents,
  });
  // A technician's close or reopen is recorded (even with the feature off, so the links stay true
  // to the target while it is off) and the reopen window counts from the right time.
  const recorded: LinkEvent[] = [];
  if (ticket.closed && link.status === 'open') recorded.push({ type: 'closed', by: 'technician', at: ticket.lastModifiedAt });
  if (!ticket.closed && link.status === 'closed') recorded.push({ type: 'reopened', by: 'technician', alertId: null, at: ticket.lastModifiedAt });
  const after = applyLinkEvents(link, recorded);
  const recordedReason = (fallback: NothingReason): NothingReason => (recorded.length > 0 ? 'ticket_state_recorded' : fallback);

  if (!settings.enabled) return nothing(recordedReason('feature_off'), 'Ticket creation is turned off for this integration.', recorded);

  if (!settings.clearAlert.enabled) return nothing(recordedReason('clear_alert_off'), 'Clearing alerts from tickets is off.', recorded);
  if (!settings.clearAlert.statuses.includes(ticket.status)) {
    return nothing(recordedReason('ticket_unchanged'), `Ticket status ${ticket.status} is not a clear status.`, recorded);
  }
  if (after.activeAlertIds.length === 0) return nothing(recordedReason('alert_already_cleared'), `The alerts of ticket ${ticket.id} are already cleared.`, recorded);
  if (after.alertClearRequestedCycle === linkCycle(after)) {
    return nothing(recordedReason('clear_already_requested'), `Clearing the alerts of ticket ${ticket.id} was already requested.`, recorded);
  }
  return {
    kind: 'clear_alert',
    idempotencyKey: `${prefix}:clear-alert:c${linkCycle(after)}`,
    episode: link.episode,
    ticketId: ticket.id,
    alertIds: [...after.activeAlertIds],
    linkEvents: [...recorded, { type: 'alert_clear_requested', at: ticket.lastModifiedAt }],
  };
}

/**
 * The key's history after a decision was applied: the new link of a created ticket (its id from
 * the target), or the decision's link events on the link of its episode. Decisions without link
 * events leave the history as it was.
 */
export function applyDecision(links: readonly TicketLink[], decision: Decision, outcome: { ticketId?: string } = {}): TicketLink[] {
  if (decision.linkEvents.length === 0) return [...links];
  if (decision.kind === 'create_ticket') {
    const [created, ...rest] = decision.linkEvents;
    if (created?.type !== 'created' || outcome.ticketId === undefined) {
      throw new DomainError('invalid_input', 'applying create_ticket needs the id of the created ticket', { idempotencyKey: decision.idempotencyKey });
    }
    if (links.some((link) => link.episode === decision.episode)) {
      throw new DomainError('link_mismatch', `episode ${decision.episode} already has a ticket link`, { idempotencyKey: decision.idempotencyKey });
    }
    return [...links, applyLinkEvents(createLink(created, outcome.ticketId), rest)];
  }
  const index = links.findIndex((link) => link.episode === decision.episode);
  if (index < 0) throw new DomainError('link_mismatch', `no ticket link for episode ${decision.episode}`, { idempotencyKey: decision.idempotencyKey });
  const next = [...links];
  next[index] = applyLinkEvents(links[index] as TicketLink, decision.linkEvents);
  return next;
}
