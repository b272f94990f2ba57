/**
 * The alerts changed since the cursor, oldest change first: each one handled, failures counted and
 * parked, and the cursor moved past the alerts handled, never past one that failed.
 */
import { alertKeyOf, alertKeyString, normalizeAlertId } from '../../domain/alert-identity.ts';
import type { VendorAlert } from '../../domain/vendor-model.ts';
import { isoAt } from '../../store/columns.ts';
import { Cursors } from '../cursors.ts';
import { JournalInProgressError } from '../journal.ts';
import { describeError, LoopAborted, throwIfAborted } from '../ticket-loop-env.ts';
import { handleAlert } from './handle-alert.ts';
import { ALERTS_LOOP, type PassContext } from './pass-context.ts';
import { parkBackoff } from './waiting-alerts.ts';

const CURSOR_SAVE_EVERY = 25;

export async function readStream(ctx: PassContext): Promise<void> {
  const { env, stats } = ctx;
  const cursors = new Cursors(env.repos.cursors);
  const start = await cursors.get(env.integrationId, ALERTS_LOOP);
  const maxAttempts = env.maxStreamAttempts ?? 3;
  const maxConsecutive = env.maxConsecutiveFailures ?? 5;
  const limit = env.maxAlertsPerPass ?? 10_000;
  const queued = new Set((await env.repos.waitingAlerts.list(env.integrationId, { limit: 100_000 })).map((w) => w.alertId));
  const failedKeys = new Set<string>();
  let holding = false;
  let handledThrough: string | null = null;
  let sinceSave = 0;
  let consecutive = 0;

  const saveCursor = async (): Promise<void> => {
    if (env.dryRun || handledThrough === null) return;
    stats.cursor = (await cursors.advance(env.integrationId, ALERTS_LOOP, handledThrough)).value;
    sinceSave = 0;
  };

  for await (const alert of prefetched(ctx, env.vendor.listAlerts(start === undefined ? {} : { updatedAfterNs: start }))) {
    throwIfAborted(env.signal);
    stats.observed += 1;
    const key = alertKeyOf(alert);
    const keyString = key === null ? null : alertKeyString(key);
    const alertId = normalizeAlertId(alert.id);
    if (keyString !== null && failedKeys.has(keyString)) {
      stats.deferred += 1;
      holding = true;
    } else {
      try {
        const outcome = await handleAlert(ctx, alert);
        consecutive = 0;
        if (outcome === 'waiting') queued.add(alertId);
        else if (queued.has(alertId) && !env.dryRun) {
          // Handled now, or cleared while it waited (a cleared alert never becomes a ticket later).
          await env.repos.waitingAlerts.remove(env.integrationId, alertId);
          queued.delete(alertId);
        }
      } catch (error) {
        if (error instanceof LoopAborted) throw error;
        stats.failed += 1;
        consecutive += 1;
        if (error instanceof JournalInProgressError) {
          // Another worker is applying this very operation: leave it to a later pass, no attempt counted.
          holding = true;
          if (keyString !== null) failedKeys.add(keyString);
        } else if (!env.dryRun) {
          const attempts = await env.repos.waitingAlerts.recordFailure(env.integrationId, alertId, alert, key?.tenantId ?? null, describeError(error), null);
          queued.add(alertId);
          if (attempts >= maxAttempts) {
            await env.repos.waitingAlerts.setNextAttempt(env.integrationId, alertId, isoAt(ctx.clock, parkBackoff(attempts)));
            stats.parked += 1;
            ctx.log.warn({ alertId, attempts, err: describeError(error) }, 'alert parked after repeated failures; retried with backoff, shown as failed');
          } else {
            holding = true;
            if (keyString !== null) failedKeys.add(keyString);
            ctx.log.warn({ alertId, attempts, err: describeError(error) }, 'alert failed; the cursor stays so the next pass retries it');
          }
        }
        if (consecutive >= maxConsecutive) {
          ctx.log.warn({ consecutive }, 'too many failures in a row: the pass stops early (the target or the vendor is probably down)');
          break;
        }
      }
    }
    if (!holding) {
      handledThrough = alert.updatedAtNs;
      sinceSave += 1;
      if (sinceSave >= CURSOR_SAVE_EVERY) await saveCursor();
    }
    if (stats.observed >= limit) break;
  }
  await saveCursor();
  if (stats.cursor === null) stats.cursor = (await cursors.get(env.integrationId, ALERTS_LOOP)) ?? null;
}

const PREFETCH_PAGE = 100;

/** Yields the alerts as they come, reading the link histories of each page of them in one query. */
async function* prefetched(ctx: PassContext, alerts: AsyncIterable<VendorAlert>): AsyncGenerator<VendorAlert> {
  let page: VendorAlert[] = [];
  const flush = async function* (): AsyncGenerator<VendorAlert> {
    const keys = page.flatMap((alert) => {
      const key = alertKeyOf(alert);
      return key === null ? [] : [alertKeyString(key)];
    });
    ctx.histories.clear();
    const found = await ctx.env.repos.alertLinks.histories(ctx.env.integrationId, keys);
    for (const key of keys) ctx.histories.set(key, found.get(key) ?? []);
    const current = page;
    page = [];
    yield* current;
  };
  for await (const alert of alerts) {
    page.push(alert);
    if (page.length >= PREFETCH_PAGE) yield* flush();
  }
  if (page.length > 0) yield* flush();
}
