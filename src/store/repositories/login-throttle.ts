import { PostgresAdapter, type Kysely } from 'kysely';
import type { Schema } from '../schema.ts';

/**
 * Failed-login counts (migration 0009), keyed by a hash of (username, client address). `update`
 * reads and writes one key as a single serialised step (a row lock on PostgreSQL; SQLite has one
 * writer and the transaction holds it), so concurrent logins for the same key queue behind each
 * other instead of all reading the same count. Typed here, with its only user.
 */

export interface ThrottleEntry {
  failures: number;
  /** Epoch ms; 0 when not locked. */
  lockedUntil: number;
  lastAttemptAt: number;
}


const iso = (ms: number): string => new Date(ms).toISOString();

export class LoginThrottleRepository {
  private readonly db: Kysely<Schema>;
  private readonly postgres: boolean;

  constructor(db: Kysely<Schema>) {
    this.db = db;
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /**
   * Applies `decide` to the recorded entry of `key` atomically; when it returns an entry, that is
   * stored. Returns what `decide` returned.
   */
  async update<D extends { entry?: ThrottleEntry }>(key: string, decide: (recorded: ThrottleEntry | undefined) => D): Promise<D> {
    return this.db.transaction().execute(async (trx) => {
      // A row to lock even for a first attempt; a fresh one reads as "nothing recorded".
      await trx
        .insertInto('login_throttle')
        .values({ key, failures: 0, locked_until: iso(0), last_attempt_at: iso(0) })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      let query = trx.selectFrom('login_throttle').selectAll().where('key', '=', key);
      if (this.postgres) query = query.forUpdate();
      const row = await query.executeTakeFirstOrThrow();
      const recorded: ThrottleEntry | undefined =
        row.failures === 0 ? undefined : { failures: row.failures, lockedUntil: Date.parse(row.locked_until), lastAttemptAt: Date.parse(row.last_attempt_at) };
      const decision = decide(recorded);
      if (decision.entry !== undefined) {
        await trx
          .updateTable('login_throttle')
          .set({ failures: decision.entry.failures, locked_until: iso(decision.entry.lockedUntil), last_attempt_at: iso(decision.entry.lastAttemptAt) })
          .where('key', '=', key)
          .execute();
      }
      return decision;
    });
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('key', '=', key).execute();
  }

  /** Deletes entries whose last attempt is older than `epochMs`; returns how many. */
  async deleteIdleSince(epochMs: number): Promise<number> {
    const result = await this.db.deleteFrom('login_throttle').where('last_attempt_at', '<', iso(epochMs)).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
