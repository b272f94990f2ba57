/**
 * The alerts watch: after a scheduled alerts pass, the same run keeps reading the alert feed with
 * its cursor every few seconds until just before the next scheduled run, so a new alert becomes a
 * ticket within seconds instead of at the next pass (issue 16: p95 ≤ 5 s at the default settings).
 *
 * Why inside the scheduled run rather than a watcher job of its own: the runners already keep at
 * most one run of (integration, alerts) at a time across the deployment (in-process lock, pg-boss
 * stately queue + run lock), so a watch can never overlap a pass of the same integration, and a
 * killed worker's watch is taken over like any other run. Each poll is an ordinary stream read
 * (journal first, cursor after), so a crash or retry anywhere in it creates no second ticket.
 *
 * A poll costs one vendor call when nothing changed (the cursor's `updated_at` listing returns one
 * empty page); what it finds is handled exactly as in a pass (storm order, budget, folding).
 * Held-back alerts (unmapped, parked failures) are asked again by the scheduled pass only.
 *
 * The watch ends early, at its next poll, when the run is asked to stop (shutdown: the sleep is
 * cut short), or when a person asked for a run of this loop meanwhile (that run waits for this
 * one). Its last poll starts early enough to end before the next scheduled run is due.
 */
import type { AlertsPassStats } from './pass-context.ts';

export interface WatchWindow {
  /**
   * When the next scheduled run is due (epoch ms, this process's clock), asked before each poll:
   * the watch ends before it. After a poll that outlasted a tick (the tick was dropped: the job was
   * running) it is the following tick, so a long storm poll does not leave a whole interval unread.
   * Null: the job is no longer scheduled, and the watch ends.
   */
  until: () => Promise<number | null>;
  /** Time between two polls. */
  everyMs: number;
  /** Whether a run of this loop was requested meanwhile (then the watch ends so it can start). */
  runRequested?: () => Promise<boolean>;
  signal?: AbortSignal;
  now?: () => number;
}

/** How long before the next scheduled run the last poll must have ended (a poll takes well under a second when quiet). */
export const WATCH_MARGIN_MS = 1_500;

export interface WatchStats {
  polls: number;
  /** Why the watch ended: `due` (the next scheduled run comes), `requested`, `stopped`. */
  ended: 'due' | 'requested' | 'stopped';
}

/**
 * Runs `poll` every `everyMs` until the window closes, adding each poll's counts into `total`.
 * A poll that throws ends the watch with its error (the run fails and is retried like a pass).
 */
export async function watchAlerts(window: WatchWindow, poll: () => Promise<AlertsPassStats>, total: AlertsPassStats): Promise<WatchStats> {
  const now = window.now ?? Date.now;
  let polls = 0;
  for (;;) {
    if (window.signal?.aborted) return { polls, ended: 'stopped' };
    const until = await window.until();
    if (until === null || now() + window.everyMs > until - WATCH_MARGIN_MS) return { polls, ended: 'due' };
    await pause(window.everyMs, window.signal);
    if (window.signal?.aborted) return { polls, ended: 'stopped' };
    if (window.runRequested !== undefined && (await window.runRequested())) return { polls, ended: 'requested' };
    addPassStats(total, await poll());
    polls += 1;
  }
}

/** Figures that are a state, not a count: the latest poll's stands. */
const LATEST = new Set(['budgetLeft']);

/** Adds one poll's counts to the run's; the cursor, `skipped` and the budget left are the latest poll's. */
export function addPassStats(total: AlertsPassStats, poll: AlertsPassStats): void {
  for (const [name, value] of Object.entries(poll)) {
    if (LATEST.has(name) && value !== null) total[name] = value;
    else if (typeof value === 'number' && typeof total[name] === 'number') total[name] = (total[name] as number) + value;
    else if (typeof value === 'number' && total[name] === undefined) total[name] = value;
  }
  if (poll.cursor !== null) total.cursor = poll.cursor;
  total.skipped = poll.skipped;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
