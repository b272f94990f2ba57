// A session advisory lock on a job's key, held on a connection of its own for the whole run.
// pg-boss expires an active job after `expireInSeconds` and retries it; a handler that is still
// running then (a hung worker that ignored its abort signal) keeps the lock, and the retry waits for
// it. A crashed process drops its connection and with it the lock.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger } from 'pino';

export interface HeldRunLock {
  /** Releases the lock exactly once; `destroy` drops the connection instead (the process is going away). */
  release(destroy: boolean): void;
}

export class RunLocks {
  private readonly watched = new WeakSet<pg.PoolClient>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
    private readonly pollIntervalMs: number,
  ) {}

  /**
   * Whether nobody holds the lock of `key`: the run of an active job whose lock is free has no live
   * worker (a killed process, or one that lost its database connection, drops the lock with it).
   */
  async isFree(key: string): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as locked', [key]);
      if (rows[0]?.locked) await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      client.release();
      return rows[0]?.locked === true;
    } catch (err) {
      client.release(err instanceof Error ? err : true);
      throw err;
    }
  }

  /**
   * Runs `work` while holding the lock of `key` when nobody else holds it (a dead run's key), so no
   * run of that key can start meanwhile; answers whether it ran.
   */
  async whileFree(key: string, work: () => Promise<void>): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as locked', [key]);
      if (rows[0]?.locked !== true) {
        client.release();
        return false;
      }
      try {
        await work();
      } finally {
        await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      }
      client.release();
      return true;
    } catch (err) {
      client.release(err instanceof Error ? err : true);
      throw err;
    }
  }

  /**
   * Takes the lock of `key`; waits while a previous run still holds it, until aborted or `maxWaitMs`
   * passed (then undefined). `onLost` is called when the lock's connection fails while held: the
   * lock is gone, another worker may take the job over, so the run must stop.
   */
  async acquire(key: string, signal: AbortSignal, maxWaitMs: number, onLost?: () => void): Promise<HeldRunLock | undefined> {
    const client = await this.pool.connect();
    // A dropped connection (database restarted) must not crash the process; the run goes on.
    if (!this.watched.has(client)) {
      this.watched.add(client);
      client.on('error', (err) => this.log.warn({ err }, 'a connection holding a job lock failed'));
    }
    const until = Date.now() + maxWaitMs;
    try {
      for (;;) {
        const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as locked', [key]);
        if (rows[0]?.locked) {
          const lost = (): void => onLost?.();
          client.once('error', lost);
          return held(client, key, () => client.off('error', lost));
        }
        if (signal.aborted || Date.now() > until) break;
        this.log.warn({ key }, 'a previous run of this job still holds its lock; waiting');
        await sleep(this.pollIntervalMs);
      }
    } catch (err) {
      client.release(err instanceof Error ? err : true);
      throw err;
    }
    client.release();
    return undefined;
  }
}

function held(client: pg.PoolClient, key: string, forget: () => void): HeldRunLock {
  let released = false;
  return {
    release(destroy) {
      if (released) return;
      released = true;
      forget();
      if (destroy) client.release(true);
      else
        void client
          .query('select pg_advisory_unlock(hashtextextended($1, 0))', [key])
          .then(() => client.release(), (err: unknown) => client.release(err instanceof Error ? err : true));
    },
  };
}
