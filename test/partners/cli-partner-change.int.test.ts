// A partner tenant added, chosen for new tenants or removed with the CLI reaches a running hub
// without a restart (issue 14 rule 7): the CLI writes the database directly and cannot tell the hub,
// so the hub's runtime provider compares the integration's partner set with the one its runtime was
// built for at every `get`. Proven on both databases through the hub's own API (the mapping rows name
// the partner only while the hub's runtime serves both partners) and its runtime.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { runCli } from '../support/cli.ts';
import { TEST_SECRET_KEY, testDatabases, type TestDatabase } from '../support/databases.ts';
import { startHub, type TestHub } from '../support/hub.ts';
import { startSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';
import { addSecondPartner, type SecondPartner } from './second-partner.ts';

interface Row {
  companyId: string;
  partner?: { connectionName: string } | null;
}

describe.each(testDatabases())('partner changes from the CLI reach a running hub on $name', (db) => {
  let hub: TestHub;
  let world: SyncWorld;
  let second: SecondPartner;
  let url: string;
  let drop: () => Promise<void>;
  let dataDir: string;
  const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: url, PSA_BRIDGE_DATA_DIR: dataDir, PSA_BRIDGE_SECRET_KEY: TEST_SECRET_KEY.toString('base64') });

  beforeAll(async () => {
    ({ url, cleanup: drop } = await db.open());
    dataDir = mkdtempSync(path.join(tmpdir(), 'psa-bridge-partners-cli-'));
    // The hub's store is this database, so the CLI writes what the hub reads.
    const shared: TestDatabase = { name: db.name, open: async () => ({ url, cleanup: async () => {} }) };
    hub = await startHub(shared, { logLevel: 'warn' });
    world = await startSyncWorld(hub.store);
    second = await addSecondPartner(hub.store, world);
  }, 90_000);
  afterAll(async () => {
    await world?.close();
    await hub?.close();
    await drop?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const mappingRows = async (): Promise<Row[]> => {
    const res = await hub.app.inject({ method: 'GET', url: `/api/v1/integrations/${world.integrationId}/mappings?limit=1000`, headers: await hub.tokenHeaders() });
    expect(res.statusCode).toBe(200);
    return res.json<{ items: Row[] }>().items;
  };
  const cli = async (...args: string[]) => {
    const result = await runCli(['integration', 'partners', ...args], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return result.stdout;
  };

  it('serves the partner added with the CLI, creates new tenants under the one the CLI chose, and drops the one it removed, without a restart', async () => {
    const before = await hub.runtimes.get(world.integrationId);
    expect(before.partners.map((p) => p.connectionName)).toEqual(['emu-cloud']);
    expect((await mappingRows()).some((r) => 'partner' in r)).toBe(false);
    // The same runtime while nothing changed (its token caches and budget are kept).
    expect(await hub.runtimes.get(world.integrationId)).toBe(before);

    await cli('add', 'emu-autotask', 'nordics');
    const added = await hub.runtimes.get(world.integrationId);
    expect(added).not.toBe(before);
    expect(added.partners.map((p) => p.connectionName)).toEqual(['emu-cloud', 'nordics']);
    // The hub lists the second partner's customers and its API names every row's partner.
    await runDirectoryLoop(added);
    const [company] = await hub.store.repos.mappings.list(world.integrationId, { state: 'not_mapped', limit: 1 });
    await hub.store.repos.mappings.map(world.integrationId, company!.companyId, { tenantId: second.customers[0]!, tenantName: 'Fjord Shipping' });
    const rows = await mappingRows();
    expect(rows.every((r) => 'partner' in r)).toBe(true);
    expect(rows.find((r) => r.companyId === company!.companyId)?.partner?.connectionName).toBe('nordics');

    await cli('new-tenants', 'emu-autotask', 'nordics');
    const chosen = await hub.runtimes.get(world.integrationId);
    expect(chosen.newTenantParentId).toBe(second.partnerId);
    expect(await hub.runtimes.get(world.integrationId)).toBe(chosen);

    await hub.store.repos.mappings.unmap(world.integrationId, company!.companyId);
    await cli('remove', 'emu-autotask', 'nordics');
    const removed = await hub.runtimes.get(world.integrationId);
    expect(removed.partners.map((p) => p.connectionName)).toEqual(['emu-cloud']);
    expect(removed.newTenantParentId).toBe(world.acronis.partnerId);
    expect((await mappingRows()).some((r) => 'partner' in r)).toBe(false);
  });
});
