/**
 * The alert / ticket link: one ticket the hub raised for one alert key, and its lifecycle.
 *
 *   created ─► open ──closed──► closed ──reopened──► open (shown as "reopened") ──closed──► …
 *
 * A key's history is a list of links, one per episode (a new ticket after N days starts the next
 * episode); only the last one can be open through the hub's own decisions. Orthogonal to open and
 * closed, the link tracks the vendor alerts folded into it: while any is active the alert is
 * raised; when the last one clears the link is "alert cleared".
 *
 * Every change is a LinkEvent applied by `applyLinkEvent`, a pure transition that refuses what the
 * state does not allow, so stored state can only move the way the lifecycle rules say.
 */
import { DomainError } from './domain-error.ts';

export type LinkStatus = 'open' | 'closed';
export type ClosedBy = 'hub' | 'technician';
/** The states a person sees in the list of tickets that came from alerts. */
export type LinkDisplayState = 'open' | 'reopened' | 'closed' | 'alert_cleared';

/**
 * Bounds on the alert ids a link remembers. Active ids are normally a handful; a storm that never
 * clears is capped (the oldest are forgotten, so their later clears are ignored). Cleared ids are
 * kept only to recognize a clear that is delivered twice.
 */
export const ACTIVE_ALERT_IDS_MAX = 200;
export const CLEARED_ALERT_IDS_MAX = 100;

export interface TicketLink {
  /** `alertKeyString` of the key this link belongs to. */
  keyString: string;
  /** 1 for the first ticket of the key, +1 for each new ticket after N days. */
  episode: number;
  ticketId: string;
  /** What was written in the ticket's external reference field. */
  externalRef: string;
  /** The target company the ticket was raised on (as mapped at creation). */
  companyId: string;
  status: LinkStatus;
  createdAt: string;
  /** Creation or last reopening: the start of the current open period. */
  openedAt: string;
  closedAt: string | null;
  closedBy: ClosedBy | null;
  /** Times the ticket was reopened (by the hub or a technician); also the current cycle number. */
  reopenCount: number;
  /** Normalized ids of the vendor alerts folded into this ticket and not cleared yet. */
  activeAlertIds: string[];
  /** Recently cleared alert ids, newest last. */
  clearedAlertIds: string[];
  /** When the last active alert cleared; null while any is active. */
  alertClearedAt: string | null;
  /** The cycle (reopenCount) in which the hub asked the vendor to clear the alerts, if any. */
  alertClearRequestedCycle: number | null;
  lastNoteAt: string | null;
  /** Recurrence notes written in the current open period. */
  notesThisCycle: number;
  /** Recurrence notes ever written on this ticket (numbers the notes' idempotency keys). */
  noteCount: number;
  /** Occurrences since the last note (or since opening) not yet reported in a note. */
  pendingRepeats: number;
  /** Every occurrence folded into this ticket after the one that opened it. */
  repeatCount: number;
  lastOccurrenceAt: string | null;
}

export type LinkEvent =
  | { type: 'created'; keyString: string; episode: number; externalRef: string; companyId: string; alertId: string; at: string }
  | { type: 'repeat_counted'; alertId: string; at: string }
  | { type: 'noted'; alertId: string | null; at: string }
  | { type: 'reopened'; by: ClosedBy; alertId: string | null; at: string }
  | { type: 'closed'; by: ClosedBy; at: string }
  | { type: 'alert_cleared'; alertId: string; at: string }
  | { type: 'alert_clear_requested'; at: string };

function reject(link: TicketLink, event: LinkEvent, why: string): never {
  throw new DomainError('invalid_transition', `ticket link ${link.ticketId} (episode ${link.episode}) cannot take "${event.type}": ${why}`, {
    ticketId: link.ticketId,
    episode: link.episode,
    status: link.status,
    event: event.type,
  });
}

function withActive(ids: string[], alertId: string | null): string[] {
  if (alertId === null || ids.includes(alertId)) return ids;
  const next = [...ids, alertId];
  return next.length > ACTIVE_ALERT_IDS_MAX ? next.slice(next.length - ACTIVE_ALERT_IDS_MAX) : next;
}

/** Opens the link of a ticket the hub just created. */
export function createLink(event: Extract<LinkEvent, { type: 'created' }>, ticketId: string): TicketLink {
  if (ticketId.trim() === '') throw new DomainError('invalid_input', 'a ticket link needs the id of the ticket that was created', { episode: event.episode });
  return {
    keyString: event.keyString,
    episode: event.episode,
    ticketId,
    externalRef: event.externalRef,
    companyId: event.companyId,
    status: 'open',
    createdAt: event.at,
    openedAt: event.at,
    closedAt: null,
    closedBy: null,
    reopenCount: 0,
    activeAlertIds: [event.alertId],
    clearedAlertIds: [],
    alertClearedAt: null,
    alertClearRequestedCycle: null,
    lastNoteAt: null,
    notesThisCycle: 0,
    noteCount: 0,
    pendingRepeats: 0,
    repeatCount: 0,
    lastOccurrenceAt: event.at,
  };
}

export function applyLinkEvent(link: TicketLink, event: LinkEvent): TicketLink {
  switch (event.type) {
    case 'created':
      return reject(link, event, 'a link is created once; use createLink');
    case 'repeat_counted':
      if (link.status !== 'open') reject(link, event, 'repeats are counted on an open ticket; a closed one is reopened or replaced');
      return {
        ...link,
        activeAlertIds: withActive(link.activeAlertIds, event.alertId),
        alertClearedAt: null,
        pendingRepeats: link.pendingRepeats + 1,
        repeatCount: link.repeatCount + 1,
        lastOccurrenceAt: event.at,
      };
    case 'noted': {
      if (link.status !== 'open') reject(link, event, 'notes go on an open ticket');
      const occurrence = event.alertId !== null;
      return {
        ...link,
        activeAlertIds: withActive(link.activeAlertIds, event.alertId),
        alertClearedAt: occurrence ? null : link.alertClearedAt,
        lastNoteAt: event.at,
        notesThisCycle: link.notesThisCycle + 1,
        noteCount: link.noteCount + 1,
        pendingRepeats: 0,
        repeatCount: link.repeatCount + (occurrence ? 1 : 0),
        lastOccurrenceAt: occurrence ? event.at : link.lastOccurrenceAt,
      };
    }
    case 'reopened': {
      if (link.status !== 'closed') reject(link, event, 'only a closed ticket can be reopened');
      const occurrence = event.alertId !== null;
      return {
        ...link,
        status: 'open',
        openedAt: event.at,
        closedAt: null,
        closedBy: null,
        reopenCount: link.reopenCount + 1,
        activeAlertIds: withActive(link.activeAlertIds, event.alertId),
        alertClearedAt: occurrence ? null : link.alertClearedAt,
        notesThisCycle: 0,
        // The reopen note reports the repeats counted so far.
        pendingRepeats: occurrence ? 0 : link.pendingRepeats,
        repeatCount: link.repeatCount + (occurrence ? 1 : 0),
        lastOccurrenceAt: occurrence ? event.at : link.lastOccurrenceAt,
      };
    }
    case 'closed':
      if (link.status !== 'open') reject(link, event, 'the ticket is already closed');
      return { ...link, status: 'closed', closedAt: event.at, closedBy: event.by, pendingRepeats: event.by === 'hub' ? 0 : link.pendingRepeats };
    case 'alert_cleared': {
      if (!link.activeAlertIds.includes(event.alertId)) reject(link, event, `alert ${event.alertId} is not active on this ticket`);
      const active = link.activeAlertIds.filter((id) => id !== event.alertId);
      const cleared = [...link.clearedAlertIds.filter((id) => id !== event.alertId), event.alertId].slice(-CLEARED_ALERT_IDS_MAX);
      return { ...link, activeAlertIds: active, clearedAlertIds: cleared, alertClearedAt: active.length === 0 ? event.at : null };
    }
    case 'alert_clear_requested':
      if (link.alertClearRequestedCycle === link.reopenCount) reject(link, event, 'the alert clear was already requested in this cycle');
      return { ...link, alertClearRequestedCycle: link.reopenCount };
  }
}

export function applyLinkEvents(link: TicketLink, events: readonly LinkEvent[]): TicketLink {
  return events.reduce(applyLinkEvent, link);
}

/** The current open/closed cycle: 0 until the first reopening. Numbers close, reopen and clear keys. */
export function linkCycle(link: TicketLink): number {
  return link.reopenCount;
}

export function linkState(link: TicketLink): 'open' | 'reopened' | 'closed' {
  if (link.status === 'closed') return 'closed';
  return link.reopenCount > 0 ? 'reopened' : 'open';
}

/** Closed wins; an open ticket whose alerts all cleared shows "alert cleared" (auto-close is off, or a person must close it). */
export function linkDisplayState(link: TicketLink): LinkDisplayState {
  if (link.status === 'closed') return 'closed';
  if (link.alertClearedAt !== null && link.activeAlertIds.length === 0) return 'alert_cleared';
  return linkState(link);
}

/** The history ordered by episode; throws if it mixes keys or repeats an episode. */
export function orderedHistory(links: readonly TicketLink[], keyString: string): TicketLink[] {
  const sorted = [...links].sort((a, b) => a.episode - b.episode);
  sorted.forEach((link, index) => {
    if (link.keyString !== keyString) {
      throw new DomainError('link_mismatch', `ticket link ${link.ticketId} belongs to alert key ${link.keyString}, not ${keyString}`, { ticketId: link.ticketId, keyString });
    }
    if (index > 0 && sorted[index - 1]?.episode === link.episode) {
      throw new DomainError('link_mismatch', `two ticket links share episode ${link.episode} of alert key ${keyString}`, { episode: link.episode, keyString });
    }
  });
  return sorted;
}

/** Where an alert id is known in a history: active on a link, recently cleared on one, or nowhere. */
export function findAlertInHistory(links: readonly TicketLink[], alertId: string): { link: TicketLink; as: 'active' | 'cleared' } | null {
  for (let index = links.length - 1; index >= 0; index -= 1) {
    const link = links[index] as TicketLink;
    if (link.activeAlertIds.includes(alertId)) return { link, as: 'active' };
    if (link.clearedAlertIds.includes(alertId)) return { link, as: 'cleared' };
  }
  return null;
}
