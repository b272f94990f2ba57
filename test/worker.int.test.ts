// `psa-bridge worker` as an operator starts it: against PostgreSQL it runs and announces itself;
// against SQLite it refuses with a message saying what to do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from './support/cli.ts';
import { testDatabases } from './support/databases.ts';

const postgres = testDatabases().find((t) => t.name === 'postgres');

describe('psa-bridge worker', () => {
  it('refuses to run on SQLite and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'psa-bridge-worker-'));
    try {
      const result = await runCli(['worker'], { DATABASE_URL: `sqlite:${join(dir, 'hub.db')}`, PSA_BRIDGE_DATA_DIR: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'psa-bridge worker needs PostgreSQL: set DATABASE_URL=postgres://…; with SQLite, serve runs the loops itself',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!postgres)('runs against PostgreSQL, installs the job tables, and stops on SIGTERM', async () => {
    const { url, cleanup } = await postgres!.open();
    const dir = mkdtempSync(join(tmpdir(), 'psa-bridge-worker-'));
    try {
      const worker = await startCli(['worker', '--concurrency', '2'], {
        DATABASE_URL: url,
        PSA_BRIDGE_DATA_DIR: dir,
        PSA_BRIDGE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      });
      expect(worker.firstLine).toMatchObject({ worker: expect.stringMatching(/:\d+$/), database: expect.any(String), concurrency: 2 });
      expect(String(worker.firstLine.database)).not.toMatch(/password/);

      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        const { rows } = await db.query(`select to_regclass('pgboss.psa_bridge_schedule')::text as schedule, to_regclass('pgboss.job')::text as job`);
        expect(rows[0]).toEqual({ schedule: 'pgboss.psa_bridge_schedule', job: 'pgboss.job' });
        // The worker runs the same loops as serve: each has its queue.
        const queues = (await db.query<{ name: string }>(`select name from pgboss.queue order by name`)).rows.map((r) => r.name);
        for (const loop of ['directory', 'provisioning', 'usage', 'alerts', 'tickets', 'mappings']) expect(queues).toContain(`psa-bridge.${loop}`);
      } finally {
        await db.end();
      }
      expect(await worker.stop()).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await cleanup();
    }
  });
});
