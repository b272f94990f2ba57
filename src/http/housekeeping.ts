// What the hub prunes on a timer so its tables stay small: expired sessions, old failed-login
// counts, journal entries done long enough ago that no plan can propose their key again
// (Journal.prune, 30 days), and the run history and audit trail past their retention
// (PSA_BRIDGE_RUN_HISTORY_DAYS, PSA_BRIDGE_AUDIT_DAYS; 0 keeps them forever). Pending and failed
// journal entries are never pruned: they are work. A run still `running` is never pruned either.
import type { FastifyBaseLogger } from 'fastify';
import type { Retention } from '../config/config.ts';
import type { Store } from '../store/store.ts';
import { Journal } from '../sync/journal.ts';
import { isoAt, systemClock, type Clock } from '../store/columns.ts';

export interface Housekeeping {
  /** Prunes once; each part on its own, so one failing does not stop the others. */
  run(): Promise<void>;
}

export const DEFAULT_RETENTION: Retention = { runHistoryDays: 90, auditDays: 400 };
const DAY_MS = 24 * 60 * 60_000;

export function createHousekeeping(options: {
  store: Store;
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>;
  pruneThrottle: () => Promise<unknown>;
  clock?: Clock;
  retention?: Retention;
}): Housekeeping {
  const { store, log } = options;
  const clock = options.clock ?? systemClock;
  const retention = options.retention ?? DEFAULT_RETENTION;
  const journal = new Journal(store.repos.journal, { clock });
  const part = (what: string, work: () => Promise<number>): Promise<void> =>
    work().then(
      (pruned) => {
        if (pruned > 0) log.info({ pruned }, `pruned ${what}`);
      },
      (err: unknown) => log.warn({ err }, `could not prune ${what}`),
    );
  const olderThanDays = (days: number): string => isoAt(clock, -days * DAY_MS);
  return {
    run: async () => {
      await Promise.all([
        store.repos.sessions.deleteExpired().catch((err: unknown) => log.warn({ err }, 'could not prune expired sessions')),
        options.pruneThrottle().catch((err: unknown) => log.warn({ err }, 'could not prune old failed-login counts')),
        part('journal entries done more than 30 days ago', () => journal.prune()),
        retention.runHistoryDays > 0
          ? part(`loop runs older than ${retention.runHistoryDays} days`, () => store.repos.loopRuns.pruneOlderThan(olderThanDays(retention.runHistoryDays)))
          : undefined,
        retention.auditDays > 0 ? part(`audit entries older than ${retention.auditDays} days`, () => store.repos.auditLog.pruneOlderThan(olderThanDays(retention.auditDays))) : undefined,
      ]);
    },
  };
}
