// "Map to a new tenant" through the hub as `serve` starts it (src/cli/hub-process.ts): the request
// answers "The mapping has been saved" at once, and the `mappings` job, registered with the job
// runner like the other loops (in-process on SQLite, pg-boss on PostgreSQL), creates the tenant and
// maps it; the run is recorded in loop_runs like any other.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../src/cli/hub-process.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { TEST_ADMIN } from '../support/hub.ts';
import { startSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';

describe.each(testDatabases())('the mapping job under the hub runner on $name', (db) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let hub: RunningHub;
  let world: SyncWorld;
  let dataDir: string;

  beforeEach(async () => {
    const opened = await openTestStore(db);
    ({ store, cleanup } = opened);
    dataDir = mkdtempSync(join(tmpdir(), 'psa-bridge-mapping-job-'));
    hub = await startHub({
      config: { databaseUrl: opened.url, dataDir, secretKey: undefined, host: '127.0.0.1', port: 0, logLevel: 'warn', admin: undefined, vendorHosts: { entries: ['127.0.0.1'] }, apiDocs: false, metrics: 'token', retention: { runHistoryDays: 90, auditDays: 400 }, journalLeaseMs: 300_000 },
      store,
      env: { PSA_BRIDGE_ADMIN_USER: TEST_ADMIN.username, PSA_BRIDGE_ADMIN_PASSWORD: TEST_ADMIN.password },
    });
    world = await startSyncWorld(store);
  });
  afterEach(async () => {
    await hub.stop();
    await world.close();
    await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers at once and the runner creates and maps the tenant', async () => {
    const id = world.integrationId;
    const login = await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(TEST_ADMIN) });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const headers = { cookie, 'x-requested-with': 'psa-bridge' };

    const directory = await hub.jobRunner.runNow(id, 'directory');
    expect(directory.status, directory.error?.message).toBe('ok');
    const company = (await store.repos.mappings.list(id, { state: 'not_mapped' }))[0]!;
    expect(company).toBeDefined();

    const saved = await fetch(`${hub.url}/api/v1/integrations/${id}/mappings/${encodeURIComponent(company.companyId)}/map-new`, { method: 'POST', headers });
    expect(saved.status, await saved.clone().text()).toBe(202);
    expect(await saved.json()).toMatchObject({ companyId: company.companyId, pending: true });

    // The job runs through the runner: its run is recorded, and it maps the company to a new tenant.
    const deadline = Date.now() + 30_000;
    let runs = await store.repos.loopRuns.list(id, { loop: 'mappings' });
    while (!runs.some((r) => r.status === 'succeeded') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      runs = await store.repos.loopRuns.list(id, { loop: 'mappings' });
    }
    expect(runs.map((r) => r.status)).toContain('succeeded');
    const mapped = (await store.repos.mappings.get(id, company.companyId))!;
    expect(mapped.state).toBe('mapped');
    expect(mapped.tenantId).not.toBeNull();
    expect(world.acronis.state.tenants.get(mapped.tenantId!)).toBeDefined();
  }, 60_000);
});
