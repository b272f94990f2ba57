import type { Progress } from './observe.ts';

/** A JSON-friendly summary a loop returns: counts of what it observed, planned and applied. */
export type LoopStats = Record<string, number | string | boolean | null>;

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
  /**
   * Plan entries an applied pass left out of `plan` (it keeps a sample, src/sync/plan-sample.ts);
   * absent when `plan` is whole, as in every dry run.
   */
  planOmitted?: number;
  /**
   * The problems the plan found, per company, for loops whose plan entries are changes only (usage):
   * a dry run lists them beside the changes, with the company and the service.
   */
  problems?: { companyId: string; companyName: string; problems: readonly { code: string; severity: string; message: string; context: Record<string, unknown> }[] }[];
}

/**
 * Runs `work` over `items` with at most `limit` at once, in order of start. When one fails, no
 * further item starts and the call rejects with that error only once the items already started
 * have settled: a failed pass must not leave writes running behind it, or the next pass (which
 * may start at once) would find a journal step half-done by a worker that is still writing and
 * repeat it (a second admin user, a second ticket).
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      try {
        signal?.throwIfAborted();
        const item = items[next++] as T;
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
