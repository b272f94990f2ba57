// Records runs in the `loop_runs` table through the store's repository.
// The table has no columns for trigger, attempt and dry run yet, so they travel in `stats._run`.
import type { LoopRunsRepository } from '../store/repositories/loop-runs.ts';
import type { RunRecorder } from './job-runner.ts';

type LoopRunsPort = Pick<LoopRunsRepository, 'start' | 'finish' | 'closeInterrupted' | 'runningLoops'>;

export function createStoreRunRecorder(loopRuns: LoopRunsPort): RunRecorder {
  const runInfo = new Map<string, { trigger: string; attempt: number; dryRun: boolean }>();
  return {
    async started(run) {
      // One run per integration × loop at a time (both runners): a row still running is a dead process's.
      await loopRuns.closeInterrupted(run.integrationId, run.loop);
      const record = await loopRuns.start(run.integrationId, run.loop);
      runInfo.set(record.id, { trigger: run.trigger, attempt: run.attempt, dryRun: run.dryRun });
      return record.id;
    },
    async closeDead(whenDead) {
      let closed = 0;
      for (const { integrationId, loop } of await loopRuns.runningLoops()) {
        await whenDead(integrationId, loop, async () => {
          closed += await loopRuns.closeInterrupted(integrationId, loop);
        });
      }
      return closed;
    },
    async finished(runId, outcome) {
      const info = runInfo.get(runId);
      runInfo.delete(runId);
      await loopRuns.finish(runId, {
        status: outcome.status === 'ok' ? 'succeeded' : outcome.status,
        error: outcome.error ? `${outcome.error.code}: ${outcome.error.message}` : null,
        stats: info ? { ...outcome.stats, _run: info } : outcome.stats,
      });
    },
  };
}
