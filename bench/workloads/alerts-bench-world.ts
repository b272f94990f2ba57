import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInProcessJobRunner } from '../../src/jobs/in-process-runner.ts';
import type { JobRunner } from '../../src/jobs/job-runner.ts';
import { createMemoryRunRecorder } from '../../src/jobs/memory-run-recorder.test-support.ts';
import { syncLoopDefinitions } from '../../src/jobs/hub-loops.ts';
import { afterTicketCreates, startAlertsHarness, type AlertsHarness } from '../../test/alerts/harness.ts';
import type { TestDatabase } from '../../test/support/databases.ts';

/**
 * What the alerts benchmarks run in: both emulators in this process, a SQLite store in a temp dir,
 * the harness's integration with `customers` mapped customers, and the in-process job runner a
 * `serve` process uses, started with the sync loops (nothing scheduled yet). `created` holds when
 * Autotask answered each ticket's create, by external reference.
 */
export interface AlertsBenchWorld {
  h: AlertsHarness;
  runner: JobRunner;
  created: Map<string, number>;
  close(): Promise<void>;
}

export async function startAlertsBenchWorld(customers: number): Promise<AlertsBenchWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'psa-bridge-bench-'));
  const sqlite: TestDatabase = { name: 'sqlite', open: async () => ({ url: `sqlite:${join(dir, 'bench.db')}`, cleanup: async () => {} }) };
  const h = await startAlertsHarness(sqlite, { autotaskSeed: 'empty', customers });
  const runner = createInProcessJobRunner({ recorder: createMemoryRunRecorder(), firstRunSpreadMs: 0 });
  const created = new Map<string, number>();
  const provider = afterTicketCreates(h.runtimeProvider(), (ticket) => {
    if (!created.has(ticket.externalRef)) created.set(ticket.externalRef, performance.now());
  });
  for (const def of syncLoopDefinitions(provider)) runner.register(def);
  await runner.start();
  return {
    h,
    runner,
    created,
    async close() {
      await runner.stop({ deadlineMs: 5_000 });
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
