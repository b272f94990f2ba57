import type { LoopStats } from '../jobs/job-runner.ts';
import type { Progress } from './observe.ts';

/** How a loop is run: by the job runner, the CLI or a test. */
export interface LoopRunOptions {
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Ignore the cursors and read everything (the periodic full pass runs on its own schedule). */
  full?: boolean;
  progress?: Progress;
}

/** What a loop returns: its counts, and in a dry run the plan a person reads. */
export interface LoopOutcome<P = unknown> {
  loop: string;
  dryRun: boolean;
  stats: LoopStats;
  /** The planned changes (always filled; in a dry run nothing of it was applied). */
  plan: P[];
}

/** Runs `work` over `items` with at most `limit` at once, in order of start. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
