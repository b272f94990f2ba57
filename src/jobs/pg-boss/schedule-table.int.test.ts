// The distributed runner's schedule table is the store's migration 0018, not something the runner
// makes at start-up: a migrated database has it in pg-boss's schema (before pg-boss ever ran there),
// a database whose older runner made it keeps its rows through the migration, and a runner pointed at
// a database nobody migrated refuses to start, saying what to run.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openMigratedDatabase, testDatabases } from '../../../test/support/databases.ts';
import { openStore } from '../../store/store.ts';
import { JOB_SCHEDULE_TABLE, JOB_SCHEMA } from '../../store/job-schema.ts';
import { createMemoryRunRecorder } from '../memory-run-recorder.test-support.ts';
import { createPgBossJobRunner } from './runner.ts';

const postgres = testDatabases().find((t) => t.name === 'postgres');
const TEST_KEY = Buffer.alloc(32, 7);

describe.skipIf(!postgres)('the job schedule table (migration 0018)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function query<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  it('is made by the migrations in pg-boss’s schema, with the columns the runner uses, before pg-boss has run', async () => {
    const { url, cleanup } = await openMigratedDatabase(postgres!);
    cleanups.push(cleanup);
    const columns = await query<{ column_name: string; data_type: string }>(
      url,
      `select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position`,
      [JOB_SCHEMA, JOB_SCHEDULE_TABLE],
    );
    expect(columns).toEqual([
      { column_name: 'integration_id', data_type: 'text' },
      { column_name: 'loop', data_type: 'text' },
      { column_name: 'every', data_type: 'jsonb' },
      { column_name: 'next_run_at', data_type: 'timestamp with time zone' },
    ]);
    // pg-boss has not been installed yet: its tables come when a runner starts, into the same schema.
    expect((await query<{ job: string | null }>(url, `select to_regclass('${JOB_SCHEMA}.job')::text as job`))[0]?.job).toBeNull();
    const runner = createPgBossJobRunner({ connectionString: url, recorder: createMemoryRunRecorder(), work: false });
    runner.register({ name: 'directory', handler: async () => ({}) });
    await runner.start();
    try {
      await runner.schedule({ integrationId: 'i1', loop: 'directory', every: { intervalMs: 60_000 } });
      expect(await runner.schedules()).toEqual([{ integrationId: 'i1', loop: 'directory', every: { intervalMs: 60_000 } }]);
    } finally {
      await runner.stop();
    }
  });

  it('keeps the schedules an older runner stored in the table it made itself', async () => {
    const { url, cleanup } = await postgres!.open();
    cleanups.push(cleanup);
    // What a runner before 0018 left: the table it created at start-up, with a schedule in it.
    await query(url, `create schema ${JOB_SCHEMA}`);
    await query(url, `create table ${JOB_SCHEMA}.${JOB_SCHEDULE_TABLE} (integration_id text not null, loop text not null, every jsonb not null, next_run_at timestamptz not null, primary key (integration_id, loop))`);
    await query(url, `insert into ${JOB_SCHEMA}.${JOB_SCHEDULE_TABLE} values ('i1', 'usage', '{"intervalMs":3600000}', now())`);
    await (await openStore({ url, secretKey: TEST_KEY })).close();
    expect(await query(url, `select integration_id, loop, every from ${JOB_SCHEMA}.${JOB_SCHEDULE_TABLE}`)).toEqual([{ integration_id: 'i1', loop: 'usage', every: { intervalMs: 3_600_000 } }]);
  });

  it('a runner on a database that was never migrated refuses to start and says to migrate', async () => {
    const { url, cleanup } = await postgres!.open();
    cleanups.push(cleanup);
    const runner = createPgBossJobRunner({ connectionString: url, recorder: createMemoryRunRecorder(), work: false });
    await expect(runner.start()).rejects.toMatchObject({ code: 'not_migrated', message: expect.stringContaining('psa-bridge migrate') });
    await runner.stop();
  });
});
