/**
 * Runs a loop pass outside the job runner (the demo's first passes, `psa-bridge sync`) and records
 * it in the run history like a scheduled one, so every pass a person did not see happen is there
 * to read: its status, error and counters. And, like a runner's pass, a real pass that changed the
 * integration's health is announced to the notification channels before this returns (or throws),
 * so a command that exits right after still sends it.
 */
import type { Store } from '../store/store.ts';
import type { HealthNotifier } from './health-notifier.ts';
import type { LoopOutcome, LoopStats } from './loop-result.ts';
import { toRunError } from './run-error.ts';

export async function runRecorded<O extends LoopOutcome>(
  store: Pick<Store, 'repos'>,
  integrationId: string,
  loop: string,
  trigger: string,
  pass: () => Promise<O>,
  notifier: Pick<HealthNotifier, 'afterPass'>,
): Promise<O> {
  const run = await store.repos.loopRuns.start(integrationId, loop);
  let outcome: O;
  try {
    outcome = await pass();
  } catch (error) {
    const { code, message } = toRunError(error);
    await store.repos.loopRuns.finish(run.id, { status: 'failed', error: `${code}: ${message}`, stats: { _run: { trigger, attempt: 1, dryRun: false } } });
    await notifier.afterPass({ integrationId, dryRun: false });
    throw error;
  }
  const stats: Record<string, unknown> = { ...(outcome.stats as LoopStats), _run: { trigger, attempt: 1, dryRun: outcome.dryRun } };
  await store.repos.loopRuns.finish(run.id, { status: 'succeeded', stats });
  await notifier.afterPass({ integrationId, dryRun: outcome.dryRun });
  return outcome;
}
