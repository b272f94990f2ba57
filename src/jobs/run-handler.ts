// How either job runner invokes a loop's handler and turns the outcome into a run status, so the
// in-process and pg-boss runners report stops, time-outs and failures the same way.
import type { Logger } from 'pino';
import { toRunError, type LoopContext, type LoopDefinition, type LoopStats, type RunError, type RunRecorder, type RunResult, type RunStatus } from './job-runner.ts';

/** Abort reason when the runner is stopping: the run is `cancelled`, not `failed`. */
export class StopAbort extends Error {
  readonly code = 'stopped';
  constructor() {
    super('The job runner is stopping');
    this.name = 'AbortError';
  }
}

/** Abort reason when a run outlives its limit (the loop's timeout, or the queue's expiry). */
export class TimeoutAbort extends Error {
  readonly code = 'timeout';
  constructor(ms: number, what = 'limit') {
    super(`The run took longer than its ${ms} ms ${what} and was aborted`);
    this.name = 'AbortError';
  }
}

export interface HandlerOutcome {
  status: RunStatus;
  stats: LoopStats;
  error?: RunError;
}

/** Runs the handler with the controller's signal; never throws. */
export async function invokeLoopHandler(
  def: Pick<LoopDefinition, 'handler'>,
  context: Omit<LoopContext, 'signal' | 'log'>,
  controller: AbortController,
  log: Logger,
): Promise<HandlerOutcome> {
  try {
    // Stopped while the start was being recorded: do not hand out an already aborted signal.
    controller.signal.throwIfAborted();
    return { status: 'ok', stats: (await def.handler({ ...context, signal: controller.signal, log })) ?? {} };
  } catch (err) {
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
    const outcome: HandlerOutcome =
      reason instanceof StopAbort
        ? { status: 'cancelled', stats: {}, error: toRunError(reason) }
        : { status: 'failed', stats: {}, error: toRunError(reason instanceof TimeoutAbort ? reason : err) };
    log.warn({ err, status: outcome.status }, `run ${outcome.status}: ${outcome.error!.message}`);
    return outcome;
  }
}

export type RunStart = Pick<RunResult, 'integrationId' | 'loop' | 'trigger' | 'attempt' | 'dryRun' | 'startedAt'>;

/** Records a run's start; a run whose start cannot be recorded still runs, without a run id. */
export async function recordRunStart(recorder: RunRecorder, run: RunStart, log: Logger): Promise<string | undefined> {
  try {
    return await recorder.started(run);
  } catch (err) {
    log.error({ err, integrationId: run.integrationId, loop: run.loop }, 'could not record the start of a run; running anyway');
    return undefined;
  }
}

/**
 * Records a run's end and tells the runner's listener; neither failing changes the run's result,
 * which is returned.
 */
export async function finishRun(
  recorder: RunRecorder,
  onRunFinished: ((result: RunResult) => void) | undefined,
  log: Logger,
  result: RunResult,
): Promise<RunResult> {
  const { runId, status, finishedAt, stats, error } = result;
  if (runId !== undefined) {
    try {
      await recorder.finished(runId, { status, finishedAt, stats, ...(error ? { error } : {}) });
    } catch (err) {
      log.error({ err }, 'could not record the end of a run');
    }
  }
  try {
    onRunFinished?.(result);
  } catch (err) {
    log.error({ err }, 'onRunFinished failed');
  }
  return result;
}
