/**
 * Runs a loop pass outside the job runner (the demo's first passes, `psa-bridge sync`) and records
 * it in the run history like a scheduled one, so every pass a person did not see happen is there
 * to read: its status, error and counters.
 */
import type { LoopStats } from '../jobs/job-runner.ts';
import { toRunError } from '../jobs/job-runner.ts';
import type { Store } from '../store/store.ts';
import type { LoopOutcome } from './loop-result.ts';

export async function runRecorded<O extends LoopOutcome>(
  store: Pick<Store, 'repos'>,
  integrationId: string,
  loop: string,
  trigger: string,
  pass: () => Promise<O>,
): Promise<O> {
  const run = await store.repos.loopRuns.start(integrationId, loop);
  try {
    const outcome = await pass();
    const stats: Record<string, unknown> = { ...(outcome.stats as LoopStats), _run: { trigger, attempt: 1, dryRun: outcome.dryRun } };
    await store.repos.loopRuns.finish(run.id, { status: 'succeeded', stats });
    return outcome;
  } catch (error) {
    const { code, message } = toRunError(error);
    await store.repos.loopRuns.finish(run.id, { status: 'failed', error: `${code}: ${message}`, stats: { _run: { trigger, attempt: 1, dryRun: false } } });
    throw error;
  }
}
