// The schedules of the distributed runner: one row per (integration, loop) with its cadence and the
// next time it is due (pg-boss 10's own cron allows one schedule per queue). Every worker claims due
// rows with FOR UPDATE SKIP LOCKED, so each tick is enqueued once; cron is evaluated against the
// database's clock.
import type pg from 'pg';
import { nextCronTime, parseCron } from '../cron.ts';
import type { Cadence } from '../job-runner.ts';
import { UNIQUE_VIOLATION } from './job-table.ts';

export interface DueSchedule {
  integrationId: string;
  loop: string;
}

const CONCURRENT_CREATE_CODES = new Set([UNIQUE_VIOLATION, '42710', '42P07']);

export class ScheduleTable {
  /** `schema` is quoted already (see quoteIdent in runner.ts). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  async ensure(): Promise<void> {
    await this.pool
      .query(
        `create table if not exists ${this.schema}.psa_bridge_schedule (
           integration_id text not null,
           loop text not null,
           every jsonb not null,
           next_run_at timestamptz not null,
           primary key (integration_id, loop)
         )`,
      )
      .catch((err: unknown) => {
        // Two processes creating it at once: the loser sees a duplicate key (23505), type (42710) or
        // table (42P07); in every case the table exists.
        if (!CONCURRENT_CREATE_CODES.has((err as { code?: string }).code ?? '')) throw err;
      });
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
      `select next_run_at, now() as now from ${this.schema}.psa_bridge_schedule where integration_id = $1 and loop = $2`,
      [integrationId, loop],
    );
    const row = rows[0];
    return row === undefined ? null : new Date(Date.now() + (row.next_run_at.getTime() - row.now.getTime()));
  }

  async upsert(integrationId: string, loop: string, every: Cadence, nextRunAt: Date): Promise<void> {
    await this.pool.query(
      `insert into ${this.schema}.psa_bridge_schedule (integration_id, loop, every, next_run_at)
       values ($1, $2, $3, $4)
       on conflict (integration_id, loop) do update set every = excluded.every, next_run_at = excluded.next_run_at`,
      [integrationId, loop, JSON.stringify(every), nextRunAt],
    );
  }

  async delete(integrationId: string, loop: string | undefined): Promise<void> {
    await this.pool.query(
      `delete from ${this.schema}.psa_bridge_schedule where integration_id = $1 and ($2::text is null or loop = $2)`,
      [integrationId, loop ?? null],
    );
  }

  async list(): Promise<Array<{ integrationId: string; loop: string; every: Cadence }>> {
    const { rows } = await this.pool.query<{ integration_id: string; loop: string; every: Cadence }>(
      `select integration_id, loop, every from ${this.schema}.psa_bridge_schedule order by integration_id, loop`,
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
        `select integration_id, loop, every, next_run_at, now() as now from ${this.schema}.psa_bridge_schedule
          where next_run_at <= now() and loop = any($1::text[])
          order by next_run_at limit 100
          for update skip locked`,
        [loops],
      );
      for (const row of rows) {
        await client.query(
          `update ${this.schema}.psa_bridge_schedule set next_run_at = $3 where integration_id = $1 and loop = $2`,
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
