import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertsHarness } from '../../test/alerts/harness.ts';
import { startCwHub } from '../../test/connectwise/hub.ts';
import type { TestDatabase } from '../../test/support/databases.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { buildIntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { TENANT_EVENTS_LOOP } from '../../src/sync/tenant-events-watch.ts';
import type { VendorTenant } from '../../src/connectors/ports.ts';
import type { Measurement } from '../measure.ts';
import type { BenchScale } from '../scale.ts';
import { latencyFigure } from './latency-figure.ts';

const SIZES: Record<BenchScale['name'], { sequential: number; burst: number; burstGapMs: number; idleMs: number; holdMs: number }> = {
  full: { sequential: 100, burst: 100, burstGapMs: 50, idleMs: 63_000, holdMs: 20_000 },
  quick: { sequential: 30, burst: 30, burstGapMs: 50, idleMs: 42_000, holdMs: 20_000 },
  // The smoke run holds a poll 1 s so its idle window sees several.
  smoke: { sequential: 3, burst: 3, burstGapMs: 50, idleMs: 3_000, holdMs: 1_000 },
};
/** Before: a tenant change waited for the next scheduled directory pass (every 15 minutes by default). */
const DIRECTORY_SCHEDULE_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

/**
 * Tenant changed in Acronis → applied in the hub, through the Event Manager's tenant topic: the hub
 * as `serve` runs it (HTTP API, in-process job runner) with only the tenant events watch scheduled,
 * the Acronis emulator holding a long-poll 20 s and answering 202 with Retry-After 1 s as its
 * default, a SQLite store in a temp dir, ten mapped customers. Each change is a rename or an
 * enable/disable of a mapped tenant made in the vendor's console (the control API); latency is from
 * the emulator's answer to the moment the hub's tenant snapshot (what the mapping list shows) holds
 * it. One at a time (each waits for the last), then a burst (one every 50 ms, passes coalescing).
 * Vendor calls per change are every Acronis request in the phase (polls and passes) over the
 * changes. Idle: the Event Manager requests in a quiet window, per day.
 */
export async function tenantEvents(scale: BenchScale): Promise<Measurement[]> {
  const size = SIZES[scale.name];
  const dir = mkdtempSync(join(tmpdir(), 'psa-bridge-bench-'));
  const sqlite: TestDatabase = { name: 'sqlite', open: async () => ({ url: `sqlite:${join(dir, 'bench.db')}`, cleanup: async () => {} }) };
  const h = await startAlertsHarness(sqlite, { autotaskSeed: 'empty', customers: 10 });
  try {
    await h.control('acronis', 'PUT', '/event-manager', { max_wait_ms: size.holdMs, retry_after_seconds: 1 });
    const rt = await buildIntegrationRuntime(h.store, h.integrationId);
    await runDirectoryLoop(rt); // the first pass a running hub has made
    const hub = await startCwHub(h.store, { logLevel: 'warn', tenantEvents: true });
    try {
      await hub.runner.schedule({ integrationId: h.integrationId, loop: TENANT_EVENTS_LOOP, every: { intervalMs: 5 * 60_000 } });
      const until = Date.now() + 30_000;
      while (((await h.control('acronis', 'GET', '/event-manager')).subscriptions as unknown[]).length === 0) {
        if (Date.now() > until) throw new Error('the tenant events watch did not subscribe');
        await new Promise((r) => setTimeout(r, 20));
      }
      const snapshotOf = async (tenantId: string): Promise<VendorTenant | undefined> => (await rt.snapshots.getTenants<VendorTenant, never>(h.integrationId, [tenantId])).get(tenantId)?.data;
      let n = 0;
      /** A change of a mapped tenant, and how to see it applied: renames and disable/enable in turn. */
      const change = async (tenantId: string): Promise<() => Promise<boolean>> => {
        n += 1;
        if (n % 2 === 0) {
          const name = `Renamed ${n}`;
          await h.control('acronis', 'PATCH', `/tenants/${tenantId}`, { name });
          return async () => (await snapshotOf(tenantId))?.name === name;
        }
        const enabled = !((await snapshotOf(tenantId))?.enabled ?? true);
        await h.control('acronis', 'PATCH', `/tenants/${tenantId}`, { enabled });
        return async () => (await snapshotOf(tenantId))?.enabled === enabled;
      };
      const waitApplied = async (applied: () => Promise<boolean>, started: number): Promise<number> => {
        while (!(await applied())) {
          if (performance.now() - started > 60_000) throw new Error('a tenant change was not applied within a minute');
          await new Promise((r) => setTimeout(r, 5));
        }
        return performance.now() - started;
      };
      const vendorRequests = async (): Promise<{ path: string }[]> => (await h.control('acronis', 'GET', '/requests?clear=true&limit=100000')).items;
      const directoryRuns = async () => (await h.store.repos.loopRuns.list(h.integrationId, { loop: 'directory', limit: 100_000 })).length;
      const figure = (name: string, latencies: number[], extra: Record<string, number | string>): Measurement => latencyFigure(name, latencies, extra, DIRECTORY_SCHEDULE_MS);
      const perChange = (requests: { path: string }[], changes: number) => ({
        vendorCallsPerChange: Math.round((requests.length / changes) * 100) / 100,
        eventManagerCallsPerChange: Math.round((requests.filter((r) => r.path.startsWith('/api/event_manager/')).length / changes) * 100) / 100,
      });

      const results: Measurement[] = [];
      await vendorRequests();
      let runsBefore = await directoryRuns();
      const sequential: number[] = [];
      for (let i = 0; i < size.sequential; i += 1) {
        const applied = await change(h.tenants[i % h.tenants.length]!);
        sequential.push(await waitApplied(applied, performance.now()));
      }
      await new Promise((r) => setTimeout(r, 300)); // the last pass is recorded once it finishes
      results.push(figure('tenant changed in Acronis → applied in the hub, one at a time (Event Manager)', sequential, { directoryPasses: (await directoryRuns()) - runsBefore, ...perChange(await vendorRequests(), sequential.length) }));

      runsBefore = await directoryRuns();
      const waits: Promise<number>[] = [];
      for (let i = 0; i < size.burst; i += 1) {
        // Each tenant once per round, so a later change of the burst does not overwrite an earlier one unseen.
        const applied = await change(h.tenants[i % h.tenants.length]!);
        waits.push(waitApplied(applied, performance.now()));
        await new Promise((r) => setTimeout(r, size.burstGapMs));
        if ((i + 1) % h.tenants.length === 0) await Promise.all(waits);
      }
      const burst = await Promise.all(waits);
      await new Promise((r) => setTimeout(r, 300));
      results.push(figure(`tenant changed in Acronis → applied in the hub, a burst of one every ${size.burstGapMs} ms (Event Manager)`, burst, { directoryPasses: (await directoryRuns()) - runsBefore, ...perChange(await vendorRequests(), burst.length) }));

      // Idle: nothing changes; what the long-poll costs.
      await vendorRequests();
      const idleStart = performance.now();
      await new Promise((r) => setTimeout(r, size.idleMs));
      const idleRequests = (await vendorRequests()).filter((r) => r.path.startsWith('/api/event_manager/')).length;
      const idleMs = performance.now() - idleStart;
      results.push({
        name: `idle: the long-poll's cost (the emulator holds ${size.holdMs / 1000} s, Retry-After 1 s)`,
        ms: idleMs,
        calls: idleRequests,
        peakRssMiB: process.memoryUsage().rss / 1024 / 1024,
        peakHeapMiB: process.memoryUsage().heapUsed / 1024 / 1024,
        heapGrowthMiB: 0,
        figures: {
          idleRequests,
          windowMs: Math.round(idleMs),
          requestsPerDay: Math.round((idleRequests / idleMs) * DAY_MS),
          // One poll per hold plus its Retry-After, plus one run (no call) every 5 minutes.
          expectedPerDay: Math.round(DAY_MS / (size.holdMs + 1000)),
        },
      });
      return results;
    } finally {
      await hub.close();
    }
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
