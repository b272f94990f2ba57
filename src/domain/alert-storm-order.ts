/**
 * How one alerts pass spends a storm: pure decisions, no I/O.
 *
 * - Order: the most severe work first (critical before error before warning before information),
 *   but one key's events never overtake each other — a key moves as a whole, at the rank of its
 *   most severe event, so its lifecycle (raise → repeat → clear) is applied in the vendor's order.
 * - Fold: the repeats of one key inside a pass are one unit of work (one note per burst, not one
 *   per repeat), so PSA calls per alert fall as the storm grows.
 * - Budget: the PSA calls the pass may still spend this hour, against what each key is expected to
 *   cost (`expectedKeyCalls`, folded); the keys that do not fit are
 *   deferred to a later pass (counted as waiting, never dropped), least severe first to wait.
 */

const RANK: Record<string, number> = { critical: 0, error: 1, warning: 2, information: 3, ok: 4 };

/** Lower is more severe; an unknown severity ranks with information so it is never starved by typos. */
export function severityRank(severity: string | null | undefined): number {
  return RANK[(severity ?? '').toLowerCase()] ?? RANK.information!;
}

export interface StormEvent {
  /** The alert's key (alertKeyString); null for an alert without a key (handled on its own). */
  key: string | null;
  severity: string | null;
}

/** One key's events of this pass, in the vendor's order, with the rank of its most severe event. */
export interface KeyWork<T extends StormEvent> {
  key: string | null;
  rank: number;
  events: T[];
}

/** Groups the events by key (keeping each key's order) and orders the groups most severe first; ties keep arrival order. */
export function orderBySeverity<T extends StormEvent>(events: readonly T[]): KeyWork<T>[] {
  const groups: KeyWork<T>[] = [];
  const byKey = new Map<string, KeyWork<T>>();
  for (const event of events) {
    const rank = severityRank(event.severity);
    const existing = event.key === null ? undefined : byKey.get(event.key);
    if (existing !== undefined) {
      existing.events.push(event);
      existing.rank = Math.min(existing.rank, rank);
      continue;
    }
    const work: KeyWork<T> = { key: event.key, rank, events: [event] };
    groups.push(work);
    if (event.key !== null) byKey.set(event.key, work);
  }
  // Array.prototype.sort is stable: equal ranks stay in arrival order.
  return groups.sort((a, b) => a.rank - b.rank);
}

/** What the pass does within its PSA call budget for the hour. */
export interface BudgetSplit<T extends StormEvent> {
  now: KeyWork<T>[];
  /** Left for a later pass, still counted as waiting. */
  deferred: KeyWork<T>[];
  /** PSA calls the work done now is expected to spend. */
  calls: number;
}

/**
 * Takes the ordered work while its expected PSA calls fit `remaining`. Once one key does not fit,
 * every later (less or equally severe) key waits too, so a cheap info note never jumps ahead of a
 * critical ticket that waits for budget.
 */
export function splitByBudget<T extends StormEvent>(ordered: readonly KeyWork<T>[], remaining: number, callsOf: (work: KeyWork<T>) => number): BudgetSplit<T> {
  const now: KeyWork<T>[] = [];
  const deferred: KeyWork<T>[] = [];
  let calls = 0;
  for (const work of ordered) {
    const cost = callsOf(work);
    if (deferred.length === 0 && calls + cost <= remaining) {
      now.push(work);
      calls += cost;
    } else {
      deferred.push(work);
    }
  }
  return { now, deferred, calls };
}

/** PSA calls left this hour: the budget (a share of the PSA's threshold) less what the last hour spent. */
export function remainingBudget(hourlyBudget: number, spentInLastHour: number): number {
  return Math.max(0, Math.floor(hourlyBudget) - Math.max(0, spentInLastHour));
}

/** PSA calls of each kind of ticket write, as the target's connector spends them (given by the caller). */
export interface TicketWriteCalls {
  create: number;
  note: number;
  /** A status change (close, reopen). */
  status: number;
}

/** What one key's events of a pass amount to, for its expected cost. */
export interface KeyCostInput {
  /** The tenant has a company: otherwise the events wait for a mapping and cost nothing. */
  mapped: boolean;
  /** The key's latest ticket, if it has one. */
  latestTicket: 'open' | 'closed' | null;
  /** Some event raises (or repeats) the condition. */
  raised: boolean;
  /** Some event clears it. */
  cleared: boolean;
}

/**
 * The PSA calls a key's events are expected to cost, folded: all its raises are one write (a new
 * ticket, a reopen, or one note on its open ticket; repeats within the note window are counted, not
 * written), and a clear one status change when there is or will be a ticket to close.
 */
export function expectedKeyCalls(input: KeyCostInput, calls: TicketWriteCalls): number {
  if (!input.mapped) return 0;
  let total = 0;
  if (input.raised) total += input.latestTicket === 'open' ? calls.note : input.latestTicket === 'closed' ? calls.status : calls.create;
  if (input.cleared && (input.latestTicket === 'open' || input.raised)) total += calls.status;
  return total;
}
