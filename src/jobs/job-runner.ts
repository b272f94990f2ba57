// The contract every job runner keeps: the in-process one (default, timers in this process) and the
// pg-boss one (several workers sharing one PostgreSQL). Loops do not know which one runs them.
//
// Semantics both implementations keep:
// - A job is identified by (integrationId, loop). At most one run of a job is in progress at any
//   time, across the whole deployment.
// - Coalescing: `runNow` while the job is running does not start a second run; it queues exactly ONE
//   follow-up run that starts when the current one ends, shared by every request made meanwhile, and
//   resolves with that follow-up's result. Why a follow-up rather than joining the running pass: the
//   request may come from a change the running pass already read past (loops are level-triggered),
//   so only a pass that starts after the request is guaranteed to see it.
//   A scheduled tick that finds the job running (or a follow-up already queued) is dropped: the next
//   tick comes anyway, and piling ticks up would make a slow loop run back to back forever.
// - Retries: a failed run is retried with backoff as described by its `RetryPolicy` (data, not code).
//   A pending retry is cancelled when any other run of the job starts; that run starts a fresh
//   series. Dry runs are never retried.
// - Every attempt is recorded through the `RunRecorder` (the `loop_runs` table in production).
// - `stop()` stops timers and pending retries, aborts the signal of running handlers (asking them to
//   stop at their next safe point; the journal makes stopping anywhere safe), and waits for them
//   until a deadline.
import type { Logger } from 'pino';
import type { LoopStats } from '../sync/loop-result.ts';
import type { RunError } from '../sync/run-error.ts';
import type { LoopQueue, QueuedRunStatus } from '../sync/loop-queue.ts';

// What a pass produces is sync's (jobs → sync); the runner's contract speaks of it.
export type { LoopStats, RunError };
export { toRunError } from '../sync/run-error.ts';

export interface LoopContext {
  integrationId: string;
  loop: string;
  /** Aborted when the runner stops or the run exceeds its timeout: stop at the next safe point. */
  signal: AbortSignal;
  /** Observe and plan only; nothing is written to either side. */
  dryRun: boolean;
  /** 1 for a fresh run, 2.. for retries. */
  attempt: number;
  /** What started the run: a loop may do more in a scheduled run than in one a person waits for. */
  trigger: RunTrigger;
  /**
   * When the next scheduled run of this job is due (null: not scheduled, or unknown), asked afresh
   * each time: a tick that fell while this run was still going moves it to the following one. A
   * loop that keeps watching after its pass (the alerts watch) ends before it, so that tick finds
   * the job free instead of being dropped.
   */
  nextRunAt(): Promise<Date | null>;
  /**
   * Whether another run waits for this one to end: of this job (a person's run-now, which starts
   * when this one ends), or, on a pg-boss worker whose every slot is busy, of any job. A watching
   * loop ends at its next poll, so the person who asked is not kept waiting and a watch never
   * starves the other loops of a worker's slots (its next scheduled run watches again).
   */
  runRequested(): Promise<boolean>;
  log: Logger;
}

export type LoopHandler = (ctx: LoopContext) => Promise<LoopStats | void>;

/** Retry settings as data, named after pg-boss's so the distributed runner maps them 1:1. */
export interface RetryPolicy {
  /** Retries after the first failure (0 = none). */
  retryLimit: number;
  /** Delay before the first retry. */
  retryDelayMs: number;
  /** Double the delay at each retry. */
  retryBackoff: boolean;
  /** Upper bound of a single delay. */
  retryDelayMaxMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  retryLimit: 3,
  retryDelayMs: 30_000,
  retryBackoff: true,
  retryDelayMaxMs: 15 * 60_000,
};

export interface LoopDefinition {
  name: string;
  handler: LoopHandler;
  retry?: Partial<RetryPolicy>;
  /** A run taking longer than this has its signal aborted (reason: timeout). */
  timeoutMs?: number;
}

export type Cadence =
  | { intervalMs: number }
  /** Five-field cron, evaluated by database time in the distributed runner. */
  | { cron: string };

export interface ScheduleSpec {
  integrationId: string;
  loop: string;
  every: Cadence;
}

export type RunTrigger = 'schedule' | 'manual' | 'retry';
export type RunStatus = QueuedRunStatus;

export interface RunResult {
  /** Id of the loop_runs record (undefined if recording failed). */
  runId: string | undefined;
  integrationId: string;
  loop: string;
  trigger: RunTrigger;
  attempt: number;
  dryRun: boolean;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date;
  stats: LoopStats;
  error?: RunError;
  /** When a retry was scheduled for this failure. */
  nextRetryAt?: Date;
  /** True when the request found the job running and was served by a follow-up run. */
  coalesced: boolean;
}

export interface RunNowOptions {
  dryRun?: boolean;
}

export interface StopOptions {
  /** How long to wait for running handlers after aborting them. */
  deadlineMs?: number;
}

export interface StopReport {
  /** Jobs still running when the deadline passed, as `integrationId/loop`. */
  abandoned: string[];
}

/** Where runs are recorded; production writes `loop_runs`, tests keep them in memory. */
export interface RunRecorder {
  started(run: {
    integrationId: string;
    loop: string;
    trigger: RunTrigger;
    attempt: number;
    dryRun: boolean;
    startedAt: Date;
  }): Promise<string>;
  finished(
    runId: string,
    outcome: { status: RunStatus; finishedAt: Date; stats: LoopStats; error?: RunError },
  ): Promise<void>;
  /**
   * Closes the runs left `running` by processes that died: `isDead(integrationId, loop, close)` calls
   * `close` only while it knows no live process runs that loop (the pg-boss runner: its run lock is free).
   * Returns how many runs were closed.
   */
  closeDead?(isDead: (integrationId: string, loop: string, close: () => Promise<void>) => Promise<void>): Promise<number>;
}

// Schedules and state are async: the pg-boss runner keeps them in the database. A job runner is
// the LoopQueue sync asks for passes through (src/sync/loop-queue.ts).
export interface JobRunner extends LoopQueue {
  /** Registers the handler of a loop name (locally, before start); registering a name twice is an error. */
  register(loop: LoopDefinition): void;
  /** Adds or replaces the schedule of a job. */
  schedule(spec: ScheduleSpec): Promise<void>;
  /** Removes the schedule (and pending retry) of one job, or of every loop of the integration when `loop` is omitted. */
  unschedule(integrationId: string, loop?: string): Promise<void>;
  schedules(): Promise<ScheduleSpec[]>;
  /** Runs the job now (or right after the running pass, see coalescing) and resolves with its result. */
  runNow(integrationId: string, loop: string, options?: RunNowOptions): Promise<RunResult>;
  /** Whether a run of the job is in progress. */
  isRunning(integrationId: string, loop: string): Promise<boolean>;
  start(): Promise<void>;
  stop(options?: StopOptions): Promise<StopReport>;
}

export class JobError extends Error {
  readonly code:
    | 'unknown_loop'
    | 'duplicate_loop'
    | 'stopped'
    | 'unsupported_cadence'
    | 'invalid_schedule'
    /** The database lacks the runner's tables: the store's migrations have not run on it. */
    | 'not_migrated'
    /** runNow gave up waiting for a run that another process was to perform (distributed runner). */
    | 'wait_timeout';
  constructor(code: JobError['code'], message: string) {
    super(message);
    this.name = 'JobError';
    this.code = code;
  }
}

export function jobKey(integrationId: string, loop: string): string {
  return `${integrationId}/${loop}`;
}

/** Delay before retry number `retry` (1-based), without jitter. */
export function retryDelay(policy: RetryPolicy, retry: number): number {
  const factor = policy.retryBackoff ? 2 ** Math.max(0, retry - 1) : 1;
  return Math.min(policy.retryDelayMs * factor, policy.retryDelayMaxMs);
}
