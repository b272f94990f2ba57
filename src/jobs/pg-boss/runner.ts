// The distributed job runner: N `psa-bridge worker` processes (and any `serve`) share one PostgreSQL
// through pg-boss. The semantics are the ones documented in job-runner.ts; where pg-boss makes them
// differ, it is said below.
//
// Layout in the database (all in pg-boss's schema, `pgboss`: src/store/job-schema.ts says why it is fixed):
// - One pg-boss queue per loop name (`psa-bridge.<loop>`), policy `stately`, every job keyed
//   (`singletonKey`) by `<integrationId>/<loop>`. `stately` is a partial unique index allowing per key
//   at most one job `created` (the queued follow-up), one in `retry` and one `active`: the database
//   itself refuses a second active run of a job, whichever process asks.
// - Jobs are fetched by this runner's own statement rather than pg-boss's `work()` (job-table.ts says
//   why); every statement on pg-boss's own tables is in job-table.ts.
// - Each run also holds a session advisory lock on the job's key for its whole duration (run-lock.ts).
// - Schedules are rows of our own table (schedule-table.ts; made by the store's migration 0018, so a
//   runner needs a migrated database, as every hub process and worker opens one), claimed by every
//   worker in turn.
//
// Differences from the in-process runner:
// - A runNow that finds a queued (not yet started) run of the same mode joins it, even when nothing is
//   running: that run starts after the request, so it sees what the request wanted it to see. Its
//   result then says `coalesced: true`.
// - A dry and a real request cannot both be queued (one `created` job per key): the second waits
//   until the queued one starts, then queues its own.
// - Retry delays are pg-boss's: whole seconds; with backoff, retryDelay × 2^n × a random factor in
//   [1, 2); pg-boss 10 has no upper bound, so `retryDelayMaxMs` is not applied.
// - Retry settings and expiry are stored on the job by the process that queues it (a frontend, a
//   worker's schedule check): every process must register the same loops with the same settings.
// - A run cancelled by stop() is recorded `cancelled` and not retried, as in-process; a run still
//   going when stop()'s deadline passes stays active in the database and is retried elsewhere after
//   it expires.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import PgBoss from 'pg-boss';
import pino, { type Logger } from 'pino';
import { nextCronTime, parseCron } from '../cron.ts';
import {
  defaultRetryPolicy,
  JobError,
  jobKey,
  type Cadence,
  type JobRunner,
  type LoopDefinition,
  type RetryPolicy,
  type RunNowOptions,
  type RunRecorder,
  type RunResult,
  type RunTrigger,
  type ScheduleSpec,
  type StopOptions,
  type StopReport,
} from '../job-runner.ts';
import { finishRun, invokeLoopHandler, recordRunStart, StopAbort, TimeoutAbort } from '../run-handler.ts';
import { PgBossJobTable, type FetchedJob, type JobData, type QueueOptions } from './job-table.ts';
import { RunLocks, type HeldRunLock } from './run-lock.ts';
import { ScheduleTable } from './schedule-table.ts';
import { JOB_SCHEMA } from '../../store/job-schema.ts';
import { fromStored, isStoredResult, toStored } from './stored-result.ts';

export interface PgBossRunnerOptions {
  connectionString: string;
  recorder: RunRecorder;
  logger?: Logger;
  /** Whether this process performs runs (a worker) or only enqueues and waits for them (an HTTP-only frontend). */
  work?: boolean;
  /** Runs performed at once by this process. */
  concurrency?: number;
  /** How often an idle slot looks for a job. */
  pollIntervalMs?: number;
  /** How often due schedules are looked for. */
  scheduleCheckMs?: number;
  /** As in the in-process runner: first runs fall at a random point within min(interval, this). */
  firstRunSpreadMs?: number;
  random?: () => number;
  /** Default deadline of stop(). */
  stopDeadlineMs?: number;
  /** An active job older than this is taken for crashed and retried (loops with `timeoutMs` get that plus a minute). */
  expireInSeconds?: number;
  /** How often pg-boss expires and archives jobs (one node at a time). */
  maintenanceIntervalSeconds?: number;
  /**
   * How often a worker looks for active jobs whose worker died (their run lock is free) and retries
   * them at once; with `orphanGraceSeconds` this bounds the takeover of a killed worker's run.
   */
  orphanCheckMs?: number;
  /** An active job is looked at only this long after it started (the worker takes its lock right after fetching it). */
  orphanGraceSeconds?: number;
  /** How long runNow waits for a run performed by another process. */
  runNowTimeoutMs?: number;
  /** How often runNow looks whether its run has finished. */
  waitPollMs?: number;
  onRunFinished?: (result: RunResult) => void;
}

interface Running {
  key: string;
  controller: AbortController;
  done: Promise<void>;
  /** The job's advisory lock, once taken. */
  lock?: HeldRunLock;
}

type RegisteredLoop = LoopDefinition & { retryPolicy: RetryPolicy };

/** What exists while the runner is connected. */
interface Connection {
  boss: PgBoss;
  pool: pg.Pool;
  jobs: PgBossJobTable;
  schedules: ScheduleTable;
  locks: RunLocks;
}

const QUEUE_PREFIX = 'psa-bridge.';

/** pg-boss's schema, quoted for the statements of job-table.ts and schedule-table.ts. */
const QUOTED_SCHEMA = `"${JOB_SCHEMA}"`;

export class PgBossJobRunner implements JobRunner {
  private readonly loops = new Map<string, RegisteredLoop>();
  private readonly options: Required<
    Omit<PgBossRunnerOptions, 'logger' | 'onRunFinished' | 'recorder' | 'connectionString'>
  >;
  private readonly log: Logger;
  private conn: Connection | undefined;
  private connecting: Promise<void> | undefined;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly running = new Map<string, Running>();
  private readonly waiters = new Set<(err: unknown) => void>();
  private readonly slots: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  private scheduleTimer: NodeJS.Timeout | undefined;
  private orphanTimer: NodeJS.Timeout | undefined;
  private orphanCheck: Promise<void> | undefined;
  private started = false;
  private stopping = false;

  constructor(private readonly settings: PgBossRunnerOptions) {
    this.log = settings.logger ?? pino({ level: 'silent' });
    this.options = {
      work: settings.work ?? true,
      concurrency: settings.concurrency ?? 4,
      pollIntervalMs: settings.pollIntervalMs ?? 1_000,
      scheduleCheckMs: settings.scheduleCheckMs ?? 5_000,
      firstRunSpreadMs: settings.firstRunSpreadMs ?? 10 * 60_000,
      random: settings.random ?? Math.random,
      stopDeadlineMs: settings.stopDeadlineMs ?? 30_000,
      expireInSeconds: settings.expireInSeconds ?? 60 * 60,
      maintenanceIntervalSeconds: settings.maintenanceIntervalSeconds ?? 60,
      runNowTimeoutMs: settings.runNowTimeoutMs ?? 2 * 60 * 60_000,
      orphanCheckMs: settings.orphanCheckMs ?? 15_000,
      orphanGraceSeconds: settings.orphanGraceSeconds ?? 10,
      waitPollMs: settings.waitPollMs ?? 250,
    };
  }

  register(loop: LoopDefinition): void {
    if (this.loops.has(loop.name)) {
      throw new JobError('duplicate_loop', `A loop named "${loop.name}" is already registered`);
    }
    this.loops.set(loop.name, { ...loop, retryPolicy: { ...defaultRetryPolicy, ...loop.retry } });
  }

  async schedule(spec: ScheduleSpec): Promise<void> {
    this.requireLoop(spec.loop);
    const every = this.validCadence(spec.every);
    await this.connect();
    // First runs spread as in-process; cron by the database's clock.
    const now = await this.connected().schedules.now();
    const nextRunAt =
      'cron' in every
        ? nextCronTime(parseCron(every.cron), now)
        : new Date(now.getTime() + Math.floor(this.options.random() * Math.min(every.intervalMs, this.options.firstRunSpreadMs)));
    await this.connected().schedules.upsert(spec.integrationId, spec.loop, every, nextRunAt);
  }

  async unschedule(integrationId: string, loop?: string): Promise<void> {
    await this.connect();
    const { schedules, jobs, boss } = this.connected();
    await schedules.delete(integrationId, loop);
    // Pending retries of those jobs go too, as in-process.
    for (const row of await jobs.retrying(QUEUE_PREFIX, integrationId, loop)) await boss.cancel(row.name, row.id);
  }

  async schedules(): Promise<ScheduleSpec[]> {
    await this.connect();
    return this.connected().schedules.list();
  }

  async isRunning(integrationId: string, loop: string): Promise<boolean> {
    await this.connect();
    return this.connected().jobs.isActive(queueName(loop), jobKey(integrationId, loop));
  }

  async runNow(integrationId: string, loop: string, options: RunNowOptions = {}): Promise<RunResult> {
    const def = this.requireLoop(loop);
    if (this.stopping) throw new JobError('stopped', 'The job runner is stopping; no new runs are accepted');
    const dryRun = options.dryRun ?? false;
    await this.connect();
    await this.ensureQueue(def);
    const name = queueName(loop);
    const key = jobKey(integrationId, loop);
    const deadline = Date.now() + this.options.runNowTimeoutMs;
    const data: JobData = { integrationId, loop, dryRun, trigger: 'manual' };

    let jobId: string | undefined;
    let coalesced = false;
    while (jobId === undefined) {
      if (this.stopping) throw new JobError('stopped', 'The job runner stopped before this run could be queued');
      const runningBefore = await this.isRunning(integrationId, loop);
      const sent = await this.connected().boss.send(name, data, this.sendOptions(def, key, dryRun));
      if (sent) {
        jobId = sent;
        coalesced = runningBefore;
        break;
      }
      // A run of this job is queued already: join it when it is of the same mode.
      const queued = await this.connected().jobs.queued(name, key);
      if (queued && queued.dryRun === dryRun) {
        jobId = queued.id;
        coalesced = true;
      } else if (queued) {
        if (Date.now() > deadline) throw this.waitTimeout(key);
        await sleep(this.options.waitPollMs);
      }
      // No queued job: it started in between; try again.
    }
    this.wakeSlots();
    return { ...(await this.waitForResult(name, jobId, key, deadline)), coalesced };
  }

  async start(): Promise<void> {
    if (this.stopping) throw new JobError('stopped', 'A stopped job runner cannot be started again');
    if (this.started) return;
    this.started = true;
    await this.connect();
    for (const def of this.loops.values()) await this.ensureQueue(def);
    if (!this.options.work) return;
    for (let i = 0; i < this.options.concurrency; i++) this.slots.push(this.slot());
    this.scheduleTimer = setInterval(() => void this.enqueueDueSchedules(), this.options.scheduleCheckMs);
    this.scheduleTimer.unref();
    void this.enqueueDueSchedules();
    this.orphanTimer = setInterval(() => void this.retryOrphans(), this.options.orphanCheckMs);
    this.orphanTimer.unref();
    void this.retryOrphans();
  }

  async stop(options: StopOptions = {}): Promise<StopReport> {
    this.stopping = true;
    const deadlineMs = options.deadlineMs ?? this.options.stopDeadlineMs;
    clearInterval(this.scheduleTimer);
    clearInterval(this.orphanTimer);
    this.wakeSlots();
    for (const reject of this.waiters) reject(new JobError('stopped', 'The job runner stopped before the run finished'));
    this.waiters.clear();

    const running = [...this.running.values()];
    for (const run of running) run.controller.abort(new StopAbort());
    const settled = new Set<Running>();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
      timer.unref();
    });
    await Promise.race([Promise.all(running.map((r) => r.done.then(() => settled.add(r)))), deadline]);
    clearTimeout(timer);
    const abandoned = running.filter((r) => !settled.has(r)).map((r) => r.key);
    if (abandoned.length > 0) {
      this.log.warn({ abandoned, deadlineMs }, 'job runner stopped with runs still in progress; they are retried after they expire');
    }
    // Abandoned runs lose their lock with their connection; the process is expected to exit now.
    for (const run of running) if (!settled.has(run)) run.lock?.release(true);
    if (abandoned.length === 0) await Promise.race([Promise.all(this.slots), deadline]);
    await this.disconnect();
    return { abandoned };
  }

  // ---- connection -------------------------------------------------------------------------------

  private connect(): Promise<void> {
    if (this.stopping && !this.conn) return Promise.reject(new JobError('stopped', 'The job runner is stopped'));
    this.connecting ??= (async () => {
      const boss = new PgBoss({
        connectionString: this.settings.connectionString,
        schema: JOB_SCHEMA,
        application_name: 'psa-bridge',
        // Expiry of crashed runs and archiving; pg-boss lets one node at a time do it.
        supervise: this.options.work,
        maintenanceIntervalSeconds: this.options.maintenanceIntervalSeconds,
        schedule: false,
        migrate: true,
      });
      boss.on('error', (err) => this.log.error({ err }, 'pg-boss reported an error'));
      await boss.start();
      const pool = new pg.Pool({
        connectionString: this.settings.connectionString,
        // One connection per run (its advisory lock), plus fetching and scheduling.
        max: this.options.concurrency + 3,
        application_name: 'psa-bridge-jobs',
      });
      pool.on('error', (err) => this.log.error({ err }, 'job runner database connection failed'));
      const schedules = new ScheduleTable(pool, QUOTED_SCHEMA);
      this.conn = {
        boss,
        pool,
        jobs: new PgBossJobTable(pool, QUOTED_SCHEMA),
        schedules,
        locks: new RunLocks(pool, this.log, this.options.pollIntervalMs),
      };
      await schedules.check();
    })();
    return this.connecting;
  }

  private connected(): Connection {
    if (!this.conn) throw new JobError('stopped', 'The job runner is not connected');
    return this.conn;
  }

  private async disconnect(): Promise<void> {
    if (!this.connecting) return;
    await this.connecting.catch(() => {});
    const conn = this.conn;
    this.conn = undefined;
    await conn?.boss.stop({ graceful: true, timeout: 1_000, close: true, wait: true }).catch((err: unknown) => {
      this.log.warn({ err }, 'pg-boss did not stop cleanly');
    });
    await conn?.pool.end().catch(() => {});
  }

  private ensureQueue(def: RegisteredLoop): Promise<void> {
    let created = this.queues.get(def.name);
    if (!created) {
      created = this.connected().jobs.createQueue(queueName(def.name), this.queueOptions(def));
      created.catch(() => this.queues.delete(def.name));
      this.queues.set(def.name, created);
    }
    return created;
  }

  private queueOptions(def: RegisteredLoop): QueueOptions {
    const { retryPolicy } = def;
    return {
      policy: 'stately',
      retryLimit: retryPolicy.retryLimit,
      retryDelay: toSeconds(retryPolicy.retryDelayMs),
      retryBackoff: retryPolicy.retryBackoff,
      expireInSeconds: this.expireInSeconds(def),
    };
  }

  private sendOptions(def: RegisteredLoop, key: string, dryRun: boolean): PgBoss.SendOptions {
    const { retryPolicy } = def;
    return {
      singletonKey: key,
      // Set per job, so a changed policy applies to new jobs without touching the queue.
      retryLimit: dryRun ? 0 : retryPolicy.retryLimit,
      retryDelay: toSeconds(retryPolicy.retryDelayMs),
      retryBackoff: retryPolicy.retryBackoff,
      expireInSeconds: this.expireInSeconds(def),
    };
  }

  private expireInSeconds(def: RegisteredLoop): number {
    return def.timeoutMs !== undefined ? Math.ceil(def.timeoutMs / 1000) + 60 : this.options.expireInSeconds;
  }

  // ---- waiting for a result ---------------------------------------------------------------------

  private waitTimeout(key: string): JobError {
    return new JobError(
      'wait_timeout',
      `No worker finished the run of ${key} within ${this.options.runNowTimeoutMs} ms; is a psa-bridge worker running?`,
    );
  }

  private async waitForResult(name: string, jobId: string, key: string, deadline: number): Promise<RunResult> {
    let rejectWait!: (err: unknown) => void;
    const stopped = new Promise<never>((_, reject) => (rejectWait = reject));
    stopped.catch(() => {});
    this.waiters.add(rejectWait);
    try {
      for (;;) {
        if (!this.conn) throw new JobError('stopped', 'The job runner stopped before the run finished');
        const lookup = this.conn.boss.getJobById<JobData>(name, jobId, { includeArchive: true });
        lookup.catch(() => {});
        const job = await Promise.race([lookup, stopped]);
        if (!job) throw new JobError('stopped', `The run of ${key} (job ${jobId}) was removed before it finished`);
        if (isStoredResult(job.output)) {
          const nextRetryAt = job.output.status === 'failed' && job.state !== 'failed' ? new Date(job.startAfter) : undefined;
          return fromStored(job.output, nextRetryAt);
        }
        if (job.state === 'cancelled' || job.state === 'failed' || job.state === 'completed') {
          // Ended without a run of ours reporting (cancelled from outside, or expired with no retry left).
          throw new JobError('stopped', `The run of ${key} ended as ${job.state} without a result`);
        }
        if (Date.now() > deadline) throw this.waitTimeout(key);
        await Promise.race([sleep(this.options.waitPollMs), stopped]);
      }
    } finally {
      this.waiters.delete(rejectWait);
    }
  }

  // ---- performing runs --------------------------------------------------------------------------

  private async slot(): Promise<void> {
    while (!this.stopping) {
      let job: FetchedJob | undefined;
      try {
        job = await this.fetch();
      } catch (err) {
        if (!this.stopping) this.log.error({ err }, 'could not fetch a job');
      }
      if (this.stopping) return;
      if (job) {
        await this.perform(job);
        continue;
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, this.options.pollIntervalMs);
        this.wakers.add(wake);
      });
    }
  }

  /** Idle slots look for work at once (a run was just queued by this process). */
  private wakeSlots(): void {
    for (const wake of [...this.wakers]) wake();
  }

  private async fetch(): Promise<FetchedJob | undefined> {
    const names = [...this.loops.keys()].map(queueName);
    if (names.length === 0) return undefined;
    return this.connected().jobs.fetchNext(names);
  }

  private async perform(job: FetchedJob): Promise<void> {
    const controller = new AbortController();
    const key = jobKey(job.data.integrationId, job.data.loop);
    let finish!: () => void;
    const running: Running = { key, controller, done: new Promise<void>((resolve) => (finish = resolve)) };
    this.running.set(job.id, running);
    let lockLost = false;
    try {
      const { boss, locks } = this.connected();
      const def = this.loops.get(job.data.loop);
      if (!def) {
        await boss.fail(job.name, job.id, { message: `No loop named "${job.data.loop}" is registered in this worker` });
        return;
      }
      running.lock = await locks.acquire(key, controller.signal, job.expireInSeconds * 1000, () => {
        // The database dropped the connection holding the lock: another worker may take the job over now.
        this.log.warn({ jobId: job.id, key }, 'lost the run lock (database connection failed); stopping the run, it is retried');
        lockLost = true;
        controller.abort(new TimeoutAbort(0, 'lock (lost with the database connection)'));
      });
      if (!running.lock) {
        // Stopped, or the previous run never let go: leave the job to expire and be retried.
        return;
      }
      // Another run starts: a pending retry of this job is void, as in-process.
      await this.cancelPendingRetries(job, key);
      const result = await this.execute(job, def, controller);
      if (lockLost && result.status === 'failed') {
        // A run stopped for its lost lock did not fail on its own: its retry starts now (on whichever
        // worker fetches it first), not after the loop's retry delay, and a caller waiting on the job
        // hears the retry's outcome (no stored result yet), while the run history keeps this attempt.
        await this.connected().boss.fail(job.name, job.id, { message: result.error?.message ?? 'the run lost its lock' });
        await this.connected().jobs.retryNow(job.name, job.id);
        this.wakeSlots();
        return;
      }
      const output = toStored(result);
      if (result.status === 'failed') await this.connected().boss.fail(job.name, job.id, output);
      else await this.connected().boss.complete(job.name, job.id, output);
    } catch (err) {
      this.log.error({ err, jobId: job.id, key }, 'could not finish a job; it is retried after it expires');
    } finally {
      running.lock?.release(false);
      this.running.delete(job.id);
      finish();
    }
  }

  /**
   * A killed worker's run: its job stays `active` until it expires (the loop's whole timeout), but
   * its run lock went with its connection. Such a job is failed (retried, as pg-boss counts
   * attempts) and its retry starts at once, so another worker takes it over within seconds.
   */
  private async retryOrphans(): Promise<void> {
    if (this.stopping || this.orphanCheck !== undefined) return;
    this.orphanCheck = (async () => {
      const { jobs, locks, boss } = this.connected();
      const names = [...this.loops.keys()].map(queueName);
      if (names.length === 0) return;
      for (const job of await jobs.activeOlderThan(names, this.options.orphanGraceSeconds)) {
        if (this.running.has(job.id) || this.stopping) continue;
        if (!(await locks.isFree(job.key))) continue;
        this.log.warn({ jobId: job.id, key: job.key }, 'the worker running this job stopped (its run lock is free); retrying it now');
        await boss.fail(job.name, job.id, { message: 'the worker running this job stopped before it finished (its run lock was released)' });
        await jobs.retryNow(job.name, job.id);
        this.wakeSlots();
      }
      await this.closeDeadRuns();
    })()
      .catch((err: unknown) => {
        if (!this.stopping) this.log.warn({ err }, 'could not check for jobs of stopped workers');
      })
      .finally(() => {
        this.orphanCheck = undefined;
      });
    await this.orphanCheck;
  }

  /**
   * Runs a killed process left `running` in loop_runs: closed as interrupted as soon as their run lock
   * is free (at start and at every orphan check), not only when the next run of the same loop starts.
   * The lock is held while closing, so a run starting meanwhile waits and is never closed by mistake.
   */
  private async closeDeadRuns(): Promise<void> {
    const { recorder } = this.settings;
    if (recorder?.closeDead === undefined) return;
    const { locks } = this.connected();
    const closed = await recorder.closeDead(async (integrationId, loop, close) => {
      // This process's own runs hold their lock on another connection (session locks): not free here.
      if (this.stopping) return;
      await locks.whileFree(jobKey(integrationId, loop), close);
    });
    if (closed > 0) this.log.warn({ closed }, 'closed loop runs a stopped process left running as failed (interrupted)');
  }

  private async cancelPendingRetries(job: FetchedJob, key: string): Promise<void> {
    const { jobs, boss } = this.connected();
    const ids = await jobs.retryingExcept(job.name, key, job.id);
    if (ids.length > 0) await boss.cancel(job.name, ids);
  }

  private async execute(job: FetchedJob, def: RegisteredLoop, controller: AbortController): Promise<RunResult> {
    const { integrationId, loop, dryRun } = job.data;
    const attempt = job.retryCount + 1;
    const trigger: RunTrigger = job.retryCount > 0 ? 'retry' : job.data.trigger;
    const startedAt = new Date();
    const run = { integrationId, loop, trigger, attempt, dryRun, startedAt };
    const runId = await recordRunStart(this.settings.recorder, run, this.log);
    const log = this.log.child({ integrationId, loop, runId, attempt, dryRun, jobId: job.id });

    // Abort before pg-boss takes the job for crashed, so a retry never finds this run still going.
    const limits: NodeJS.Timeout[] = [];
    const expiryMs = Math.max(1_000, job.expireInSeconds * 1000 - 5_000);
    limits.push(setTimeout(() => controller.abort(new TimeoutAbort(expiryMs, 'expiry')), expiryMs));
    if (def.timeoutMs !== undefined) {
      const ms = def.timeoutMs;
      limits.push(setTimeout(() => controller.abort(new TimeoutAbort(ms, 'limit')), ms));
    }
    for (const t of limits) t.unref();

    let outcome;
    try {
      const key = jobKey(integrationId, loop);
      const nextRunAt = async (): Promise<Date | null> =>
        this.conn === undefined
          ? null
          : this.conn.schedules.nextRunAt(integrationId, loop).catch((err: unknown) => {
              log.warn({ err }, 'could not read the next scheduled run of this job');
              return null;
            });
      outcome = await invokeLoopHandler(
        def,
        {
          integrationId,
          loop,
          dryRun,
          attempt,
          trigger,
          nextRunAt,
          // A run queued behind this one (a person's run-now, from any process) is a `created` job of the
          // key; and while every slot of this worker is busy, any job that could start waits for one.
          runRequested: async () => {
            if (this.conn === undefined) return false;
            if ((await this.conn.jobs.queued(job.name, key)) !== undefined) return true;
            return this.wakers.size === 0 && (await this.conn.jobs.anyWaiting([...this.loops.keys()].map(queueName)));
          },
        },
        controller,
        log,
      );
    } finally {
      for (const t of limits) clearTimeout(t);
    }
    const { status, stats, error } = outcome;
    const finishedAt = new Date();
    return finishRun(this.settings.recorder, this.settings.onRunFinished, log, { ...run, runId, status, finishedAt, stats, ...(error ? { error } : {}), coalesced: false });
  }

  // ---- schedules --------------------------------------------------------------------------------

  private async enqueueDueSchedules(): Promise<void> {
    if (this.stopping || !this.conn) return;
    const loops = [...this.loops.keys()];
    if (loops.length === 0) return;
    let due: Array<{ integrationId: string; loop: string }> = [];
    try {
      due = await this.conn.schedules.claimDue(loops);
    } catch (err) {
      if (!this.stopping) this.log.error({ err }, 'could not read due schedules');
    }
    for (const { integrationId, loop } of due) {
      try {
        // A tick that finds the job running or already queued is dropped (the stately index drops the latter).
        if (this.stopping || (await this.isRunning(integrationId, loop))) continue;
        const def = this.loops.get(loop)!;
        await this.ensureQueue(def);
        const data: JobData = { integrationId, loop, dryRun: false, trigger: 'schedule' };
        await this.connected().boss.send(queueName(loop), data, this.sendOptions(def, jobKey(integrationId, loop), false));
      } catch (err) {
        if (!this.stopping) this.log.error({ err, integrationId, loop }, 'could not enqueue a scheduled run');
      }
    }
    if (due.length > 0) this.wakeSlots();
  }

  private validCadence(every: Cadence): Cadence {
    if ('cron' in every) {
      parseCron(every.cron);
      return { cron: every.cron };
    }
    const { intervalMs } = every;
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new JobError('invalid_schedule', `intervalMs must be a positive number of milliseconds, got ${intervalMs}`);
    }
    return { intervalMs };
  }

  private requireLoop(loop: string): RegisteredLoop {
    const def = this.loops.get(loop);
    if (!def) {
      const known = [...this.loops.keys()].join(', ') || 'none';
      throw new JobError('unknown_loop', `No loop named "${loop}" is registered (registered: ${known})`);
    }
    return def;
  }
}

function queueName(loop: string): string {
  return `${QUEUE_PREFIX}${loop}`;
}

function toSeconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}

export function createPgBossJobRunner(options: PgBossRunnerOptions): JobRunner {
  return new PgBossJobRunner(options);
}
