import { alertKeyOf, ticketExternalRef } from '../../src/domain/alert-identity.ts';
import { measure, type Measurement } from '../measure.ts';
import { startAlertsBenchWorld } from './alerts-bench-world.ts';
import type { BenchScale } from '../scale.ts';

/**
 * Alert → ticket latency at the default schedule, through the in-process job runner a `serve`
 * process uses: alerts are raised in the Acronis emulator at a steady rate (1,000 per minute at
 * full size) over 200 mapped customers (70 % on a machine not seen before, so a new ticket; 30 %
 * repeats of an open ticket's machine, coalesced into its next note), while the alerts loop runs on
 * its schedule (a pass a minute). Measured twice in one run: with the watch off (before: tickets at
 * each pass only) and with the default watch (after: the feed read every 3 s between passes).
 * Latency is from the moment the emulator answered the raise to the moment Autotask answered the
 * ticket's create. Then the feed is watched with no alerts for a while, to count what a quiet day
 * costs in vendor calls. Both emulators run in this process (SQLite store in a temp dir);
 * Autotask's latency penalties are off and its threshold raised so the hub's own latency is what
 * is measured (the `alert-storm` workload runs with them on).
 */
export async function alertsToTickets(scale: BenchScale): Promise<Measurement[]> {
  const watchMs = Number(process.env.BENCH_WATCH_MS ?? scale.alerts.watchMs);
  return [await defaultSchedule(scale, 0), await defaultSchedule(scale, watchMs)];
}

async function defaultSchedule(scale: BenchScale, watchMs: number): Promise<Measurement> {
  const perMinute = Number(process.env.BENCH_ALERTS_PER_MINUTE ?? scale.alerts.perMinute);
  const minutes = Number(process.env.BENCH_MINUTES ?? scale.alerts.minutes);
  const scheduleMs = scale.alerts.scheduleMs;
  const customers = scale.alerts.customers;
  const world = await startAlertsBenchWorld(customers);
  const { h, runner, created } = world;
  try {
    await h.control('autotask', 'PUT', '/limits', { threshold: 1_000_000, latencyAt50Ms: 0, latencyAt75Ms: 0 });
    await h.store.repos.settings.set(h.integrationId, 'schedule', { alertsWatchSeconds: Math.round(watchMs / 1000) });
    const raisedAt = new Map<string, number>();
    const total = Math.round(perMinute * minutes);
    const gapMs = 60_000 / perMinute;
    const label = watchMs > 0 ? `watch every ${watchMs / 1000} s (after)` : 'watch off (before)';

    const result = await measure(
      `${perMinute} alerts/min for ${minutes} min, alerts scheduled every ${scheduleMs / 1000} s, ${label}`,
      async () => {
        await runner.schedule({ integrationId: h.integrationId, loop: 'alerts', every: { intervalMs: scheduleMs } });
        // The first scheduled pass starts at once; alerts come from then on, at every phase of the schedule.
        while (!(await runner.isRunning(h.integrationId, 'alerts'))) await new Promise((resolve) => setTimeout(resolve, 20));
        const start = performance.now();
        const machines: string[] = [];
        for (let i = 0; i < total; i += 1) {
          const due = start + i * gapMs;
          const now = performance.now();
          if (due > now) await new Promise((resolve) => setTimeout(resolve, due - now));
          const tenantIndex = i % customers;
          const tenant = h.tenants[tenantIndex] as string;
          const repeat = i % 10 < 3 && machines.length > 0;
          const machine = repeat ? (machines[(i * 7919) % machines.length] as string) : `host-${i}`;
          const tenantOf = repeat ? (h.tenants[Number(machine.split(':')[0])] as string) : tenant;
          const resourceId = repeat ? (machine.split(':')[1] as string) : machine;
          await h.raise(tenantOf, 'BackupFailed', { resourceId, resourceName: resourceId });
          if (!repeat) {
            machines.push(`${tenantIndex}:${machine}`);
            const ref = ticketExternalRef(alertKeyOf({ tenantId: tenant, type: 'BackupFailed', details: { resourceId } })!, 1);
            raisedAt.set(ref, performance.now());
          }
        }
        const drainUntil = performance.now() + 2 * scheduleMs + 30_000;
        while (created.size < raisedAt.size && performance.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 100));
        const latencies = [...raisedAt].map(([ref, at]) => (created.get(ref) ?? Number.NaN) - at).sort((a, b) => a - b);
        const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
        const calls = h.targetCalls.total();
        // A quiet spell: what the watch (or the schedule alone) costs when nothing happens.
        const vendorBefore = h.vendorCalls.total();
        await new Promise((resolve) => setTimeout(resolve, scale.alerts.quietMs));
        const quietCalls = h.vendorCalls.total() - vendorBefore;
        return {
          alerts: total,
          tickets: created.size,
          medianS: pct(50) / 1000,
          p95S: pct(95) / 1000,
          maxS: pct(100) / 1000,
          psaCallsPerTicket: calls / created.size,
          quietVendorCalls: quietCalls,
          quietSeconds: scale.alerts.quietMs / 1000,
          vendorCallsPerQuietDay: Math.round((quietCalls / scale.alerts.quietMs) * 86_400_000),
        };
      },
      () => h.targetCalls.total(),
    );
    return result;
  } finally {
    await world.close();
  }
}
