// Every statement this hub runs on pg-boss's own tables (`<schema>.job`, `<schema>.queue`) and
// functions (`create_queue`), in one place: they are pg-boss 10's private schema, not its API, so
// an upgrade that changes them must break here and in job-table.int.test.ts, nowhere else.
//
// Why not pg-boss's API for these:
// - fetching: pg-boss 10's `fetch` takes the oldest job of a queue and, when its key is already
//   active, the `stately` unique index fails the whole fetch, so one integration's queued follow-up
//   would block every other integration of that loop. The statement here skips keys that are active;
//   the index still settles races between workers;
// - lookups by singleton key and state (is it running, is a run queued, pending retries) have no API;
// - creating a queue: pg-boss 10's create_queue creates and attaches a partition; two processes doing
//   it at once for the same queue deadlock, so creators take turns on an advisory lock.
import type pg from 'pg';
import type { RunTrigger } from '../job-runner.ts';

/** What a job of ours carries in pg-boss's `data`. */
export interface JobData {
  integrationId: string;
  loop: string;
  dryRun: boolean;
  trigger: RunTrigger;
}

export interface FetchedJob {
  id: string;
  name: string;
  data: JobData;
  retryCount: number;
  expireInSeconds: number;
}

/** The queue options create_queue stores (pg-boss's names). */
export interface QueueOptions {
  policy: 'stately';
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  expireInSeconds: number;
}

export const UNIQUE_VIOLATION = '23505';

/** The tables and columns of pg-boss's schema the statements below rely on (checked by job-table.int.test.ts). */
export const PG_BOSS_COLUMNS_USED = {
  job: ['id', 'name', 'state', 'singleton_key', 'data', 'start_after', 'priority', 'created_on', 'started_on', 'retry_count', 'expire_in'],
  queue: ['name'],
} as const;

/** The pg-boss job states the statements below name. */
export const PG_BOSS_STATES_USED = ['created', 'retry', 'active'] as const;

export class PgBossJobTable {
  /** `schema` is quoted already (QUOTED_SCHEMA in runner.ts). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  async isActive(name: string, key: string): Promise<boolean> {
    const { rows } = await this.pool.query(
      `select 1 from ${this.schema}.job where name = $1 and singleton_key = $2 and state = 'active' limit 1`,
      [name, key],
    );
    return rows.length > 0;
  }

  /** Whether any job of these queues could start now but waits for a free slot (same test as `fetchNext`). */
  async anyWaiting(names: readonly string[]): Promise<boolean> {
    const { rows } = await this.pool.query(
      `select 1 from ${this.schema}.job j
        where j.name = any($1::text[]) and j.state < 'active' and j.start_after < now()
          and not exists (
            select 1 from ${this.schema}.job a
             where a.name = j.name and a.singleton_key = j.singleton_key and a.state = 'active')
        limit 1`,
      [names],
    );
    return rows.length > 0;
  }

  /** The run of this key waiting to start, if one is queued. */
  async queued(name: string, key: string): Promise<{ id: string; dryRun: boolean } | undefined> {
    const { rows } = await this.pool.query<{ id: string; dry_run: boolean }>(
      `select id, (data->>'dryRun')::boolean as dry_run from ${this.schema}.job
        where name = $1 and singleton_key = $2 and state = 'created' limit 1`,
      [name, key],
    );
    const row = rows[0];
    return row === undefined ? undefined : { id: row.id, dryRun: row.dry_run };
  }

  /** Jobs of an integration (one loop, or all) waiting for a retry, among the queues named `<prefix>…`. */
  async retrying(queuePrefix: string, integrationId: string, loop: string | undefined): Promise<Array<{ id: string; name: string }>> {
    const { rows } = await this.pool.query<{ id: string; name: string }>(
      `select id, name from ${this.schema}.job
        where name like $1 and state = 'retry' and data->>'integrationId' = $2 and ($3::text is null or data->>'loop' = $3)`,
      [`${queuePrefix}%`, integrationId, loop ?? null],
    );
    return rows;
  }

  /** Other jobs of this key waiting for a retry (a new run makes them void). */
  async retryingExcept(name: string, key: string, jobId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `select id from ${this.schema}.job where name = $1 and singleton_key = $2 and state = 'retry' and id <> $3`,
      [name, key, jobId],
    );
    return rows.map((r) => r.id);
  }

  /** Active jobs of these queues started more than `graceSeconds` ago (candidates for a dead worker's run). */
  async activeOlderThan(names: readonly string[], graceSeconds: number): Promise<Array<{ id: string; name: string; key: string }>> {
    const { rows } = await this.pool.query<{ id: string; name: string; key: string }>(
      `select id, name, singleton_key as key from ${this.schema}.job
        where name = any($1::text[]) and state = 'active' and started_on < now() - make_interval(secs => $2)`,
      [names, graceSeconds],
    );
    return rows;
  }

  /** A job failed because its worker died is retried at once: the dead run had no chance to finish. */
  async retryNow(name: string, id: string): Promise<void> {
    await this.pool.query(`update ${this.schema}.job set start_after = now() where name = $1 and id = $2 and state = 'retry'`, [name, id]);
  }

  /** Activates the next job of these queues whose key is not active; undefined when there is none (or a race was lost). */
  async fetchNext(names: readonly string[]): Promise<FetchedJob | undefined> {
    try {
      const { rows } = await this.pool.query<{ id: string; name: string; data: JobData; retry_count: number; expire_seconds: number }>(
        `with next as (
           select j.id, j.name from ${this.schema}.job j
            where j.name = any($1::text[]) and j.state < 'active' and j.start_after < now()
              and not exists (
                select 1 from ${this.schema}.job a
                 where a.name = j.name and a.singleton_key = j.singleton_key and a.state = 'active')
            order by j.priority desc, j.created_on, j.id
            limit 1
            for update skip locked
         )
         update ${this.schema}.job j set
           state = 'active',
           started_on = now(),
           retry_count = case when j.started_on is not null then j.retry_count + 1 else j.retry_count end
         from next
         where j.name = next.name and j.id = next.id
         returning j.id, j.name, j.data, j.retry_count, extract(epoch from j.expire_in)::int as expire_seconds`,
        [names],
      );
      const row = rows[0];
      if (!row) return undefined;
      return { id: row.id, name: row.name, data: row.data, retryCount: row.retry_count, expireInSeconds: row.expire_seconds };
    } catch (err) {
      // Another worker activated a job of the same key at the same moment: the unique index said no.
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return undefined;
      throw err;
    }
  }

  /** Creates the queue unless it exists, one creator at a time. */
  async createQueue(name: string, options: QueueOptions): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query(`select pg_advisory_xact_lock(hashtextextended('psa-bridge.create-queue', 0))`);
      const { rows } = await client.query(`select 1 from ${this.schema}.queue where name = $1`, [name]);
      if (rows.length === 0) await client.query(`select ${this.schema}.create_queue($1, $2)`, [name, JSON.stringify(options)]);
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}
