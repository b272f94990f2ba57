import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertKeyOf, ticketExternalRef } from '../../src/domain/alert-identity.ts';
import { runAlertsPass } from '../../src/sync/alerts-loop.ts';
import type { Target } from '../../src/connectors/ports.ts';
import { startAlertsHarness } from '../../test/alerts/harness.ts';
import type { TestDatabase } from '../../test/support/databases.ts';
import { measure, type Measurement } from '../measure.ts';
import type { BenchScale } from '../scale.ts';

/**
 * Alert → ticket latency: alerts are raised in the Acronis emulator at a steady 1,000 per minute
 * over 200 mapped customers (70 % on a machine not seen before, so a new ticket; 30 % repeats of an
 * open ticket's machine, coalesced into its next note), while the alerts loop polls every
 * `BENCH_POLL_MS` (default 10 s; the registry's default schedule is 60 s). Latency is from the
 * moment the emulator answered the raise to the moment Autotask answered the ticket's create.
 * Both emulators run in this process (SQLite store in a temp dir); Autotask's latency penalties
 * are off and its threshold raised so the hub's own cost is what is measured — the calls per
 * ticket are then compared with Autotask's real 10,000 requests per hour.
 */
export async function alertsToTickets(scale: BenchScale): Promise<Measurement[]> {
  const pollMs = Number(process.env.BENCH_POLL_MS ?? scale.alerts.pollMs);
  const perMinute = Number(process.env.BENCH_ALERTS_PER_MINUTE ?? scale.alerts.perMinute);
  const minutes = Number(process.env.BENCH_MINUTES ?? scale.alerts.minutes);
  const customers = scale.alerts.customers;
  const dir = mkdtempSync(join(tmpdir(), 'psa-bridge-bench-'));
  const sqlite: TestDatabase = { name: 'sqlite', open: async () => ({ url: `sqlite:${join(dir, 'bench.db')}`, cleanup: async () => {} }) };
  const h = await startAlertsHarness(sqlite, { autotaskSeed: 'empty', customers });
  try {
    await h.control('autotask', 'PUT', '/limits', { threshold: 1_000_000, latencyAt50Ms: 0, latencyAt75Ms: 0 });
    const env = await h.env();
    const created = new Map<string, number>();
    const tickets = env.target.tickets!;
    const target: Target = {
      ...env.target,
      tickets: {
        ...tickets,
        createTicket: async (ticket) => {
          const result = await tickets.createTicket(ticket);
          if (!created.has(ticket.externalRef)) created.set(ticket.externalRef, performance.now());
          return result;
        },
      },
    };
    const raisedAt = new Map<string, number>();
    const total = Math.round(perMinute * minutes);
    const gapMs = 60_000 / perMinute;
    let raising = true;
    let passes = 0;

    const result = await measure(
      `${perMinute} alerts/min for ${minutes} min, poll every ${pollMs / 1000} s`,
      async () => {
        const loop = (async () => {
          while (raising || created.size < raisedAt.size) {
            const started = performance.now();
            await runAlertsPass({ ...env, target });
            passes += 1;
            const wait = pollMs - (performance.now() - started);
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          }
        })();
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
        raising = false;
        await loop;
        const latencies = [...raisedAt].map(([ref, at]) => (created.get(ref) ?? Number.NaN) - at).sort((a, b) => a - b);
        const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
        const calls = h.targetCalls.total();
        return {
          alerts: total,
          tickets: created.size,
          passes,
          medianS: pct(50) / 1000,
          p95S: pct(95) / 1000,
          maxS: pct(100) / 1000,
          psaCallsPerTicket: calls / created.size,
          psaCallsPerHourAtThisRate: (calls / created.size) * (perMinute * 0.7) * 60,
          autotaskHourlyThreshold: 10_000,
        };
      },
      () => h.targetCalls.total(),
    );
    return [result];
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
