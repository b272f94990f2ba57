// The statements of job-table.ts rely on pg-boss's private schema. This checks, on the schema the
// installed pg-boss creates, that every table, column, function and job state they name exists (and
// that the states still sort created < retry < active, which `state < 'active'` relies on), so an
// upgrade that changes them fails here rather than in production.
import pg from 'pg';
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.ts';
import { PG_BOSS_COLUMNS_USED, PG_BOSS_STATES_USED, PgBossJobTable } from './job-table.ts';

const postgres = testDatabases().find((t) => t.name === 'postgres');

describe.skipIf(!postgres)("pg-boss's private schema, as job-table.ts uses it", () => {
  let cleanup: () => Promise<void>;
  let pool: pg.Pool;

  beforeAll(async () => {
    const opened = await postgres!.open();
    cleanup = opened.cleanup;
    const boss = new PgBoss({ connectionString: opened.url, schema: 'pgboss', supervise: false, schedule: false, migrate: true });
    await boss.start();
    await boss.stop({ graceful: false, close: true, wait: true });
    pool = new pg.Pool({ connectionString: opened.url });
  });

  afterAll(async () => {
    await pool?.end();
    await cleanup?.();
  });

  it.each(Object.entries(PG_BOSS_COLUMNS_USED))('table pgboss.%s has every column used', async (table, columns) => {
    const { rows } = await pool.query<{ column_name: string }>(
      `select column_name from information_schema.columns where table_schema = 'pgboss' and table_name = $1`,
      [table],
    );
    const present = new Set(rows.map((r) => r.column_name));
    expect(columns.filter((c) => !present.has(c))).toEqual([]);
  });

  it('has create_queue(name, options)', async () => {
    const { rows } = await pool.query<{ args: string }>(
      `select pg_get_function_identity_arguments(p.oid) as args from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'pgboss' and p.proname = 'create_queue'`,
    );
    expect(rows.map((r) => r.args)).toEqual(['queue_name text, options json']);
  });

  it('has the job states used, ordered created < retry < active', async () => {
    const { rows } = await pool.query<{ state: string }>(
      `select e.enumlabel as state from pg_enum e join pg_type t on t.oid = e.enumtypid join pg_namespace n on n.oid = t.typnamespace
        where n.nspname = 'pgboss' and t.typname = 'job_state' order by e.enumsortorder`,
    );
    const order = rows.map((r) => r.state);
    const positions = PG_BOSS_STATES_USED.map((s) => order.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('runs every statement against that schema', async () => {
    const jobs = new PgBossJobTable(pool, '"pgboss"');
    await jobs.createQueue('psa-bridge.schema-check', { policy: 'stately', retryLimit: 1, retryDelay: 1, retryBackoff: false, expireInSeconds: 60 });
    await jobs.createQueue('psa-bridge.schema-check', { policy: 'stately', retryLimit: 1, retryDelay: 1, retryBackoff: false, expireInSeconds: 60 });
    await pool.query(
      `insert into pgboss.job (name, data, singleton_key) values ('psa-bridge.schema-check', $1, 'i1/schema-check')`,
      [JSON.stringify({ integrationId: 'i1', loop: 'schema-check', dryRun: true, trigger: 'manual' })],
    );
    expect(await jobs.queued('psa-bridge.schema-check', 'i1/schema-check')).toMatchObject({ dryRun: true });
    expect(await jobs.isActive('psa-bridge.schema-check', 'i1/schema-check')).toBe(false);
    const fetched = await jobs.fetchNext(['psa-bridge.schema-check']);
    expect(fetched).toMatchObject({ name: 'psa-bridge.schema-check', data: { integrationId: 'i1' }, retryCount: 0 });
    expect(await jobs.isActive('psa-bridge.schema-check', 'i1/schema-check')).toBe(true);
    expect(await jobs.fetchNext(['psa-bridge.schema-check'])).toBeUndefined();
    expect(await jobs.retrying('psa-bridge.', 'i1', undefined)).toEqual([]);
    expect(await jobs.retryingExcept('psa-bridge.schema-check', 'i1/schema-check', fetched!.id)).toEqual([]);
  });
});
