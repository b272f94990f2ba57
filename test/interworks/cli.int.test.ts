// `psa-bridge service-manager show` against a hub the BSS emulator has driven (an order, a usage
// pull, a suspension and a refused order): the readable tables and `--json` list what the portal's
// Distribution page shows, and neither prints a secret.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { TEST_SECRET_KEY, testDatabases, type TestDatabase } from '../support/databases.ts';
import { lastMonth, startInterworksWorld, type InterworksWorld } from './harness.ts';

describe.each(testDatabases())('psa-bridge service-manager show on $name', (db) => {
  let w: InterworksWorld;
  let url: string;
  let drop: () => Promise<void>;
  let dataDir: string;
  let refused: { track_id: string; message: string };
  const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: url, PSA_BRIDGE_DATA_DIR: dataDir, PSA_BRIDGE_SECRET_KEY: TEST_SECRET_KEY.toString('base64') });

  beforeAll(async () => {
    ({ url, cleanup: drop } = await db.open());
    dataDir = mkdtempSync(path.join(tmpdir(), 'psa-bridge-sm-cli-'));
    // The hub of the world uses this database, so the CLI reads what the hub wrote.
    const shared: TestDatabase = { name: db.name, open: async () => ({ url, cleanup: async () => {} }) };
    w = await startInterworksWorld(shared);
    const instance = await w.bssControl('POST', '/instances', { name: 'Acronis EU', settings: w.settings() });
    await w.bssControl('POST', `/instances/${instance.id}/service-definition`);
    const order = await w.bssControl('POST', '/orders', { instance_id: instance.id, account: { id: '7301', name: 'Proseware Resellers', email: 'ops@proseware.example' }, subscription_id: '9301', quotas: { pw_base_workstations: '25' } });
    expect(order.ok).toBe(true);
    await w.acronisControl('POST', `/partners/${order.tenant_id}/customers`, { count: 1 });
    expect((await w.bssControl('POST', '/billing-runs', { instance_id: instance.id, ...lastMonth(), currency: 'EUR' })).subscriptions[0].ok).toBe(true);
    expect((await w.bssControl('POST', '/subscriptions/9301/suspend')).ok).toBe(true);
    refused = await w.bssControl('POST', '/orders', { instance_id: instance.id, account: { id: '7302', name: 'Lucerne Partners', email: 'it@lucerne.example' }, subscription_id: '9302', quotas: { pw_base_workstations: 'lots' } });
  }, 90_000);
  afterAll(async () => {
    await w?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const secrets = () => [w.acronis.credentials.client_secret, w.bss.credentials.application_key, Buffer.from(w.bss.credentials.application_key).toString('base64')];

  it('prints the registration, the instance settings, the service provider with its subscription state, the pull and the refused call', async () => {
    const result = await runCli(['service-manager', 'show'], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^registration\s+connector\s+application id\s+application key\s+last used$/m);
    expect(out).toMatch(new RegExp(`^BSS test\\s+interworks\\s+${w.bss.credentials.application_id}\\s+set\\s+\\d{4}-`, 'm'));
    expect(out).toContain(`Acronis EU: ${w.acronis.url} (client ${w.acronis.credentials.client_id}, secret set)`);
    expect(out).toMatch(/discount 18 %, EUR, names continuous/);
    expect(out).toMatch(/last service definition \S+: \d{2,} products/);
    expect(out).toMatch(/^Proseware Resellers\s+7301\s+active\s+9301\s+suspended\s+pw_base_workstations=25$/m);
    expect(out).toMatch(new RegExp(`^9301\\s+${lastMonth().start}\\.\\.${lastMonth().end}\\s+EUR\\s+\\d+\\s+[\\d.]+\\s+[\\d.]+\\s+1$`, 'm'));
    expect(out).toContain(refused.track_id);
    expect(out).toContain(refused.message);
    for (const secret of secrets()) expect(out).not.toContain(secret);
  });

  it('prints the same as JSON with --json', async () => {
    const result = await runCli(['service-manager', 'show', '--json'], env());
    expect(result.code).toBe(0);
    for (const secret of secrets()) expect(result.stdout).not.toContain(secret);
    const overview = JSON.parse(result.stdout);
    const eu = overview.instances[0];
    expect(eu.settings).toMatchObject({ systemName: 'Acronis EU', clientSecret: 'set', discountPercent: 18 });
    expect(eu.serviceProviders[0].subscriptions[0]).toMatchObject({ subscriptionId: '9301', state: 'suspended' });
    expect(eu.usagePulls[0]).toMatchObject({ subscriptionId: '9301', pulls: 1 });
    expect(eu.failedCalls.map((f: { trackId: string }) => f.trackId)).toContain(refused.track_id);
  });
});
