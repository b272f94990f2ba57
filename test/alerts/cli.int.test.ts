// `psa-bridge alerts …` as a user runs it, against the Acronis and Autotask emulators, on every
// test database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcronisEmulator, type AcronisEmulator } from '../../emulators/acronis/server.ts';
import { startAutotaskEmulator, type AutotaskEmulator } from '../../emulators/autotask/server.ts';
import { openStore } from '../../src/store/store.ts';
import { runCli } from '../support/cli.ts';
import { testDatabases, TEST_SECRET_KEY } from '../support/databases.ts';

describe.each(testDatabases())('psa-bridge alerts on $name', (database) => {
  let acronis: AcronisEmulator;
  let autotask: AutotaskEmulator;
  let url: string;
  let cleanup: () => Promise<void>;
  const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: url, PSA_BRIDGE_SECRET_KEY: TEST_SECRET_KEY.toString('hex') });

  beforeAll(async () => {
    acronis = await startAcronisEmulator({ port: 0, seed: 'demo' });
    autotask = await startAutotaskEmulator({ port: 0, seed: 'demo' });
    ({ url, cleanup } = await database.open());
    const store = await openStore({ url, secretKey: TEST_SECRET_KEY });
    try {
      const connection = await store.repos.connections.create({ name: 'dc', baseUrl: acronis.url, clientId: acronis.credentials.client_id, clientSecret: acronis.credentials.client_secret, tenantId: acronis.partnerId });
      const integration = await store.repos.integrations.create({
        name: 'at',
        connectionId: connection.id,
        target: 'autotask',
        credentials: { username: autotask.credentials.username, secret: autotask.credentials.secret, integrationCode: autotask.credentials.integration_code },
      });
      await store.repos.settings.set(integration.id, 'connector', { zoneUrl: autotask.zoneUrl });
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await acronis.close();
    await autotask.close();
    await cleanup();
  });

  it('sets and shows ticket settings and alert mappings, naming the field and the allowed values on a mistake', async () => {
    const settings = await runCli(['alerts', 'settings', 'at', '--on', '--reopen-within-days', '3', '--reopen-status', 'In Progress', '--auto-close', 'Complete'], env());
    expect(settings.stderr).toBe('');
    expect(settings.stdout).toMatch(/ticket creation\s+on/);
    expect(settings.stdout).toMatch(/reopen within 3 day\(s\)/);
    expect(settings.stdout).toMatch(/auto-close\s+Complete \(5\)/);

    const wrong = await runCli(['alerts', 'mappings', 'at', '--enable', 'BackupFailed', '--field', 'priority=Urgent', '--field', 'status=New', '--default', 'noteType=Task Summary', '--default', 'publish=1'], env());
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/alert-mappings\.types\.BackupFailed\.fields\.priority: .*Priority "Urgent" is unknown to Autotask; choose one of: .*High/);

    const mapped = await runCli(['alerts', 'mappings', 'at', '--enable', 'BackupFailed', '--field', 'priority=High', '--field', 'status=New', '--field', 'queue=Monitoring Alert', '--default', 'noteType=Task Summary', '--default', 'publish=1'], env());
    expect(mapped.stderr).toBe('');
    expect(mapped.stdout).toMatch(/defaults: noteType=1 publish=1/);
    expect(mapped.stdout).toMatch(/BackupFailed\s+Backup failed\s+yes\s+priority=1 status=1 queue=8/);
    expect(mapped.stdout).toMatch(/MalwareDetected\s+.*\s+no/);

    const tickets = await runCli(['alerts', 'tickets', 'at', '--waiting', '--json'], env());
    expect(tickets.stderr).toBe('');
    expect(JSON.parse(tickets.stdout)).toEqual([]);
  }, 60_000);
});
