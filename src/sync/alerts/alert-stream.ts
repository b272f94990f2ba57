/**
 * The alerts changed since the cursor, spent as a storm is spent (src/domain/alert-storm-order.ts):
 *
 * 1. Read the alerts changed since the cursor (at most `maxAlertsPerPass`), and the alerts an
 *    earlier pass deferred for want of PSA budget (`waiting_alerts`, reason `deferred`).
 * 2. Group them by alert key, most severe key first; one key's events stay in the vendor's order and
 *    are one unit of work, so its repeats fold into the ticket's next note (calls per alert fall as
 *    a storm grows).
 * 3. Take the units while their expected PSA calls fit what is left of the hour's budget (a share of
 *    the target's published allowance less what the database spent in the last hour, when the target
 *    publishes one); the rest are kept as `deferred` and taken up first by the next pass with budget.
 * 4. Apply each unit's events in order (failures counted and parked as before), then move the cursor
 *    past the alerts handled or kept, never past one that failed and was not parked.
 */
import { alertKeyOf, alertKeyString, normalizeAlertId } from '../../domain/alert-identity.ts';
import { expectedKeyCalls, orderBySeverity, remainingBudget, splitByBudget, type KeyWork, type StormEvent, type TicketWriteCalls } from '../../domain/alert-storm-order.ts';
import { deferredPlanEntry, parkedPlanEntry } from '../../domain/ticket-plan.ts';
import type { VendorAlert } from '../../domain/vendor-model.ts';
import { isoAt } from '../../store/columns.ts';
import type { StoredLink } from '../../store/repositories/alert-links.ts';
import { Cursors } from '../cursors.ts';
import { JournalInProgressError } from '../journal.ts';
import { describeError, LoopAborted, throwIfAborted } from '../ticket-loop-env.ts';
import { handleAlert } from './handle-alert.ts';
import { ALERTS_LOOP, companyOf, type PassContext } from './pass-context.ts';
import { parkBackoff } from './waiting-alerts.ts';

/**
 * The share of the target's hourly allowance the alerts loop may bring the database to. Autotask
 * refuses `normal` work at 90 % and adds latency from 50 %; stopping at 85 % leaves room for the
 * other loops and for a person's interactive calls.
 */
export const ALERTS_BUDGET_SHARE = 0.85;

/**
 * PSA calls a unit of work is expected to spend, as the Autotask connector spends them: a new ticket
 * is a look-up by reference, the create and its read-back; a note on an open ticket a write and its
 * check; a status change (close, reopen) a note, a read, the update and its read-back. An estimate
 * that errs low is stopped by the connector's own budget (it refuses `normal` work at its ceiling).
 */
const CALLS: TicketWriteCalls = { create: 3, note: 2, status: 5 };

interface StreamEvent extends StormEvent {
  alert: VendorAlert;
  alertId: string;
  /** Position in this pass's read (vendor order), or null for an alert an earlier pass deferred. */
  index: number | null;
}

export async function readStream(ctx: PassContext): Promise<void> {
  const { env, stats } = ctx;
  const cursors = new Cursors(env.repos.cursors);
  const start = await cursors.get(env.integrationId, ALERTS_LOOP);
  const limit = env.maxAlertsPerPass ?? 10_000;

  const fresh: VendorAlert[] = [];
  for await (const alert of env.vendor.listAlerts(start === undefined ? {} : { updatedAfterNs: start })) {
    throwIfAborted(env.signal);
    fresh.push(alert);
    if (fresh.length >= limit) break;
  }
  stats.observed += fresh.length;
  // A quiet poll in a storm's aftermath: nothing new, and deferred alerts only worth loading once
  // there is budget for them (a watch polls every few seconds).
  if (fresh.length === 0 && ((await env.repos.waitingAlerts.deferred(env.integrationId, 1)).length === 0 || (await budgetLeft(ctx)) <= 0)) {
    stats.cursor = start ?? null;
    return;
  }
  const deferred = await env.repos.waitingAlerts.deferred(env.integrationId, limit);

  // One event per alert id: a newer snapshot read now replaces the deferred one.
  const freshIds = new Set(fresh.map((alert) => normalizeAlertId(alert.id)));
  const events: StreamEvent[] = [
    ...deferred.filter((w) => !freshIds.has(w.alertId)).map((w) => eventOf(w.alert, null)),
    ...fresh.map((alert, index) => eventOf(alert, index)),
  ];
  const waiting = await env.repos.waitingAlerts.getMany(env.integrationId, events.map((e) => e.alertId));
  const queued = new Set(waiting.keys());
  const deferredIds = new Set([...waiting.values()].filter((w) => w.reason === 'deferred').map((w) => w.alertId));

  const histories = await env.repos.alertLinks.histories(env.integrationId, [...new Set(events.flatMap((e) => (e.key === null ? [] : [e.key])))]);
  const ordered = orderBySeverity(events);
  const remaining = await budgetLeft(ctx);
  const costs = new Map<KeyWork<StreamEvent>, number>();
  for (const work of ordered) costs.set(work, await expectedCalls(ctx, work, work.key === null ? [] : (histories.get(work.key) ?? [])));
  const split = splitByBudget(ordered, remaining, (work) => costs.get(work) ?? 0);
  if (Number.isFinite(remaining)) {
    stats.budgetLeft = remaining;
    stats.budgetExpected = split.calls;
  }

  // Vendor-order state of this read: the cursor moves over a prefix of handled (or kept) alerts.
  const done: boolean[] = fresh.map(() => false);
  for (const work of split.deferred) {
    for (const event of work.events) {
      stats.overBudget = Number(stats.overBudget ?? 0) + 1;
      const tenantId = alertKeyOf(event.alert)?.tenantId ?? null;
      const detail = deferDetail(split.calls, remaining);
      // A snapshot read now replaces the kept one (it may be the clear of an alert deferred raised).
      if (event.index !== null || !deferredIds.has(event.alertId)) await ctx.writes.defer(event.alertId, event.alert, tenantId, detail);
      ctx.plan.push(deferredPlanEntry(event.alertId, { type: event.alert.type, tenantId }, await companyOf(ctx, tenantId), detail));
      if (event.index !== null) done[event.index] = true;
    }
  }
  if (split.deferred.length > 0) ctx.log.warn({ deferredKeys: split.deferred.length, budgetLeft: remaining, expected: split.calls }, 'alert storm: the hour’s PSA budget is spent; the less severe alerts wait for the next pass with budget');

  await applyWork(ctx, split.now, histories, queued, done);

  let handledThrough: string | null = null;
  for (let i = 0; i < fresh.length && done[i]; i += 1) handledThrough = (fresh[i] as VendorAlert).updatedAtNs;
  if (handledThrough !== null) stats.cursor = await ctx.writes.advanceCursor(ALERTS_LOOP, handledThrough);
  if (stats.cursor === null) stats.cursor = (await cursors.get(env.integrationId, ALERTS_LOOP)) ?? null;
}

/** Each unit's events in order; a key whose event failed (and was not parked) waits for the next pass with the rest of its events. */
async function applyWork(ctx: PassContext, work: readonly KeyWork<StreamEvent>[], histories: Map<string, StoredLink[]>, queued: Set<string>, done: boolean[]): Promise<void> {
  const { env, stats } = ctx;
  const maxAttempts = env.maxStreamAttempts ?? 3;
  const maxConsecutive = env.maxConsecutiveFailures ?? 5;
  let consecutive = 0;
  for (const unit of work) {
    if (unit.key !== null) {
      ctx.histories.clear();
      ctx.histories.set(unit.key, histories.get(unit.key) ?? []);
    }
    let held = false;
    for (const event of unit.events) {
      throwIfAborted(env.signal);
      if (held) {
        stats.deferred += 1;
        continue;
      }
      let ok = true;
      try {
        const outcome = await handleAlert(ctx, event.alert);
        consecutive = 0;
        if (outcome === 'waiting') queued.add(event.alertId);
        else if (queued.has(event.alertId)) {
          // Handled now, or cleared while it waited (a cleared alert never becomes a ticket later).
          await ctx.writes.unqueue(event.alertId);
          queued.delete(event.alertId);
        }
      } catch (error) {
        if (error instanceof LoopAborted) throw error;
        stats.failed += 1;
        consecutive += 1;
        if (error instanceof JournalInProgressError) {
          // Another worker is applying this very operation: leave it to a later pass, no attempt counted.
          ok = false;
        } else {
          const tenantId = alertKeyOf(event.alert)?.tenantId ?? null;
          const attempts = await ctx.writes.recordFailure(event.alertId, event.alert, tenantId, describeError(error));
          // Null in a dry run: nothing is recorded, and the next real pass decides the alert afresh.
          if (attempts !== null) {
            queued.add(event.alertId);
            if (attempts >= maxAttempts || event.index === null) {
              // Parked: retried with backoff from `waiting_alerts`. A deferred alert is parked at its
              // first failure, since no cursor holds it for the next pass.
              await ctx.writes.retryAt(event.alertId, isoAt(ctx.clock, parkBackoff(attempts)));
              ctx.plan.push(parkedPlanEntry(event.alertId, { type: event.alert.type, tenantId }, await companyOf(ctx, tenantId), attempts, describeError(error)));
              stats.parked += 1;
              ctx.log.warn({ alertId: event.alertId, attempts, err: describeError(error) }, 'alert parked after repeated failures; retried with backoff, shown as failed');
            } else {
              ok = false;
              ctx.log.warn({ alertId: event.alertId, attempts, err: describeError(error) }, 'alert failed; the cursor stays so the next pass retries it');
            }
          }
        }
        if (consecutive >= maxConsecutive) {
          ctx.log.warn({ consecutive }, 'too many failures in a row: the pass stops early (the target or the vendor is probably down)');
          return;
        }
      }
      if (!ok) {
        held = unit.key !== null;
        continue;
      }
      if (event.index !== null) done[event.index] = true;
    }
  }
}

function eventOf(alert: VendorAlert, index: number | null): StreamEvent {
  const key = alertKeyOf(alert);
  return { key: key === null ? null : alertKeyString(key), severity: alert.severity, alert, alertId: normalizeAlertId(alert.id), index };
}

/** PSA calls the pass may still spend this hour; unbounded for a target that publishes no allowance. */
async function budgetLeft(ctx: PassContext): Promise<number> {
  const read = ctx.env.target.apiBudgetNow;
  if (read === undefined) return Number.POSITIVE_INFINITY;
  let budget;
  try {
    budget = await read.call(ctx.env.target);
  } catch (error) {
    // The target's own budget still guards every request; the pass goes on in severity order.
    ctx.log.warn({ err: describeError(error) }, 'could not read the PSA budget; the alerts are raised most severe first without it');
    return Number.POSITIVE_INFINITY;
  }
  if (budget.limit === null) return Number.POSITIVE_INFINITY;
  if (budget.waitUntil !== null) return 0;
  return remainingBudget(budget.limit * ALERTS_BUDGET_SHARE, budget.used);
}

/** What one key's events of this pass are expected to cost (src/domain/alert-storm-order.ts). */
async function expectedCalls(ctx: PassContext, work: KeyWork<StreamEvent>, history: readonly StoredLink[]): Promise<number> {
  const first = work.events[0]?.alert;
  const key = first === undefined ? null : alertKeyOf(first);
  if (key === null) return 0;
  const mapping = await ctx.mappingOf(key.tenantId);
  const latest = history.at(-1)?.link.status ?? null;
  return expectedKeyCalls(
    {
      mapped: mapping?.state === 'mapped' && mapping.companyId !== null,
      latestTicket: latest,
      raised: work.events.some((e) => !e.alert.dismissed),
      cleared: work.events.some((e) => e.alert.dismissed),
    },
    CALLS,
  );
}

function deferDetail(expected: number, remaining: number): string {
  return `An alert storm spent this hour's PSA budget (${Math.floor(remaining)} calls were left, ${expected} went to more severe alerts); this alert is raised as a ticket by the next pass with budget.`;
}
