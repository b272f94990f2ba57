// The alerts watch (issue 16 item 1) through the job runner a deployment uses on each database: the
// in-process runner on SQLite, the pg-boss runner on PostgreSQL. The schedule is the default one
// (alerts every minute), so a ticket that appears within seconds of its alert was made by the
// watch, not by the next scheduled pass. Emulators over real HTTP.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createInProcessJobRunner } from '../../src/jobs/in-process-runner.ts';
import type { JobRunner } from '../../src/jobs/job-runner.ts';
import { createPgBossJobRunner } from '../../src/jobs/pg-boss/runner.ts';
import { createStoreRunRecorder } from '../../src/jobs/store-run-recorder.ts';
import type { RuntimeProvider } from '../../src/sync/integration-runtime.ts';
import { syncLoopDefinitions } from '../../src/jobs/hub-loops.ts';
import { openMigratedDatabase, testDatabases } from '../support/databases.ts';
import { afterTicketCreates, startAlertsHarness, type AlertsHarness } from './harness.ts';

const EVERY_MINUTE = { intervalMs: 60_000 };
const WAIT = { timeout: 20_000, interval: 100 };

describe.each(testDatabases())('alerts watch on $name', (database) => {
  let h: AlertsHarness;
  const runners: JobRunner[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    h = await startAlertsHarness(database, { customers: 2 });
  });
  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop({ deadlineMs: 2_000 }).catch(() => {});
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await h.close();
  });

  /** A hub process's runner for this database, with the sync loops registered and started. */
  async function startRunner(provider: RuntimeProvider): Promise<JobRunner> {
    const recorder = createStoreRunRecorder(h.store.repos.loopRuns);
    let runner: JobRunner;
    if (database.name === 'postgres') {
      const { url, cleanup } = await openMigratedDatabase(database);
      cleanups.push(cleanup);
      runner = createPgBossJobRunner({ connectionString: url, recorder, pollIntervalMs: 100, scheduleCheckMs: 200, waitPollMs: 50, firstRunSpreadMs: 0, orphanCheckMs: 300, orphanGraceSeconds: 1 });
    } else {
      runner = createInProcessJobRunner({ recorder, firstRunSpreadMs: 0 });
    }
    for (const def of syncLoopDefinitions(provider)) runner.register(def);
    runners.push(runner);
    await runner.start();
    return runner;
  }

  const hubTickets = async () => (await h.tickets()).filter((t) => (t.externalID ?? '').startsWith('pb:'));
  const watching = async () => (await h.store.repos.loopRuns.list(h.integrationId, { loop: 'alerts', limit: 10 })).some((r) => r.status === 'running');

  it('turns a new alert into a ticket within seconds, between two scheduled passes, and reads the feed once per poll', async () => {
    const runner = await startRunner(h.runtimeProvider());
    await runner.schedule({ integrationId: h.integrationId, loop: 'alerts', every: EVERY_MINUTE });
    await vi.waitFor(async () => expect(await watching()).toBe(true), WAIT);
    // The scheduled pass is done and its run keeps watching: quiet polls cost one vendor call each.
    await new Promise((r) => setTimeout(r, 1_000));
    const vendorBefore = h.vendorCalls.total();
    await new Promise((r) => setTimeout(r, 6_500));
    const quietCalls = h.vendorCalls.total() - vendorBefore;
    expect(quietCalls).toBeGreaterThanOrEqual(2);
    expect(quietCalls).toBeLessThanOrEqual(3);

    for (const [i, machine] of ['m-1', 'm-2'].entries()) {
      const raisedAt = Date.now();
      await h.raise(h.tenants[0] as string, 'BackupFailed', { resourceId: machine, resourceName: machine });
      await vi.waitFor(async () => expect(await hubTickets()).toHaveLength(i + 1), WAIT);
      // The default watch polls every 3 s; the next scheduled pass is up to a minute away.
      expect(Date.now() - raisedAt).toBeLessThan(6_000);
    }
    expect(await hubTickets()).toHaveLength(2);
    // Still the first scheduled run: the tickets came from its watch.
    const runs = await h.store.repos.loopRuns.list(h.integrationId, { loop: 'alerts', limit: 10 });
    expect(runs).toHaveLength(1);
  }, 60_000);

  it('ends the watch for a run a person asks for, and stops it promptly on shutdown', async () => {
    const runner = await startRunner(h.runtimeProvider());
    await runner.schedule({ integrationId: h.integrationId, loop: 'alerts', every: EVERY_MINUTE });
    await vi.waitFor(async () => expect(await watching()).toBe(true), WAIT);
    const asked = Date.now();
    const manual = await runner.runNow(h.integrationId, 'alerts');
    expect(manual).toMatchObject({ status: 'ok', coalesced: true });
    expect(Date.now() - asked).toBeLessThan(8_000);
    const [watched] = (await h.store.repos.loopRuns.list(h.integrationId, { loop: 'alerts', limit: 10 })).filter((r) => r.id !== manual.runId);
    expect(watched?.stats).toMatchObject({ watchEnded: 'requested' });

    // The next scheduled run (the schedule is set again: first run at once) watches again; stop() ends it at once.
    await runner.schedule({ integrationId: h.integrationId, loop: 'alerts', every: EVERY_MINUTE });
    await vi.waitFor(async () => expect(await watching()).toBe(true), WAIT);
    const stopping = Date.now();
    const report = await runner.stop({ deadlineMs: 10_000 });
    expect(report.abandoned).toEqual([]);
    expect(Date.now() - stopping).toBeLessThan(3_000);
  }, 60_000);

  it('makes no second ticket when the process dies between the create and its record, and a new process takes over', async () => {
    // The first process: its Autotask create goes through, then the process freezes for good (as if
    // killed) before the journal or the link learn of it.
    let frozen = false;
    const freezing = afterTicketCreates(h.runtimeProvider({ journalLeaseMs: 1_000 }), async () => {
      frozen = true;
      await new Promise<never>(() => {});
    });
    const dying = await startRunner(freezing);
    await dying.schedule({ integrationId: h.integrationId, loop: 'alerts', every: EVERY_MINUTE });
    await vi.waitFor(async () => expect(await watching()).toBe(true), WAIT);
    await h.raise(h.tenants[1] as string, 'BackupFailed', { resourceId: 'crash-host', resourceName: 'crash-host' });
    await vi.waitFor(() => expect(frozen).toBe(true), WAIT);
    expect(await hubTickets()).toHaveLength(1);
    const report = await dying.stop({ deadlineMs: 200 });
    expect(report.abandoned).toHaveLength(1);
    runners.splice(runners.indexOf(dying), 1);
    const journal = await h.store.repos.journal.list({ integrationId: h.integrationId, states: ['pending'] });
    expect(journal.map((e) => e.operation)).toEqual(['create_ticket']);

    // A new process: its pass finds the pending create, looks the ticket up by its reference, links it.
    await new Promise((r) => setTimeout(r, 1_200)); // the dead process's journal lease runs out
    const second = await startRunner(h.runtimeProvider({ journalLeaseMs: 1_000 }));
    await second.schedule({ integrationId: h.integrationId, loop: 'alerts', every: EVERY_MINUTE });
    await vi.waitFor(async () => expect(await h.store.repos.alertLinks.list(h.integrationId, { limit: 10 })).toHaveLength(1), { timeout: 30_000, interval: 200 });
    expect(await hubTickets()).toHaveLength(1);
    expect(await h.store.repos.journal.list({ integrationId: h.integrationId, states: ['pending', 'failed'] })).toEqual([]);
    // And the watch goes on: the next alert is a ticket of its own, still one per alert.
    await h.raise(h.tenants[1] as string, 'BackupFailed', { resourceId: 'after-host', resourceName: 'after-host' });
    await vi.waitFor(async () => expect(await hubTickets()).toHaveLength(2), WAIT);
    expect(new Set((await hubTickets()).map((t) => t.externalID)).size).toBe(2);
  }, 90_000);
});
