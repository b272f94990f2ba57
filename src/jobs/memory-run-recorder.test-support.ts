// Test-only: keeps runs in memory, for the job runners' tests, the parity tests and the bench.
import type { LoopStats, RunError, RunRecorder, RunStatus, RunTrigger } from './job-runner.ts';

export interface RecordedRun {
  id: string;
  integrationId: string;
  loop: string;
  trigger: RunTrigger;
  attempt: number;
  dryRun: boolean;
  startedAt: Date;
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
