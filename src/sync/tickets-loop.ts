/**
 * The tickets loop: tickets the hub raised (external reference starting `pb:`) that changed on the
 * target since the cursor (the target's last-modified time) → `decideTicketEvent` → clear the
 * vendor alerts (`dismissAlert`, through the journal) when the ticket reached a clear status, and
 * record a technician's close or reopen on the link (so "reopen within N days" counts from the
 * technician's close, and the list of tickets shows what the target shows).
 *
 * Each changed ticket is planned first (`planTicketChange`: the decision and its plan entry,
 * src/domain/ticket-plan.ts), then applied (`applyTicketChange`); a dry run returns the plan and
 * applies nothing.
 *
 * The target's listing is not ordered by modification time, so the cursor moves to the newest
 * change seen when every ticket was handled, and to the oldest failed one (inclusive) otherwise.
 */
import type { TicketSettings } from '../domain/alert-mapping.ts';
import { decideTicketEvent, type TicketDecision } from '../domain/ticket-lifecycle.ts';
import { isPlanWorthy, ticketPlanEntry, type TicketPlanEntry } from '../domain/ticket-plan.ts';
import { targetFeature, type TargetTicket } from '../connectors/ports.ts';
import type { StoredLink } from '../store/repositories/alert-links.ts';
import { isoAt, systemClock } from '../store/columns.ts';
import { compareCursorValues, Cursors } from './cursors.ts';
import { Journal, JournalInProgressError } from './journal.ts';
import { TicketConfig, ticketProfileFor } from './settings/tickets.ts';
import { saveLinkEvents } from './ticket-link-writes.ts';
import { describeError, LoopAborted, ticketLoopEnvOf, type TicketLoopEnv, type TicketRuntime } from './ticket-loop-env.ts';
import type { LoopOutcome } from './loop-result.ts';

export const TICKETS_LOOP = 'tickets';
/** Every external reference the hub writes starts with this (src/domain/alert-identity.ts). */
export const HUB_EXTERNAL_REF_PREFIX = 'pb:';
/** Where a first pass starts when there is no cursor yet. */
const FIRST_PASS_LOOKBACK_MS = 7 * 24 * 60 * 60_000;

export interface TicketsPassStats {
  [name: string]: number | string | boolean | null;
  skipped: string | null;
  observed: number;
  unlinked: number;
  recorded: number;
  alertsCleared: number;
  nothing: number;
  failed: number;
  cursor: string | null;
}

/** A pass's counts and its plan: one entry per changed ticket worth a line (src/domain/ticket-plan.ts). */
export interface TicketsPass {
  stats: TicketsPassStats;
  plan: TicketPlanEntry[];
}

/** One changed ticket: what the engine decided, and what applying it writes. */
interface PlannedTicketChange {
  ticket: TargetTicket;
  stored: StoredLink;
  decision: TicketDecision;
  /** The link's labels as the target shows the ticket now (number, title). */
  labels: { ticketNumber: string | null; ticketTitle: string };
  entry: TicketPlanEntry;
}

export async function runTicketsPass(env: TicketLoopEnv): Promise<TicketsPassStats> {
  return (await passTickets(env)).stats;
}

/**
 * One pass: every changed ticket is planned (its link + the settings → `decideTicketEvent`), and,
 * unless this is a dry run, applied. A dry run reads both sides, writes to neither, and leaves the
 * cursor and the links as they are.
 */
export async function passTickets(env: TicketLoopEnv): Promise<TicketsPass> {
  const stats: TicketsPassStats = { skipped: null, observed: 0, unlinked: 0, recorded: 0, alertsCleared: 0, nothing: 0, failed: 0, cursor: null };
  const plan: TicketPlanEntry[] = [];
  const ticketTarget = ticketProfileFor(env.target.system);
  if (ticketTarget === null || env.target.tickets === undefined) {
    stats.skipped = `${env.target.system} has no tickets`;
    return { stats, plan };
  }
  const clock = env.clock ?? systemClock;
  const tickets = targetFeature(env.target, 'tickets');
  // Read even with the feature off: technicians' closes are still recorded, so links stay true.
  const settings = await new TicketConfig(env.repos.settings).readSettings(env.integrationId, ticketTarget);
  const journal = env.journal ?? new Journal(env.repos.journal, { clock, ...(env.journalLeaseMs === undefined ? {} : { leaseMs: env.journalLeaseMs }) });
  const cursors = new Cursors(env.repos.cursors);
  const since = (await cursors.get(env.integrationId, TICKETS_LOOP)) ?? isoAt(clock, -FIRST_PASS_LOOKBACK_MS);
  let newest: string | null = null;
  let oldestFailed: string | null = null;
  const later = (a: string | null, b: string): string => (a === null || (compareCursorValues(b, a) ?? 0) > 0 ? b : a);
  const earlier = (a: string | null, b: string): string => (a === null || (compareCursorValues(b, a) ?? 0) < 0 ? b : a);

  for await (const ticket of tickets.listTicketsChanged({ since, externalRefPrefix: HUB_EXTERNAL_REF_PREFIX })) {
    if (env.signal?.aborted) throw new LoopAborted('the runner asked the loop to stop');
    stats.observed += 1;
    newest = later(newest, ticket.lastModifiedAt);
    try {
      const stored = await env.repos.alertLinks.byTicket(env.integrationId, ticket.id);
      if (stored === undefined) {
        // Not linked (yet): a ticket the alerts loop is still recording, or someone else's `pb:` text.
        stats.unlinked += 1;
        continue;
      }
      const change = planTicketChange(ticket, stored, settings);
      if (isPlanWorthy(change.decision)) plan.push(change.entry);
      if (env.dryRun) {
        if (change.decision.kind === 'clear_alert') stats.alertsCleared += 1;
        else stats.nothing += 1;
        continue;
      }
      await applyTicketChange(env, journal, change, stats);
    } catch (error) {
      if (error instanceof LoopAborted) throw error;
      stats.failed += 1;
      if (!(error instanceof JournalInProgressError)) env.log?.warn({ ticketId: ticket.id, err: describeError(error) }, 'ticket change failed; the next pass reads it again');
      oldestFailed = earlier(oldestFailed, ticket.lastModifiedAt);
    }
  }
  const next = oldestFailed ?? newest;
  if (next !== null && !env.dryRun) {
    if (oldestFailed !== null) {
      // Hold at the failed change (the listing is inclusive), but never move back past where we started.
      if ((compareCursorValues(next, since) ?? 1) > 0) await cursors.set(env.integrationId, TICKETS_LOOP, next);
    } else {
      await cursors.advance(env.integrationId, TICKETS_LOOP, next);
    }
  }
  stats.cursor = (await cursors.get(env.integrationId, TICKETS_LOOP)) ?? null;
  return { stats, plan };
}

/** The engine's decision for one changed, linked ticket, and its plan entry. Reads and writes nothing. */
function planTicketChange(ticket: TargetTicket, stored: StoredLink, settings: TicketSettings): PlannedTicketChange {
  const decision = decideTicketEvent({
    ticket: { id: ticket.id, status: ticket.status, closed: ticket.closed, lastModifiedAt: ticket.lastModifiedAt },
    link: stored.link,
    settings,
  });
  return {
    ticket,
    stored,
    decision,
    labels: { ticketNumber: ticket.number ?? stored.labels.ticketNumber, ticketTitle: ticket.title },
    entry: ticketPlanEntry(decision, { id: ticket.id, number: ticket.number ?? stored.labels.ticketNumber, status: ticket.status }, stored),
  };
}

/**
 * Applies one planned change: the vendor alerts cleared through the journal (a retry finds the
 * entry done), then the link's events and labels saved by compare-and-set.
 */
async function applyTicketChange(env: TicketLoopEnv, journal: Journal, change: PlannedTicketChange, stats: TicketsPassStats): Promise<void> {
  const { ticket, stored, decision, labels } = change;
  if (decision.kind === 'clear_alert') {
    const alertIds = decision.alertIds;
    await journal.run(
      { integrationId: env.integrationId, loop: TICKETS_LOOP, operation: 'clear_alert', idempotencyKey: decision.idempotencyKey, payload: { ticketId: ticket.id, alertIds, status: ticket.status } },
      {
        // Dismissing is idempotent on the vendor (an alert already gone succeeds): no lookup needed.
        lookup: async () => null,
        perform: async () => {
          for (const alertId of alertIds) await env.vendor.dismissAlert(alertId);
          await env.crashPoint?.('after_target_write', { ticketId: ticket.id, operation: 'clear_alert' });
          return alertIds.join(',');
        },
      },
    );
    await env.crashPoint?.('after_journal', { ticketId: ticket.id, operation: 'clear_alert' });
    stats.alertsCleared += 1;
  } else {
    stats.nothing += 1;
  }
  const changedLabels = labels.ticketNumber !== stored.labels.ticketNumber || labels.ticketTitle !== stored.labels.ticketTitle;
  if (decision.linkEvents.length > 0 || changedLabels) {
    await saveLinkEvents(env.repos, env.integrationId, stored.link.keyString, stored.link.episode, decision.linkEvents, 'tickets', labels, env.log);
    if (decision.linkEvents.some((e) => e.type === 'closed' || e.type === 'reopened')) stats.recorded += 1;
  }
}

/** The tickets loop as the loop registry runs it: its counts and, in a dry run too, its plan. */
export async function runTicketsLoop(rt: TicketRuntime, options: { dryRun?: boolean; signal?: AbortSignal } = {}): Promise<LoopOutcome<TicketPlanEntry>> {
  const { stats, plan } = await passTickets(await ticketLoopEnvOf(rt, options));
  return { loop: TICKETS_LOOP, dryRun: options.dryRun === true, stats, plan };
}
