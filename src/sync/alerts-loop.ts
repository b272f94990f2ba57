/**
 * The alerts loop: vendor alerts changed since the cursor (Unix ns, `updated_at`) become tickets
 * on the target, through the pure lifecycle engine (src/domain/ticket-lifecycle.ts) and the journal.
 *
 * One pass:
 * 1. Reads the `tickets` and `alert-mappings` settings; with the feature off it reads nothing.
 * 2. Asks the held-back alerts again: unmapped alerts of tenants that are mapped now, and failed
 *    alerts whose retry time has come (`waiting_alerts`).
 * 3. Reads the alerts changed since the cursor, oldest change first, and for each plans (its key's
 *    link history + the tenant's mapping + the settings → `decideAlertEvent` → a plan entry,
 *    src/domain/ticket-plan.ts), then applies (alerts/handle-alert.ts; a dry run applies nothing,
 *    and its waiting-list and cursor writes are none, alerts/pass-writes.ts):
 *    - create_ticket: journal `tkt:<key>:e<n>:create`; the target's `createTicket` looks the
 *      ticket up by its exact external reference first (port contract), and a resumed journal entry
 *      looks it up again before anything is written, so a crash between "ticket created" and "link
 *      saved" never makes a second ticket;
 *    - add_note / reopen_ticket / close_ticket: journal keyed by the decision, the connector's
 *      own "same note already there" / "status already set" checks make a retry harmless;
 *    - wait_unmapped: into the visible queue, never to a default company;
 *    - every decision's link events are saved after the write (also those of `nothing` decisions,
 *      e.g. a counted repeat), by compare-and-set on the link's version.
 * 4. Moves the cursor past the alerts handled, never past one that failed: the next pass reads it
 *    again (handled alerts after it are recognised as handled and cost no target call).
 *
 * Poisoned alerts. An alert that fails `maxStreamAttempts` passes in a row (default 3) is parked in
 * `waiting_alerts` as `failed` with its error, retried from there with backoff (1 min doubling to
 * 1 h), and no longer holds the cursor: one bad alert cannot stop every other customer's tickets.
 * Later alerts of a key whose alert failed in this pass are left for the next pass, so one key's
 * events are applied in order. After `maxConsecutiveFailures` failures in a row (the target is
 * down, not one alert) the pass stops early without counting more attempts.
 *
 * A crash anywhere is safe: the journal entry is pending (looked up on the next pass), the link is
 * saved after the write (a missing link is adopted from the journal on the next pass), and the
 * cursor only moves after both.
 */
import type { AlertDecision } from '../domain/ticket-lifecycle.ts';
import type { AlertPlanEntry } from '../domain/ticket-plan.ts';
import type { LoopOutcome } from './loop-result.ts';
import { systemClock } from '../store/columns.ts';
import { TicketConfig, ticketProfileFor } from './settings/tickets.ts';
import { readStream } from './alerts/alert-stream.ts';
import { ALERTS_LOOP, buildContext, emptyAlertsPassStats, type AlertsPassStats } from './alerts/pass-context.ts';
import { readTicketStart } from './ticket-start.ts';
import { releaseWaiting } from './alerts/waiting-alerts.ts';
import { watchAlerts } from './alerts/alert-watch.ts';
import { integrationSettings } from './settings/settings.ts';
import { ticketLoopEnvOf, type TicketLoopEnv, type TicketRuntime } from './ticket-loop-env.ts';

export { ALERTS_LOOP, type AlertsPassStats } from './alerts/pass-context.ts';
export { saveLinkEvents } from './ticket-link-writes.ts';
export { describeError, LoopAborted, ticketLoopEnvOf, type CrashPoint, type TicketLoopEnv, type TicketLoopLog, type TicketLoopRepos, type TicketRuntime } from './ticket-loop-env.ts';
export type { AlertDecision };

/**
 * One pass of the alerts loop for one integration. `heldBack: false` (a watch poll) reads only the
 * feed: the held-back alerts are asked again by the scheduled pass.
 */
export async function runAlertsPass(env: TicketLoopEnv, options: { heldBack?: boolean } = {}): Promise<AlertsPassStats> {
  return (await passAlerts(env, options)).stats;
}

/** A pass's counts and its plan: one entry per decision worth a line, deferred or parked alert (src/domain/ticket-plan.ts). */
export interface AlertsPass {
  stats: AlertsPassStats;
  plan: AlertPlanEntry[];
}

/**
 * One pass, with its plan. Every alert is planned (decided) and then applied; a dry run (`env.dryRun`)
 * plans the same way and applies nothing: no ticket, no link, no waiting-list change, no cursor move.
 */
export async function passAlerts(env: TicketLoopEnv, options: { heldBack?: boolean } = {}): Promise<AlertsPass> {
  const stats = emptyAlertsPassStats();
  const ticketTarget = ticketProfileFor(env.target.system);
  if (ticketTarget === null || env.target.tickets === undefined) {
    stats.skipped = `${env.target.system} has no tickets`;
    return { stats, plan: [] };
  }
  const clock = env.clock ?? systemClock;
  const config = new TicketConfig(env.repos.settings);
  const settings = await config.readSettings(env.integrationId, ticketTarget);
  if (!settings.enabled) {
    stats.skipped = 'feature_off';
    return { stats, plan: [] };
  }
  const ctx = buildContext(env, clock, ticketTarget, settings, await config.readMapping(env.integrationId, ticketTarget), stats);
  ctx.ticketStart = await readTicketStart(env.repos.settings, env.integrationId);

  if (options.heldBack !== false) await releaseWaiting(ctx);
  await readStream(ctx);
  return { stats, plan: ctx.plan };
}

/** Until when (and how often) a scheduled run keeps watching the feed after its pass; see alerts/alert-watch.ts. */
export interface AlertsWatchRequest {
  /** When the next scheduled run is due (epoch ms), asked before each poll; null: no longer scheduled. */
  until: () => Promise<number | null>;
  runRequested?: () => Promise<boolean>;
  /** Overrides the `schedule.alertsWatchSeconds` setting (tests). */
  everyMs?: number;
}

/**
 * The alerts loop as the loop registry runs it: one pass, then, for a scheduled run (`watch`), the
 * watch until the next scheduled run. A dry run or a run a person asked for is a single pass.
 */
export async function runAlertsLoop(
  rt: TicketRuntime,
  options: { dryRun?: boolean; signal?: AbortSignal; watch?: AlertsWatchRequest } = {},
): Promise<LoopOutcome<AlertPlanEntry>> {
  const env = await ticketLoopEnvOf(rt, options);
  // The plan is the scheduled pass's; the watch's polls after it report in the counts only.
  const { stats, plan } = await passAlerts(env);
  const everyMs = options.watch?.everyMs ?? (await integrationSettings(rt.store.repos.settings).read(rt.integration.id, 'schedule')).alertsWatchSeconds * 1000;
  if (options.watch !== undefined && options.dryRun !== true && stats.skipped === null && everyMs > 0) {
    const watched = await watchAlerts(
      { until: options.watch.until, everyMs, ...(options.watch.runRequested === undefined ? {} : { runRequested: options.watch.runRequested }), ...(options.signal === undefined ? {} : { signal: options.signal }) },
      () => runAlertsPass(env, { heldBack: false }),
      stats,
    );
    stats.watchPolls = watched.polls;
    stats.watchEnded = watched.ended;
  }
  return { loop: ALERTS_LOOP, dryRun: options.dryRun === true, stats, plan };
}
