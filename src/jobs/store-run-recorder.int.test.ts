import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.ts';
import { openTestStore } from '../../test/support/databases.ts';
import type { Store } from '../store/store.ts';
import { createInProcessJobRunner } from './in-process-runner.ts';
import { createStoreRunRecorder } from './store-run-recorder.ts';

describe.each(testDatabases())('runs recorded in loop_runs on $name', (db) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let integrationId: string;
  beforeEach(async () => {
    ({ store, cleanup } = await openTestStore(db));
    const connection = await store.repos.connections.create({ name: 'c', baseUrl: 'https://x.example', clientId: 'a', clientSecret: 'b' });
    integrationId = (await store.repos.integrations.create({ name: 'i', connectionId: connection.id, target: 'autotask', credentials: {} })).id;
  });
  afterEach(async () => {
    await cleanup();
  });

  it('records a successful and a failed run with status, error and stats', async () => {
    const runner = createInProcessJobRunner({ recorder: createStoreRunRecorder(store.repos.loopRuns), random: () => 0.5 });
    let fail = false;
    runner.register({
      name: 'directory',
      retry: { retryLimit: 0 },
      handler: async () => {
        if (fail) throw Object.assign(new Error('Autotask refused the login'), { code: 'auth_failed' });
        return { observed: 12, applied: 3 };
      },
    });
    const ok = await runner.runNow(integrationId, 'directory');
    fail = true;
    const failed = await runner.runNow(integrationId, 'directory');
    await runner.stop();

    const okRun = await store.repos.loopRuns.get(ok.runId!);
    expect(okRun).toMatchObject({ status: 'succeeded', error: null, stats: { observed: 12, applied: 3 } });
    expect(okRun!.finishedAt).toEqual(expect.any(String));
    const failedRun = await store.repos.loopRuns.get(failed.runId!);
    expect(failedRun).toMatchObject({
      status: 'failed',
      error: 'auth_failed: Autotask refused the login',
      stats: { _run: { trigger: 'manual', attempt: 1, dryRun: false } },
    });
  });

  it('closes a run a killed process left running as failed (interrupted) when the next run of that loop starts', async () => {
    // What a SIGKILL mid-run leaves: a row that never finished.
    const dead = await store.repos.loopRuns.start(integrationId, 'directory');
    const otherLoop = await store.repos.loopRuns.start(integrationId, 'usage');
    const runner = createInProcessJobRunner({ recorder: createStoreRunRecorder(store.repos.loopRuns), random: () => 0.5 });
    runner.register({ name: 'directory', retry: { retryLimit: 0 }, handler: async () => ({ observed: 1 }) });
    const next = await runner.runNow(integrationId, 'directory');
    await runner.stop();
    expect(await store.repos.loopRuns.get(dead.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^interrupted: /), finishedAt: expect.any(String) });
    expect(await store.repos.loopRuns.get(next.runId!)).toMatchObject({ status: 'succeeded' });
    // Another loop's run is not this loop's to close.
    expect(await store.repos.loopRuns.get(otherLoop.id)).toMatchObject({ status: 'running' });
  });
});
