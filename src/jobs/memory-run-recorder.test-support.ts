// Test-only: keeps runs in memory, for the job runners' tests, the parity tests and the bench.
import type { LoopStats, RunError, RunRecorder, RunStatus } from './job-runner.ts';

/** A run as the runner announced it (`RunRecorder.started`), with what became of it. */
type StartedRun = Parameters<RunRecorder['started']>[0];
export interface RecordedRun extends StartedRun {
  id: string;
  finishedAt?: Date;
  status: RunStatus | 'running';
  stats?: LoopStats;
  error?: RunError;
}

export interface MemoryRunRecorder extends RunRecorder {
  runs: RecordedRun[];
}

export function createMemoryRunRecorder(): MemoryRunRecorder {
  const runs: RecordedRun[] = [];
  return {
    runs,
    async started(run) {
      const id = String(runs.length + 1);
      runs.push({ id, ...run, status: 'running' });
      return id;
    },
    async finished(runId, outcome) {
      const run = runs.find((r) => r.id === runId);
      if (!run) throw new Error(`No run ${runId}`);
      Object.assign(run, outcome);
    },
  };
}
