import { alertKeyOf, ticketExternalRef } from '../../src/domain/alert-identity.ts';
import { measure, type Measurement } from '../measure.ts';
import { startAlertsBenchWorld } from './alerts-bench-world.ts';
import type { BenchScale } from '../scale.ts';

const SEVERITIES = [
  { severity: 'critical', share: 0.1 },
  { severity: 'error', share: 0.2 },
  { severity: 'warning', share: 0.3 },
  { severity: 'information', share: 0.4 },
] as const;
/** Conditions (tenant × machine) per customer the storm's alerts fall on: repeats grow as it goes on. */
const CONDITIONS_PER_CUSTOMER = 3;

/**
 * An alert storm against Autotask with its real threshold (10,000 requests an hour) and latency
 * penalties (500 ms per request from 50 %, 1 s from 75 %) on, through the in-process runner at the
 * default schedule (a pass a minute, the watch every 3 s), twice: on a quiet database (other
 * integrations spent `BENCH_OTHER_REQUESTS`, default 3,000, of the hour) and on a busy one
 * (`BENCH_BUSY_REQUESTS`, default 8,400: the budget binds). `BENCH_STORM=quiet|busy` runs one. Alerts come at the scale's rate
 * (1,000 a minute at full size), each on one of 600 conditions (200 customers × 3 machines; the
 * severity is the condition's: 10 % critical, 20 % error, 30 % warning, 40 % information), so the
 * longer the storm, the more of its alerts are repeats of a condition that already has a ticket.
 *
 * Reported: the p95 from a condition's first alert to its ticket, per severity; the PSA calls per
 * alert in each half of the storm; the database's requests in the hour at the end (never over the
 * threshold; refusals counted); what was deferred for want of budget; and, after the hour rolls
 * over (both emulators' clocks and the hub's moved 61 minutes), that every condition has its one
 * ticket — no alert lost.
 */
export async function alertStorm(scale: BenchScale): Promise<Measurement[]> {
  const quiet = Number(process.env.BENCH_OTHER_REQUESTS ?? (scale.name === 'smoke' ? 0 : 3_000));
  // A busy database: 84 % spent by others, so the alerts' share (85 %) leaves room for a few dozen
  // tickets, and every request pays Autotask's 1 s penalty (from 75 %).
  // Smaller runs leave room for a handful of tickets only, so the penalised requests fit their time.
  const busy = Number(process.env.BENCH_BUSY_REQUESTS ?? (scale.name === 'full' ? 8_400 : 8_480));
  const only = process.env.BENCH_STORM;
  const out: Measurement[] = [];
  if (only === undefined || only === 'quiet') out.push(await storm(scale, quiet, 'quiet database'));
  if (only === undefined || only === 'busy') out.push(await storm(scale, busy, 'busy database'));
  return out;
}

async function storm(scale: BenchScale, others: number, label: string): Promise<Measurement> {
  const perMinute = Number(process.env.BENCH_ALERTS_PER_MINUTE ?? scale.alerts.perMinute);
  const minutes = Number(process.env.BENCH_MINUTES ?? scale.alerts.minutes);
  const customers = scale.alerts.customers;
  const world = await startAlertsBenchWorld(customers);
  const { h, runner, created } = world;
  try {
    // The emulator's own defaults are Autotask's real limits; only the others' spend is added.
    await h.control('autotask', 'PUT', '/limits', { resetWindow: true, addRequests: others });
    await h.store.repos.settings.set(h.integrationId, 'schedule', { alertsWatchSeconds: Math.round(scale.alerts.watchMs / 1000) });

    const total = Math.round(perMinute * minutes);
    const gapMs = 60_000 / perMinute;
    const conditions = customers * CONDITIONS_PER_CUSTOMER;
    /** Per condition: its severity, external reference, and when its first alert was raised. */
    const firstRaised = new Map<number, { severity: string; ref: string; at: number }>();
    const severityOf = (condition: number): string => {
      let acc = 0;
      const x = ((condition * 2_654_435_761) % 1000) / 1000;
      for (const s of SEVERITIES) if (x < (acc += s.share)) return s.severity;
      return 'information';
    };
    const callsAt: number[] = [];

    const result = await measure(
      `${label}: ${perMinute} alerts/min for ${minutes} min over ${conditions} conditions, Autotask threshold and penalties on, ${others} requests spent by others`,
      async () => {
        await runner.schedule({ integrationId: h.integrationId, loop: 'alerts', every: { intervalMs: scale.alerts.scheduleMs } });
        while (!(await runner.isRunning(h.integrationId, 'alerts'))) await new Promise((resolve) => setTimeout(resolve, 20));
        const start = performance.now();
        for (let i = 0; i < total; i += 1) {
          const due = start + i * gapMs;
          const now = performance.now();
          if (due > now) await new Promise((resolve) => setTimeout(resolve, due - now));
          if (i === Math.floor(total / 2)) callsAt.push(h.targetCalls.total());
          const condition = (i * 7_919 + Math.floor(i / conditions)) % conditions;
          const tenant = h.tenants[condition % customers] as string;
          const resourceId = `host-${condition}`;
          const severity = severityOf(condition);
          await h.raise(tenant, 'BackupFailed', { resourceId, resourceName: resourceId }, severity);
          if (!firstRaised.has(condition)) {
            firstRaised.set(condition, { severity, ref: ticketExternalRef(alertKeyOf({ tenantId: tenant, type: 'BackupFailed', details: { resourceId } })!, 1), at: performance.now() });
          }
        }
        const raisedFor = performance.now() - start;
        // Until every condition has its ticket or an alert kept for the next hour (or the drain time is up).
        const drainUntil = performance.now() + Number(process.env.BENCH_DRAIN_MS ?? { smoke: 60_000, quick: 45_000, full: 120_000 }[scale.name]);
        const keptRefs = async (): Promise<Set<string>> =>
          new Set(
            (await h.store.repos.waitingAlerts.list(h.integrationId, { reason: 'deferred', limit: 100_000 })).flatMap((w) => {
              const key = alertKeyOf(w.alert);
              return key === null ? [] : [ticketExternalRef(key, 1)];
            }),
          );
        const unsettled = async (): Promise<boolean> => {
          const kept = await keptRefs();
          return [...firstRaised.values()].some((c) => !created.has(c.ref) && !kept.has(c.ref));
        };
        while ((await unsettled()) && performance.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 500));
        callsAt.push(h.targetCalls.total());
        const limits = await h.control('autotask', 'GET', '/limits');
        const inTheHour = await h.store.repos.waitingAlerts.countByReason(h.integrationId);
        const ticketedInTheHour = created.size;

        const figures: Record<string, number | string> = {
          alerts: total,
          conditions: firstRaised.size,
          ticketedInTheHour,
          deferredAlerts: inTheHour.deferred,
          autotaskRequestsInTheHour: limits.currentTimeframeRequestCount,
          ourRequests: h.targetCalls.total(),
          refusedThreshold: limits.stats.refusedThreshold,
          ourCallsPerMinute: Math.round((h.targetCalls.total() / (performance.now() - start)) * 60_000),
          callsPerAlertFirstHalf: Number(((callsAt[0] ?? 0) / Math.max(1, Math.floor(total / 2))).toFixed(2)),
          callsPerAlertSecondHalf: Number((((callsAt[1] ?? 0) - (callsAt[0] ?? 0)) / Math.max(1, total - Math.floor(total / 2))).toFixed(2)),
          raisedSeconds: Number((raisedFor / 1000).toFixed(1)),
        };
        for (const { severity } of SEVERITIES) {
          const latencies = [...firstRaised.values()]
            .filter((c) => c.severity === severity && created.has(c.ref))
            .map((c) => (created.get(c.ref) as number) - c.at)
            .sort((a, b) => a - b);
          const of = [...firstRaised.values()].filter((c) => c.severity === severity).length;
          figures[`${severity}Ticketed`] = `${latencies.length}/${of}`;
          figures[`${severity}P95S`] = latencies.length === 0 ? 'none' : Number(((latencies[Math.min(latencies.length - 1, Math.floor(0.95 * latencies.length))] as number) / 1000).toFixed(2));
        }

        // The hour rolls over: what was deferred is raised, and no condition is left without its ticket.
        await h.advanceDays(61 / 1440);
        const settleUntil = performance.now() + 120_000;
        while (created.size < firstRaised.size && performance.now() < settleUntil) await new Promise((resolve) => setTimeout(resolve, 200));
        const refs = (await h.control('autotask', 'GET', '/entities/Tickets?limit=100000')).items.map((t: { externalID: string | null }) => t.externalID).filter((r: string | null) => (r ?? '').startsWith('pb:'));
        figures.ticketedAfterTheHour = created.size;
        figures.lostConditions = [...firstRaised.values()].filter((c) => !created.has(c.ref)).length;
        figures.duplicateTickets = refs.length - new Set(refs).size;
        figures.deferredLeft = (await h.store.repos.waitingAlerts.countByReason(h.integrationId)).deferred;
        return figures;
      },
      () => h.targetCalls.total(),
    );
    return result;
  } finally {
    await world.close();
  }
}
