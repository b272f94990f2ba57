// The pg-boss runner on PostgreSQL: the shared JobRunner contract, then what only a distributed runner
// has to show: two workers on one database never overlap a job, and a crashed worker's run is taken
// over after it expires, once.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openMigratedDatabase, testDatabases } from '../../../test/support/databases.ts';
import { describeJobRunnerContract } from '../job-runner-contract.test-support.ts';
import type { JobRunner, LoopDefinition } from '../job-runner.ts';
import { createMemoryRunRecorder, type MemoryRunRecorder } from '../memory-run-recorder.test-support.ts';
import { createPgBossJobRunner, type PgBossRunnerOptions } from './runner.ts';

const postgres = testDatabases().find((t) => t.name === 'postgres');
const WAIT = { timeout: 30_000, interval: 100 };

function fastRunner(connectionString: string, recorder: MemoryRunRecorder, options: Partial<PgBossRunnerOptions> = {}): JobRunner {
  return createPgBossJobRunner({
    connectionString,
    recorder,
    pollIntervalMs: 100,
    scheduleCheckMs: 200,
    waitPollMs: 50,
    firstRunSpreadMs: 0,
    ...options,
  });
}

if (postgres) {
  describeJobRunnerContract('pg-boss', async (recorder) => {
    const { url, cleanup } = await openMigratedDatabase(postgres);
    return { runner: fastRunner(url, recorder), cleanup };
  });
}


/** Worker A of the takeover tests: a separate process (crash-worker.test-support.ts) on the database, whose output is collected. */
function startCrashWorker(url: string) {
  const script = fileURLToPath(new URL('./crash-worker.test-support.ts', import.meta.url));
  const crashing = spawn(process.execPath, ['--import', 'tsx', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { out: '', err: '' };
  crashing.stdout.on('data', (c: Buffer) => (output.out += c.toString()));
  crashing.stderr.on('data', (c: Buffer) => (output.err += c.toString()));
  return { crashing, output };
}

describe.skipIf(!postgres)('pg-boss runner: several workers on one database', () => {
  let url: string;
  let cleanup: () => Promise<void>;
  const runners: JobRunner[] = [];

  beforeEach(async () => {
    ({ url, cleanup } = await openMigratedDatabase(postgres!));
  });

  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop({ deadlineMs: 2_000 }).catch(() => {});
    await cleanup();
  });

  function worker(loop: LoopDefinition, options: Partial<PgBossRunnerOptions> = {}): { runner: JobRunner; recorder: MemoryRunRecorder } {
    const recorder = createMemoryRunRecorder();
    const runner = fastRunner(url, recorder, options);
    runner.register(loop);
    runners.push(runner);
    return { runner, recorder };
  }

  it('never runs a job twice at once across two workers, under 20 concurrent requests', async () => {
    const inFlight = new Map<string, number>();
    let maxInFlight = 0;
    let runs = 0;
    const loop: LoopDefinition = {
      name: 'directory',
      handler: async (ctx) => {
        const n = (inFlight.get(ctx.integrationId) ?? 0) + 1;
        inFlight.set(ctx.integrationId, n);
        maxInFlight = Math.max(maxInFlight, n);
        runs++;
        await new Promise((r) => setTimeout(r, 150));
        inFlight.set(ctx.integrationId, (inFlight.get(ctx.integrationId) ?? 1) - 1);
        return { runs };
      },
    };
    const a = worker(loop, { concurrency: 4 });
    const b = worker(loop, { concurrency: 4 });
    await Promise.all([a.runner.start(), b.runner.start()]);

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a.runner : b.runner).runNow('i1', 'directory')),
    );
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(maxInFlight).toBe(1);
    const performed = [...a.recorder.runs, ...b.recorder.runs];
    // Every request was served by a run that really happened, and requests were coalesced.
    expect(performed.length).toBe(runs);
    expect(new Set(results.map((r) => r.runId)).size).toBeLessThan(20);
    expect(performed.every((r) => r.status === 'ok')).toBe(true);
  });

  it('tells a long-running run when its slot is wanted: every slot busy and another job waiting', async () => {
    const recorder = createMemoryRunRecorder();
    const runner = fastRunner(url, recorder, { concurrency: 1 });
    runners.push(runner);
    let watching = false;
    // A watching loop (as the alerts watch does): polls until a run is asked for, then gives its slot back.
    runner.register({
      name: 'alerts',
      handler: async (ctx) => {
        watching = true;
        let polls = 0;
        while (!(await ctx.runRequested())) {
          polls += 1;
          await new Promise((r) => setTimeout(r, 50));
        }
        return { polls };
      },
    });
    runner.register({ name: 'directory', handler: async () => ({ ran: true }) });
    await runner.start();
    const watch = runner.runNow('i1', 'alerts');
    await vi.waitFor(() => expect(watching).toBe(true), WAIT);
    await new Promise((r) => setTimeout(r, 300));
    // Another integration's job, with no slot free: the watch yields, and the job runs.
    const other = await runner.runNow('i2', 'directory');
    expect(other).toMatchObject({ status: 'ok', stats: { ran: true } });
    const watched = await watch;
    expect(watched.status).toBe('ok');
    expect(Number(watched.stats.polls)).toBeGreaterThan(2);
  });

  it('runs different integrations in parallel, on both workers', async () => {
    const integrations = ['i1', 'i2', 'i3', 'i4'];
    const arrived = new Set<string>();
    let allArrived!: () => void;
    const barrier = new Promise<void>((resolve) => (allArrived = resolve));
    // Each handler waits until all four are in: this passes only if the four runs overlap.
    const loop: LoopDefinition = {
      name: 'usage',
      handler: async (ctx) => {
        arrived.add(ctx.integrationId);
        if (arrived.size === integrations.length) allArrived();
        await barrier;
        return {};
      },
    };
    const a = worker(loop, { concurrency: 2 });
    const b = worker(loop, { concurrency: 2 });
    await Promise.all([a.runner.start(), b.runner.start()]);
    const results = await Promise.all(integrations.map((id, i) => (i % 2 ? a : b).runner.runNow(id, 'usage')));
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(a.recorder.runs.length + b.recorder.runs.length).toBe(4);
    expect(a.recorder.runs.length).toBeGreaterThan(0);
    expect(b.recorder.runs.length).toBeGreaterThan(0);
  });

  it('takes over the run of a crashed worker after it expires, exactly once', { timeout: 60_000 }, async () => {
    // Worker A is a separate process, killed with SIGKILL in the middle of a run.
    const { crashing, output } = startCrashWorker(url);
    try {
      await vi.waitFor(() => expect(output.out, output.err).toContain('ready'), WAIT);

      // A client that performs nothing queues the run; only A is working, so A takes it. The expiry
      // is set when the job is queued, so it is the client's setting that counts.
      const client = createPgBossJobRunner({
        connectionString: url,
        recorder: createMemoryRunRecorder(),
        work: false,
        waitPollMs: 100,
        expireInSeconds: 3,
      });
      const calls: number[] = [];
      // Retry settings, like the expiry, travel with the job from the process that queues it.
      client.register({ name: 'directory', retry: { retryLimit: 2, retryDelayMs: 1_000, retryBackoff: false }, handler: async () => ({}) });
      runners.push(client);
      await client.start();
      const result = client.runNow('i1', 'directory');
      await vi.waitFor(() => expect(output.out).toContain('started i1'), WAIT);
      crashing.kill('SIGKILL');
      await new Promise((resolve) => crashing.once('exit', resolve));
      expect(await client.isRunning('i1', 'directory')).toBe(true); // still active in the database

      // Worker B now joins and finds the job only once pg-boss has expired A's run.
      const b = worker(
        {
          name: 'directory',
          retry: { retryLimit: 2, retryDelayMs: 1_000, retryBackoff: false },
          handler: async (ctx) => {
            calls.push(ctx.attempt);
            return { took: 'over' };
          },
        },
        { expireInSeconds: 3, maintenanceIntervalSeconds: 1 },
      );
      await b.runner.start();
      expect(await result).toMatchObject({ status: 'ok', attempt: 2, trigger: 'retry', stats: { took: 'over' } });
      expect(calls).toEqual([2]);
      expect(b.recorder.runs.map((r) => [r.trigger, r.attempt, r.status])).toEqual([['retry', 2, 'ok']]);

      // Nothing else is left to run: exactly once.
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        const { rows } = await db.query(`select state, retry_count from pgboss.job where name = 'psa-bridge.directory'`);
        expect(rows).toEqual([{ state: 'completed', retry_count: 1 }]);
      } finally {
        await db.end();
      }
    } finally {
      if (crashing.exitCode === null && crashing.signalCode === null) crashing.kill('SIGKILL');
    }
  });

  it('takes over a killed worker\'s run within seconds, though its job expires only in 10 minutes', { timeout: 60_000 }, async () => {
    // The expiry is the loop's whole timeout in production (hours); the takeover must not wait for it:
    // the killed worker's run lock went with its connection, which a live worker notices.
    const { crashing, output } = startCrashWorker(url);
    try {
      await vi.waitFor(() => expect(output.out, output.err).toContain('ready'), WAIT);
      const client = createPgBossJobRunner({ connectionString: url, recorder: createMemoryRunRecorder(), work: false, waitPollMs: 100, expireInSeconds: 600, runNowTimeoutMs: 40_000 });
      client.register({ name: 'directory', retry: { retryLimit: 2, retryDelayMs: 60_000, retryBackoff: false }, handler: async () => ({}) });
      runners.push(client);
      await client.start();
      const result = client.runNow('i1', 'directory');
      await vi.waitFor(() => expect(output.out).toContain('started i1'), WAIT);
      const b = worker(
        { name: 'directory', retry: { retryLimit: 2, retryDelayMs: 60_000, retryBackoff: false }, handler: async () => ({ took: 'over' }) },
        { orphanCheckMs: 500, orphanGraceSeconds: 1 },
      );
      await b.runner.start();
      // While A lives, B leaves its run alone.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(b.recorder.runs).toEqual([]);
      const killedAt = Date.now();
      crashing.kill('SIGKILL');
      await new Promise((resolve) => crashing.once('exit', resolve));
      expect(await result).toMatchObject({ status: 'ok', attempt: 2, trigger: 'retry', stats: { took: 'over' } });
      const tookMs = Date.now() - killedAt;
      expect(tookMs).toBeLessThan(10_000);
      expect(b.recorder.runs.map((r) => [r.trigger, r.attempt, r.status])).toEqual([['retry', 2, 'ok']]);
    } finally {
      if (crashing.exitCode === null && crashing.signalCode === null) crashing.kill('SIGKILL');
    }
  });
  it('a worker cut off from the database stops its run, and another takes the job over within a minute', { timeout: 90_000 }, async () => {
    // Not a killed process: a live worker whose lock connection the database dropped (a failover, a
    // network cut, pg_terminate_backend). Its run must stop, since the lock that kept the job to
    // itself is gone, and the job must go on elsewhere with the production defaults of the orphan check.
    const loop = 'directory';
    const retry = { retryLimit: 2, retryDelayMs: 60_000, retryBackoff: false };
    let aStarted = false;
    let aStopped: unknown;
    const a = worker({
      name: loop,
      retry,
      handler: async (ctx) => {
        if (aStarted) return { took: 'over' };
        aStarted = true;
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        aStopped = ctx.signal.reason;
        throw ctx.signal.reason;
      },
    });
    await a.runner.start();
    const result = a.runner.runNow('i1', loop);
    await vi.waitFor(() => expect(aStarted).toBe(true), WAIT);
    const b = worker({ name: loop, retry, handler: async () => ({ took: 'over' }) });
    await b.runner.start();

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const { rows } = await db.query<{ pid: number }>(
        `select pid from pg_locks where locktype = 'advisory' and granted and pid <> pg_backend_pid()
           and ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
        [`i1/${loop}`],
      );
      expect(rows).toHaveLength(1);
      const cutAt = Date.now();
      await db.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await vi.waitFor(() => expect(aStopped).toBeDefined(), WAIT);
      expect(String((aStopped as Error).message ?? aStopped)).toMatch(/lock/);
      // Whichever worker fetches the retry first runs it (the cut-off one has a new connection by then).
      const okRuns = () => [...a.recorder.runs, ...b.recorder.runs].filter((r) => r.status === 'ok');
      await vi.waitFor(() => expect(okRuns()).toHaveLength(1), { timeout: 60_000, interval: 200 });
      const tookMs = Date.now() - cutAt;
      expect(tookMs).toBeLessThan(60_000);
      expect(okRuns()[0]).toMatchObject({ trigger: 'retry', attempt: 2 });
      // The caller that asked to run now hears the outcome of the retry; the history keeps both attempts.
      expect(await result).toMatchObject({ status: 'ok', attempt: 2, stats: { took: 'over' } });
      expect(a.recorder.runs[0]).toMatchObject({ status: 'failed', attempt: 1 });
      expect(a.recorder.runs[0]!.error?.message).toMatch(/lock/);
      console.log(`[lost lock] taken over ${tookMs} ms after the worker's lock connection was dropped`);
    } finally {
      await db.end();
    }
  });
});
