// The schedules of the distributed runner: one row per (integration, loop) with its cadence and the
// next time it is due (pg-boss 10's own cron allows one schedule per queue). Every worker claims due
// rows with FOR UPDATE SKIP LOCKED, so each tick is enqueued once; cron is evaluated against the
// database's clock. The table is the store's migration 0018 (src/store/migrations/0018_job_schedules.ts).
import type pg from 'pg';
import { nextCronTime, parseCron } from '../cron.ts';
import { JobError, type Cadence } from '../job-runner.ts';
import { JOB_SCHEDULE_TABLE } from '../../store/job-schema.ts';

export interface DueSchedule {
  integrationId: string;
  loop: string;
}

export class ScheduleTable {
  /** `schema` is quoted already (QUOTED_SCHEMA in runner.ts). */
  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.table = `${schema}.${JOB_SCHEDULE_TABLE}`;
  }

  private readonly table: string;

  /** Refuses to start on a database the store's migrations have not brought to 0018, saying what to do. */
  async check(): Promise<void> {
    const { rows } = await this.pool.query<{ found: string | null }>(`select to_regclass($1) as found`, [this.table]);
    if (rows[0]?.found == null) {
      throw new JobError('not_migrated', `The job schedule table ${this.table} is missing: this database has not been migrated (run psa-bridge migrate, or start psa-bridge serve once)`);
    }
  }

  /** The database's clock, which cron and first-run spreading are computed against. */
  async now(): Promise<Date> {
    const { rows } = await this.pool.query<{ now: Date }>('select now() as now');
    return rows[0]!.now;
  }

  /**
   * When the job's next scheduled run is due, on this process's clock (the database's time less its
   * offset from ours, so a skewed clock does not move it); null when the job is not scheduled.
   */
  async nextRunAt(integrationId: string, loop: string): Promise<Date | null> {
    const { rows } = await this.pool.query<{ next_run_at: Date; now: Date }>(
      `select next_run_at, now() as now from ${this.table} where integration_id = $1 and loop = $2`,
      [integrationId, loop],
    );
    const row = rows[0];
    return row === undefined ? null : new Date(Date.now() + (row.next_run_at.getTime() - row.now.getTime()));
  }

  async upsert(integrationId: string, loop: string, every: Cadence, nextRunAt: Date): Promise<void> {
    await this.pool.query(
      `insert into ${this.table} (integration_id, loop, every, next_run_at)
       values ($1, $2, $3, $4)
       on conflict (integration_id, loop) do update set every = excluded.every, next_run_at = excluded.next_run_at`,
      [integrationId, loop, JSON.stringify(every), nextRunAt],
    );
  }

  async delete(integrationId: string, loop: string | undefined): Promise<void> {
    await this.pool.query(
      `delete from ${this.table} where integration_id = $1 and ($2::text is null or loop = $2)`,
      [integrationId, loop ?? null],
    );
  }

  async list(): Promise<Array<{ integrationId: string; loop: string; every: Cadence }>> {
    const { rows } = await this.pool.query<{ integration_id: string; loop: string; every: Cadence }>(
      `select integration_id, loop, every from ${this.table} order by integration_id, loop`,
    );
    return rows.map((r) => ({ integrationId: r.integration_id, loop: r.loop, every: r.every }));
  }

  /** Takes up to 100 due schedules of these loops and moves each to its next time, in one transaction. */
  async claimDue(loops: readonly string[]): Promise<DueSchedule[]> {
    const due: DueSchedule[] = [];
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ integration_id: string; loop: string; every: Cadence; next_run_at: Date; now: Date }>(
        `select integration_id, loop, every, next_run_at, now() as now from ${this.table}
          where next_run_at <= now() and loop = any($1::text[])
          order by next_run_at limit 100
          for update skip locked`,
        [loops],
      );
      for (const row of rows) {
        await client.query(
          `update ${this.table} set next_run_at = $3 where integration_id = $1 and loop = $2`,
          [row.integration_id, row.loop, nextRun(row.every, row.next_run_at, row.now)],
        );
        due.push({ integrationId: row.integration_id, loop: row.loop });
      }
      await client.query('commit');
      return due;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}

/** Keeps an interval's cadence (skipping ticks missed while no worker ran); cron from the database's now. */
export function nextRun(every: Cadence, previous: Date, now: Date): Date {
  if ('cron' in every) return nextCronTime(parseCron(every.cron), now);
  const missed = Math.floor((now.getTime() - previous.getTime()) / every.intervalMs) + 1;
  return new Date(previous.getTime() + missed * every.intervalMs);
}
