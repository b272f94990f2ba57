// What the hub prunes on a timer so its tables stay small: expired sessions, old failed-login
// counts, and journal entries done long enough ago that no plan can propose their key again
// (Journal.prune, 30 days). Pending and failed journal entries are never pruned: they are work.
import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../store/store.ts';
import { Journal } from '../sync/journal.ts';
import type { Clock } from '../store/columns.ts';

export interface Housekeeping {
  /** Prunes once; each part on its own, so one failing does not stop the others. */
  run(): Promise<void>;
}

export function createHousekeeping(options: { store: Store; log: Pick<FastifyBaseLogger, 'info' | 'warn'>; pruneThrottle: () => Promise<unknown>; clock?: Clock }): Housekeeping {
  const { store, log } = options;
  const journal = new Journal(store.repos.journal, options.clock ? { clock: options.clock } : {});
  return {
    run: async () => {
      await Promise.all([
        store.repos.sessions.deleteExpired().catch((err: unknown) => log.warn({ err }, 'could not prune expired sessions')),
        options.pruneThrottle().catch((err: unknown) => log.warn({ err }, 'could not prune old failed-login counts')),
        journal.prune().then(
          (pruned) => {
            if (pruned > 0) log.info({ pruned }, 'pruned journal entries done more than 30 days ago');
          },
          (err: unknown) => log.warn({ err }, 'could not prune old journal entries'),
        ),
      ]);
    },
  };
}
