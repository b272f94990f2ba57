import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertKeyOf, ticketExternalRef } from '../../src/domain/alert-identity.ts';
import { startAlertsHarness } from '../../test/alerts/harness.ts';
import { startCwHub } from '../../test/connectwise/hub.ts';
import type { TestDatabase } from '../../test/support/databases.ts';
import type { Measurement } from '../measure.ts';
import type { BenchScale } from '../scale.ts';
import { latencyFigure } from './latency-figure.ts';

/** Autotask's "Complete", which the harness's ticket settings clear the alert on. */
const COMPLETE = 5;
const SIZES: Record<BenchScale['name'], { sequential: number; burst: number; burstGapMs: number }> = {
  full: { sequential: 100, burst: 100, burstGapMs: 50 },
  quick: { sequential: 30, burst: 30, burstGapMs: 50 },
  smoke: { sequential: 3, burst: 3, burstGapMs: 50 },
};
/** Before: the alert waited for the next scheduled tickets pass (every 5 minutes by default). */
const TICKETS_SCHEDULE_MS = 5 * 60_000;

/**
 * Ticket resolved in Autotask → Acronis alert cleared, through Autotask webhooks: the hub as `serve`
 * runs it (HTTP API, in-process job runner, no loop scheduled), callbacks on, the Acronis and
 * Autotask emulators in this process, a SQLite store in a temp dir. Each alert has its ticket
 * first; then technicians complete the tickets, one at a time (each waits for its clear) and then
 * in a burst (one every 50 ms, passes coalescing). Latency is from Autotask's answer to the PATCH to
 * the moment the Acronis emulator holds the alert as dismissed. Autotask's latency penalties are
 * off and its threshold raised, so the hub's own latency is what is measured.
 */
export async function autotaskWebhooks(scale: BenchScale): Promise<Measurement[]> {
  const size = SIZES[scale.name];
  const total = size.sequential + size.burst;
  const dir = mkdtempSync(join(tmpdir(), 'psa-bridge-bench-'));
  const sqlite: TestDatabase = { name: 'sqlite', open: async () => ({ url: `sqlite:${join(dir, 'bench.db')}`, cleanup: async () => {} }) };
  const customers = Math.min(10, total);
  const h = await startAlertsHarness(sqlite, { autotaskSeed: 'empty', customers });
  try {
    await h.control('autotask', 'PUT', '/limits', { threshold: 1_000_000, latencyAt50Ms: 0, latencyAt75Ms: 0 });
    const alerts: { alertId: string; ref: string }[] = [];
    for (let i = 0; i < total; i += 1) {
      const tenant = h.tenants[i % customers]!;
      const resourceId = `host-${i}`;
      const alertId = await h.raise(tenant, 'BackupFailed', { resourceId, resourceName: resourceId });
      alerts.push({ alertId, ref: ticketExternalRef(alertKeyOf({ tenantId: tenant, type: 'BackupFailed', details: { resourceId } })!, 1) });
    }
    let tickets = new Map<string, number>();
    for (let pass = 0; pass < 10 && tickets.size < total; pass += 1) {
      await h.alertsPass();
      tickets = new Map((await h.tickets()).flatMap((t) => (t.externalID === null ? [] : [[t.externalID, t.id] as const])));
    }
    await h.ticketsPass(); // the cursor past the creates, as a running hub has it
    const work = alerts.map((a) => {
      const ticketId = tickets.get(a.ref);
      if (ticketId === undefined) throw new Error(`no ticket for ${a.ref}`);
      return { ...a, ticketId };
    });

    const hub = await startCwHub(h.store, { logLevel: 'warn' });
    try {
      const on = await hub.api('PUT', `/api/v1/integrations/${h.integrationId}/callbacks`, { enabled: true, publicUrl: hub.url });
      if (on.status !== 200) throw new Error(`enabling callbacks failed: ${on.status} ${JSON.stringify(on.body)}`);
      const cleared = (alertId: string) => (h.acronis.state.getAlert(alertId)?.deletedNs ?? null) !== null;
      const waitCleared = async (alertId: string, started: number): Promise<number> => {
        while (!cleared(alertId)) {
          if (performance.now() - started > 60_000) throw new Error(`alert ${alertId} not cleared within a minute of its ticket's completion`);
          await new Promise((r) => setTimeout(r, 5));
        }
        return performance.now() - started;
      };
      const complete = (ticketId: number) => h.autotaskApi('PATCH', '/Tickets', { id: ticketId, status: COMPLETE });

      const results: Measurement[] = [];
      const figure = (name: string, latencies: number[], extra: Record<string, number | string>): Measurement => latencyFigure(name, latencies, extra, TICKETS_SCHEDULE_MS);

      // Requests the hub sent Autotask per clear (the technicians' PATCHes count in the window too: taken off).
      const requestCount = async (): Promise<number> => Number((await h.control('autotask', 'GET', '/limits')).currentTimeframeRequestCount);
      const perClear = (before: number, after: number, samples: number) => Math.round(((after - before - samples) / samples) * 100) / 100;
      const countBefore = await requestCount();
      const runsBefore = (await h.store.repos.loopRuns.list(h.integrationId, { loop: 'tickets', limit: 100_000 })).length;
      const sequential: number[] = [];
      for (const w of work.slice(0, size.sequential)) {
        await complete(w.ticketId);
        sequential.push(await waitCleared(w.alertId, performance.now()));
      }
      const runsAfterSequential = (await h.store.repos.loopRuns.list(h.integrationId, { loop: 'tickets', limit: 100_000 })).length;
      const countAfterSequential = await requestCount();
      results.push(figure('ticket completed → alert cleared, one at a time (webhook)', sequential, { ticketsPasses: runsAfterSequential - runsBefore, autotaskRequestsPerClear: perClear(countBefore, countAfterSequential, sequential.length) }));

      const burst = work.slice(size.sequential);
      const waits: Promise<number>[] = [];
      for (const w of burst) {
        await complete(w.ticketId);
        const started = performance.now();
        waits.push(waitCleared(w.alertId, started));
        await new Promise((r) => setTimeout(r, size.burstGapMs));
      }
      const burstLatencies = await Promise.all(waits);
      await new Promise((r) => setTimeout(r, 500)); // the last pass is recorded once it finishes
      const runsAfterBurst = (await h.store.repos.loopRuns.list(h.integrationId, { loop: 'tickets', limit: 100_000 })).length;
      results.push(figure(`ticket completed → alert cleared, a burst of one every ${size.burstGapMs} ms (webhook)`, burstLatencies, { ticketsPasses: runsAfterBurst - runsAfterSequential, autotaskRequestsPerClear: perClear(countAfterSequential, await requestCount(), burstLatencies.length) }));
      return results;
    } finally {
      await hub.close();
    }
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
