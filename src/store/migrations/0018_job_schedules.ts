import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { JOB_SCHEDULE_TABLE, JOB_SCHEMA } from '../job-schema.ts';

/**
 * The distributed runner's schedule table (PostgreSQL only: SQLite deployments run the in-process
 * runner, whose schedules are timers). Until now the pg-boss runner created it at start-up; a
 * migration makes it part of the schema every process agrees on, applied once under the migrator's
 * lock instead of raced by every worker. Beside pg-boss's tables, in its schema (src/store/job-schema.ts
 * says why that schema is fixed); the schema is created here when pg-boss has not run yet (pg-boss
 * creates its tables in an existing schema as well). `if not exists`: a database whose runner already
 * made the table keeps it and its rows.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`create schema if not exists ${sql.id(JOB_SCHEMA)}`.execute(db);
  await sql`
    create table if not exists ${sql.id(JOB_SCHEMA, JOB_SCHEDULE_TABLE)} (
      integration_id text not null,
      loop text not null,
      every jsonb not null,
      next_run_at timestamptz not null,
      primary key (integration_id, loop)
    )`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop table if exists ${sql.id(JOB_SCHEMA, JOB_SCHEDULE_TABLE)}`.execute(db);
}
