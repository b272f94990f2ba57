// The default job runner: timers in this process and an in-memory lock per (integration, loop).
// Right for one `serve` process; several processes need the pg-boss runner (the lock here is
// per process). The semantics are the ones documented in job-runner.ts.
import pino, { type Logger } from 'pino';
import {
  defaultRetryPolicy,
  JobError,
  jobKey,
  retryDelay,
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
} from './job-runner.ts';
import { finishRun, invokeLoopHandler, recordRunStart, StopAbort, TimeoutAbort } from './run-handler.ts';

export interface InProcessRunnerOptions {
  recorder: RunRecorder;
  logger?: Logger;
  /** The first run of a schedule fires at a random point within min(interval, this), so a thousand
   *  integrations scheduled at boot do not all call the vendor in the same second. */
  firstRunSpreadMs?: number;
  /** Retry delays are multiplied by a factor in [1 - retryJitter, 1 + retryJitter]. */
  retryJitter?: number;
  /** Injected for deterministic tests. */
  random?: () => number;
  now?: () => Date;
  /** Default deadline of stop(). */
  stopDeadlineMs?: number;
  /** Called after every run (metrics, notifications); exceptions are logged and ignored. */
  onRunFinished?: (result: RunResult) => void;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface RunningRun {
  controller: AbortController;
  done: Promise<unknown>;
}

interface JobState {
  integrationId: string;
  loop: string;
  running?: RunningRun;
  /** At most one queued follow-up per mode (real, dry), shared by every request made meanwhile. */
  followUps: Map<boolean, Deferred<RunResult>>;
  retryTimer?: NodeJS.Timeout;
  schedule?: ScheduleSpec;
  scheduleTimers: NodeJS.Timeout[];
  /** When the schedule's next tick fires (epoch ms), while armed. */
  nextTickAt?: number;
}

export class InProcessJobRunner implements JobRunner {
  private readonly loops = new Map<string, LoopDefinition & { retryPolicy: RetryPolicy }>();
  private readonly jobs = new Map<string, JobState>();
  private readonly recorder: RunRecorder;
  private readonly log: Logger;
  private readonly firstRunSpreadMs: number;
  private readonly retryJitter: number;
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly stopDeadlineMs: number;
  private readonly onRunFinished: ((result: RunResult) => void) | undefined;
  private started = false;
  private stopping = false;

  constructor(options: InProcessRunnerOptions) {
    this.recorder = options.recorder;
    this.log = options.logger ?? pino({ level: 'silent' });
    this.firstRunSpreadMs = options.firstRunSpreadMs ?? 10 * 60_000;
    this.retryJitter = options.retryJitter ?? 0.2;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
    this.stopDeadlineMs = options.stopDeadlineMs ?? 30_000;
    this.onRunFinished = options.onRunFinished;
  }

  register(loop: LoopDefinition): void {
    if (this.loops.has(loop.name)) {
      throw new JobError('duplicate_loop', `A loop named "${loop.name}" is already registered`);
    }
    this.loops.set(loop.name, { ...loop, retryPolicy: { ...defaultRetryPolicy, ...loop.retry } });
  }

  async schedule(spec: ScheduleSpec): Promise<void> {
    this.scheduleNow(spec);
  }

  /** Synchronous form of schedule(), for callers that know they hold the in-process runner. */
  scheduleNow(spec: ScheduleSpec): void {
    this.requireLoop(spec.loop);
    if ('cron' in spec.every) {
      throw new JobError(
        'unsupported_cadence',
        'The in-process runner schedules by interval only; cron schedules need the pg-boss runner',
      );
    }
    const { intervalMs } = spec.every;
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new JobError('invalid_schedule', `intervalMs must be a positive number of milliseconds, got ${intervalMs}`);
    }
    const job = this.job(spec.integrationId, spec.loop);
    this.clearScheduleTimers(job);
    job.schedule = { ...spec, every: { intervalMs } };
    if (this.started && !this.stopping) this.arm(job);
  }

  async unschedule(integrationId: string, loop?: string): Promise<void> {
    for (const job of this.jobs.values()) {
      if (job.integrationId !== integrationId || (loop !== undefined && job.loop !== loop)) continue;
      this.clearScheduleTimers(job);
      delete job.schedule;
      this.clearRetry(job);
    }
  }

  async schedules(): Promise<ScheduleSpec[]> {
    return [...this.jobs.values()].flatMap((job) => (job.schedule ? [job.schedule] : []));
  }

  async isRunning(integrationId: string, loop: string): Promise<boolean> {
    return this.jobs.get(jobKey(integrationId, loop))?.running !== undefined;
  }

  async runNow(integrationId: string, loop: string, options: RunNowOptions = {}): Promise<RunResult> {
    this.requireLoop(loop);
    if (this.stopping) throw new JobError('stopped', 'The job runner is stopping; no new runs are accepted');
    const dryRun = options.dryRun ?? false;
    const job = this.job(integrationId, loop);
    if (!job.running) return this.execute(job, 'manual', 1, dryRun, false);
    let followUp = job.followUps.get(dryRun);
    if (!followUp) {
      followUp = deferred<RunResult>();
      job.followUps.set(dryRun, followUp);
    }
    return followUp.promise;
  }

  async start(): Promise<void> {
    if (this.stopping) throw new JobError('stopped', 'A stopped job runner cannot be started again');
    if (this.started) return;
    this.started = true;
    for (const job of this.jobs.values()) if (job.schedule) this.arm(job);
  }

  async stop(options: StopOptions = {}): Promise<StopReport> {
    this.stopping = true;
    const deadlineMs = options.deadlineMs ?? this.stopDeadlineMs;
    const running: Array<{ key: string; done: Promise<unknown> }> = [];
    for (const [key, job] of this.jobs) {
      this.clearScheduleTimers(job);
      this.clearRetry(job);
      if (job.running) {
        job.running.controller.abort(new StopAbort());
        running.push({ key, done: job.running.done });
      } else {
        this.rejectFollowUps(job);
      }
    }
    if (running.length === 0) return { abandoned: [] };
    const settled = new Set<string>();
    const all = Promise.all(running.map(({ key, done }) => done.then(() => settled.add(key))));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
      timer.unref();
    });
    await Promise.race([all, deadline]);
    clearTimeout(timer);
    const abandoned = running.map((r) => r.key).filter((key) => !settled.has(key));
    if (abandoned.length > 0) {
      this.log.warn({ abandoned, deadlineMs }, 'job runner stopped with runs still in progress');
    }
    return { abandoned };
  }

  private requireLoop(loop: string): LoopDefinition & { retryPolicy: RetryPolicy } {
    const def = this.loops.get(loop);
    if (!def) {
      const known = [...this.loops.keys()].join(', ') || 'none';
      throw new JobError('unknown_loop', `No loop named "${loop}" is registered (registered: ${known})`);
    }
    return def;
  }

  private job(integrationId: string, loop: string): JobState {
    const key = jobKey(integrationId, loop);
    let job = this.jobs.get(key);
    if (!job) {
      job = { integrationId, loop, followUps: new Map(), scheduleTimers: [] };
      this.jobs.set(key, job);
    }
    return job;
  }

  private arm(job: JobState): void {
    const spec = job.schedule;
    if (!spec || !('intervalMs' in spec.every)) return;
    const { intervalMs } = spec.every;
    const firstDelay = Math.floor(this.random() * Math.min(intervalMs, this.firstRunSpreadMs));
    job.nextTickAt = Date.now() + firstDelay;
    const first = setTimeout(() => {
      job.nextTickAt = Date.now() + intervalMs;
      this.tick(job);
      const every = setInterval(() => {
        job.nextTickAt = Date.now() + intervalMs;
        this.tick(job);
      }, intervalMs);
      every.unref();
      job.scheduleTimers.push(every);
    }, firstDelay);
    first.unref();
    job.scheduleTimers.push(first);
  }

  private tick(job: JobState): void {
    if (this.stopping) return;
    if (job.running || job.followUps.size > 0) {
      this.log.debug({ integrationId: job.integrationId, loop: job.loop }, 'scheduled run skipped: still running');
      return;
    }
    void this.execute(job, 'schedule', 1, false, false);
  }

  private clearScheduleTimers(job: JobState): void {
    for (const timer of job.scheduleTimers) clearTimeout(timer);
    job.scheduleTimers = [];
    delete job.nextTickAt;
  }

  private clearRetry(job: JobState): void {
    if (job.retryTimer) clearTimeout(job.retryTimer);
    delete job.retryTimer;
  }

  private rejectFollowUps(job: JobState): void {
    for (const followUp of job.followUps.values()) {
      followUp.reject(new JobError('stopped', 'The job runner stopped before this queued run could start'));
    }
    job.followUps.clear();
  }

  /** Starts a run; the lock is taken synchronously so concurrent callers always see it. */
  private execute(
    job: JobState,
    trigger: RunTrigger,
    attempt: number,
    dryRun: boolean,
    coalesced: boolean,
  ): Promise<RunResult> {
    const def = this.requireLoop(job.loop);
    this.clearRetry(job);
    const controller = new AbortController();
    // Released in `finally`, before the caller resumes: `await runNow(); await runNow()` is two
    // runs, not a run and a coalesced follow-up.
    const result = this.perform(job, def, controller, trigger, attempt, dryRun, coalesced).finally(() => {
      if (job.running?.controller === controller) delete job.running;
      this.drainFollowUps(job);
    });
    job.running = {
      controller,
      done: result.then(
        () => undefined,
        () => undefined,
      ),
    };
    return result;
  }

  private drainFollowUps(job: JobState): void {
    if (job.followUps.size === 0) return;
    if (this.stopping) {
      this.rejectFollowUps(job);
      return;
    }
    // Real runs before dry runs: a dry run queued behind a real one then shows what is left.
    const dryRun = job.followUps.has(false) ? false : true;
    const followUp = job.followUps.get(dryRun)!;
    job.followUps.delete(dryRun);
    this.execute(job, 'manual', 1, dryRun, true).then(followUp.resolve, followUp.reject);
  }

  private async perform(
    job: JobState,
    def: LoopDefinition & { retryPolicy: RetryPolicy },
    controller: AbortController,
    trigger: RunTrigger,
    attempt: number,
    dryRun: boolean,
    coalesced: boolean,
  ): Promise<RunResult> {
    const { integrationId, loop } = job;
    const startedAt = this.now();
    const run = { integrationId, loop, trigger, attempt, dryRun, startedAt };
    const runId = await recordRunStart(this.recorder, run, this.log);
    const log = this.log.child({ integrationId, loop, runId, attempt, dryRun });

    let timeout: NodeJS.Timeout | undefined;
    if (def.timeoutMs !== undefined) {
      const ms = def.timeoutMs;
      timeout = setTimeout(() => controller.abort(new TimeoutAbort(ms)), ms);
      timeout.unref();
    }

    let outcome;
    try {
      outcome = await invokeLoopHandler(
        def,
        {
          integrationId,
          loop,
          dryRun,
          attempt,
          trigger,
          nextRunAt: async () => (job.nextTickAt === undefined ? null : new Date(job.nextTickAt)),
          runRequested: async () => job.followUps.size > 0,
        },
        controller,
        log,
      );
    } finally {
      clearTimeout(timeout);
    }
    const { status, stats, error } = outcome;
    const finishedAt = this.now();

    let nextRetryAt: Date | undefined;
    if (status === 'failed' && !dryRun && !this.stopping && attempt <= def.retryPolicy.retryLimit) {
      const base = retryDelay(def.retryPolicy, attempt);
      const delay = Math.round(base * (1 - this.retryJitter + 2 * this.retryJitter * this.random()));
      nextRetryAt = new Date(finishedAt.getTime() + delay);
      const timer = setTimeout(() => {
        delete job.retryTimer;
        if (this.stopping || job.running) return;
        void this.execute(job, 'retry', attempt + 1, false, false);
      }, delay);
      timer.unref();
      job.retryTimer = timer;
    }

    return finishRun(this.recorder, this.onRunFinished, log, { ...run, runId, status, finishedAt, stats, ...(error ? { error } : {}), ...(nextRetryAt ? { nextRetryAt } : {}), coalesced });
  }
}

export function createInProcessJobRunner(options: InProcessRunnerOptions): JobRunner {
  return new InProcessJobRunner(options);
}
