// A process killed mid-run leaves its loop_runs row `running`. On PostgreSQL other workers may be
// mid-run, so a worker closes such a row only once the run's lock is free (nobody runs that loop):
// at its start and at each orphan check, not at the next run of the same loop (which may be hours away).
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestStore, testDatabases } from '../../../test/support/databases.ts';
import { INTERRUPTED } from '../../store/repositories/loop-runs.ts';
import type { Store } from '../../store/store.ts';
import { jobKey } from '../job-runner.ts';
import { createStoreRunRecorder } from '../store-run-recorder.ts';
import { createPgBossJobRunner } from './runner.ts';

const postgres = testDatabases().find((t) => t.name === 'postgres');

describe.skipIf(!postgres)('runs left running by a killed process (PostgreSQL)', () => {
  let store: Store;
  let url: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, url, cleanup } = await openTestStore(postgres!));
  });
  afterEach(() => cleanup());

  it('closes a dead run at worker start, and leaves one whose lock a live process holds', { timeout: 60_000 }, async () => {
    const connection = await store.repos.connections.create({ name: 'c', baseUrl: 'https://x.example', clientId: 'a', clientSecret: 'b' });
    const integrationId = (await store.repos.integrations.create({ name: 'i', connectionId: connection.id, target: 'autotask', credentials: {} })).id;
    const dead = await store.repos.loopRuns.start(integrationId, 'directory');
    const alive = await store.repos.loopRuns.start(integrationId, 'alerts');
    // Another worker, alive and mid-run: it holds the run lock of the alerts loop.
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    await other.query('select pg_advisory_lock(hashtextextended($1, 0))', [jobKey(integrationId, 'alerts')]);
    const runner = createPgBossJobRunner({ connectionString: url, recorder: createStoreRunRecorder(store.repos.loopRuns), orphanCheckMs: 300, pollIntervalMs: 100 });
    runner.register({ name: 'directory', handler: async () => ({}) });
    try {
      await runner.start();
      await vi.waitFor(async () => expect((await store.repos.loopRuns.get(dead.id))?.status).toBe('failed'), { timeout: 20_000, interval: 100 });
      expect(await store.repos.loopRuns.get(dead.id)).toMatchObject({ status: 'failed', error: INTERRUPTED, finishedAt: expect.any(String) });
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect((await store.repos.loopRuns.get(alive.id))?.status).toBe('running');

      // Once that worker dies (its connection, and with it the lock, gone), its run is closed too.
      await other.end();
      await vi.waitFor(async () => expect((await store.repos.loopRuns.get(alive.id))?.status).toBe('failed'), { timeout: 20_000, interval: 100 });
    } finally {
      await runner.stop();
      await other.end().catch(() => {});
    }
  });
});
