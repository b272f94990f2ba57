// What a finished run leaves in its pg-boss job's `output`, so the process that asked for the run
// (runNow, possibly in another process) reads the result back from the database.
import type { RunResult } from '../job-runner.ts';

/** Dates as ISO text; `psaBridgeRun` tells our output from anything else a job may carry. */
export interface StoredResult extends Omit<RunResult, 'runId' | 'startedAt' | 'finishedAt' | 'nextRetryAt' | 'coalesced'> {
  psaBridgeRun: 1;
  runId: string | null;
  startedAt: string;
  finishedAt: string;
}

export function isStoredResult(value: unknown): value is StoredResult {
  return typeof value === 'object' && value !== null && (value as { psaBridgeRun?: unknown }).psaBridgeRun === 1;
}

export function toStored(result: RunResult): StoredResult {
  return {
    psaBridgeRun: 1,
    runId: result.runId ?? null,
    integrationId: result.integrationId,
    loop: result.loop,
    trigger: result.trigger,
    attempt: result.attempt,
    dryRun: result.dryRun,
    status: result.status,
    startedAt: result.startedAt.toISOString(),
    finishedAt: result.finishedAt.toISOString(),
    stats: result.stats,
    ...(result.error ? { error: result.error } : {}),
  };
}

export function fromStored(stored: StoredResult, nextRetryAt: Date | undefined): RunResult {
  return {
    runId: stored.runId ?? undefined,
    integrationId: stored.integrationId,
    loop: stored.loop,
    trigger: stored.trigger,
    attempt: stored.attempt,
    dryRun: stored.dryRun,
    status: stored.status,
    startedAt: new Date(stored.startedAt),
    finishedAt: new Date(stored.finishedAt),
    stats: stored.stats,
    ...(stored.error ? { error: stored.error } : {}),
    ...(nextRetryAt ? { nextRetryAt } : {}),
    coalesced: false,
  };
}
