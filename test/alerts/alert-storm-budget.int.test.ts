// An alert storm inside Autotask's hourly threshold (issue 16 item 2), against the emulators over
// real HTTP on both databases, with the emulator's threshold and latency penalties on: the most
// severe alerts become tickets first, one condition's repeats fold into its one ticket, the pass
// stops spending at the alerts' share of the hour, and the alerts left over are kept (deferred),
// not lost: the next pass with budget raises them, and nothing is raised twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALERTS_BUDGET_SHARE } from '../../src/sync/alerts/alert-stream.ts';
import { testDatabases } from '../support/databases.ts';
import { startAlertsHarness, type AlertsHarness } from './harness.ts';

const TENANTS = 20;
const THRESHOLD = 400;
/** Requests other integrations of the database spent this hour already. */
const OTHERS = 200;
const SEVERITIES = ['information', 'warning', 'critical'] as const;

describe.each(testDatabases())('alert storm within the PSA budget on $name', (database) => {
  let h: AlertsHarness;
  beforeEach(async () => {
    h = await startAlertsHarness(database, { autotaskSeed: 'empty', customers: TENANTS });
    // The real threshold's shape, scaled down: latency from 50 % and 75 %, refusal past 100 %.
    await h.control('autotask', 'PUT', '/limits', { threshold: THRESHOLD, latencyAt50Ms: 5, latencyAt75Ms: 10, resetWindow: true, addRequests: OTHERS });
  });
  afterEach(async () => {
    await h.close();
  });

  /** Ticket id per (severity of its key) from the hub's links, in the order Autotask numbered them. */
  async function ticketsBySeverity(): Promise<Record<(typeof SEVERITIES)[number], number[]>> {
    const out: Record<(typeof SEVERITIES)[number], number[]> = { critical: [], warning: [], information: [] };
    for (const stored of await h.store.repos.alertLinks.list(h.integrationId, { limit: 1_000 })) {
      const severity = /resource:(\w+)-/.exec(stored.labels.resource ?? '')?.[1] as (typeof SEVERITIES)[number];
      out[severity].push(Number(stored.link.ticketId));
    }
    for (const ids of Object.values(out)) ids.sort((a, b) => a - b);
    return out;
  }

  it('raises the most severe first, folds repeats, stops at its share of the hour, and raises the rest once the hour frees', async () => {
    // The storm, least severe raised first so that arrival order is the opposite of severity order:
    // per customer one information and one warning condition, and a critical one raised three times.
    for (const severity of SEVERITIES) {
      for (let i = 0; i < TENANTS; i += 1) {
        const times = severity === 'critical' ? 3 : 1;
        for (let n = 0; n < times; n += 1) await h.raise(h.tenants[i] as string, 'BackupFailed', { resourceId: `${severity}-${i}`, resourceName: `${severity}-${i}` }, severity);
      }
    }
    const alerts = TENANTS * 5;

    const first = await h.alertsPass();
    const limits = await h.control('autotask', 'GET', '/limits');
    // Never over the threshold, never refused, and the hub stopped at the alerts' share of it.
    expect(limits.stats.refusedThreshold).toBe(0);
    expect(limits.currentTimeframeRequestCount).toBeLessThanOrEqual(Math.ceil(THRESHOLD * ALERTS_BUDGET_SHARE) + 5);
    expect(first.observed).toBe(alerts);
    expect(first.failed).toBe(0);
    expect(Number(first.overBudget)).toBeGreaterThan(0);

    const afterFirst = await ticketsBySeverity();
    // Every critical condition has its one ticket (three alerts each, folded), made before any other.
    expect(afterFirst.critical).toHaveLength(TENANTS);
    const lastCritical = Math.max(...afterFirst.critical);
    for (const id of [...afterFirst.warning, ...afterFirst.information]) expect(id).toBeGreaterThan(lastCritical);
    if (afterFirst.information.length > 0) expect(Math.min(...afterFirst.information)).toBeGreaterThan(Math.max(...afterFirst.warning));
    expect(afterFirst.warning.length).toBeGreaterThan(afterFirst.information.length);
    // Repeats cost no calls of their own: the pass spent about three per ticket, not per alert.
    const made = Object.values(afterFirst).flat().length;
    expect(h.targetCalls.total() / made).toBeLessThan(4);

    // What did not fit is kept, not lost: deferred in the hub, and the cursor moved past it.
    const deferred = await h.store.repos.waitingAlerts.list(h.integrationId, { reason: 'deferred', limit: 1_000 });
    expect(deferred.length).toBe(Number(first.overBudget));
    expect(deferred.length + made + 2 * TENANTS).toBe(alerts);
    expect(new Set(deferred.map((w) => w.severity))).not.toContain('critical');

    // Still within the hour: a pass reads nothing new and raises nothing.
    const waitingPass = await h.alertsPass();
    expect(waitingPass).toMatchObject({ observed: 0, created: 0 });
    expect((await h.control('autotask', 'GET', '/limits')).stats.refusedThreshold).toBe(0);

    // The hour rolls over (both emulators' clocks and the hub's): the deferred alerts are raised.
    await h.advanceDays(61 / 1440);
    const second = await h.alertsPass();
    expect(second.observed).toBe(0);
    expect(second.created).toBe(deferred.length);
    const all = await ticketsBySeverity();
    expect(all.critical).toHaveLength(TENANTS);
    expect(all.warning).toHaveLength(TENANTS);
    expect(all.information).toHaveLength(TENANTS);
    expect(await h.store.repos.waitingAlerts.list(h.integrationId, { reason: 'deferred' })).toEqual([]);
    // One ticket per condition in Autotask, none twice.
    const refs = (await h.tickets()).map((t) => t.externalID).filter((ref) => (ref ?? '').startsWith('pb:'));
    expect(refs).toHaveLength(3 * TENANTS);
    expect(new Set(refs).size).toBe(refs.length);
  }, 120_000);

  it('raises no ticket for a deferred alert that cleared before its turn, even with no budget left', async () => {
    // Only room for the critical ticket: the warning waits.
    await h.control('autotask', 'PUT', '/limits', { resetWindow: true, addRequests: Math.floor(THRESHOLD * ALERTS_BUDGET_SHARE) - 6 });
    await h.raise(h.tenants[0] as string, 'BackupFailed', { resourceId: 'critical-0', resourceName: 'critical-0' }, 'critical');
    const warning = await h.raise(h.tenants[1] as string, 'BackupFailed', { resourceId: 'warning-1', resourceName: 'warning-1' }, 'warning');
    const first = await h.alertsPass();
    expect(first).toMatchObject({ created: 1, overBudget: 1 });
    expect((await h.store.repos.waitingAlerts.list(h.integrationId, { reason: 'deferred' })).map((w) => w.severity)).toEqual(['warning']);

    // Cleared while it waited. The next pass has no budget, but a clear with no ticket to close costs
    // nothing: it is applied at once (no ticket), and the alert no longer waits.
    await h.clear(warning);
    const second = await h.alertsPass();
    expect(second).toMatchObject({ observed: 1, created: 0 });
    expect(second.overBudget ?? 0).toBe(0);
    expect(await h.store.repos.waitingAlerts.list(h.integrationId, { reason: 'deferred' })).toEqual([]);

    await h.advanceDays(61 / 1440);
    const third = await h.alertsPass();
    expect(third.created).toBe(0);
    expect(await h.store.repos.waitingAlerts.list(h.integrationId, { reason: 'deferred' })).toEqual([]);
    expect((await h.tickets()).filter((t) => (t.externalID ?? '').startsWith('pb:'))).toHaveLength(1);
  }, 60_000);
});
