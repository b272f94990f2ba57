/**
 * The port through which sync asks for a loop pass it does not run itself: a callback that wants
 * the directory read again, a "new tenant" request that wants the `mappings` job to finish it.
 * Owned here, implemented by the job runners (src/jobs: the in-process one and the pg-boss one
 * satisfy it as they are), so sync never imports the jobs layer: dependencies point inward.
 *
 * The runner's rules are what callers rely on: at most one run of (integration, loop) at a time,
 * and a request made while one runs is served by exactly one follow-up run that starts after it,
 * shared by every request made meanwhile (so a burst of requests costs one more pass, not many).
 */
import type { LoopStats } from './loop-result.ts';
import type { RunError } from './run-error.ts';

export type QueuedRunStatus = 'ok' | 'failed' | 'cancelled';

/** How a requested run ended (the job runner's RunResult is one). */
export interface QueuedRun {
  status: QueuedRunStatus;
  stats: LoopStats;
  error?: RunError;
}

export interface LoopQueue {
  /** Runs `loop` of the integration now, or right after its running pass, and resolves with how it ended. */
  runNow(integrationId: string, loop: string): Promise<QueuedRun>;
}
