// The Gradient integration from the CLI, on both databases: `integration add --target gradient`
// tests the keys against Gradient (GET /organization) like the other targets and stores them; a
// wrong key is refused saying so; `billing status` prints what the portal's Accounts tab shows
// (Gradient's status, accounts waiting for mapping by name, services with the Microsoft 365 storage
// note, the last counts) and never a key; `alerts mappings` sets a priority per alert type.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { M365_STORAGE_NOTE } from '../../src/domain/billing-services.ts';
import { runAccountPush } from '../../src/sync/billing/account-push.ts';
import { runCountPush } from '../../src/sync/billing/count-push.ts';
import { runCli } from '../support/cli.ts';
import { TEST_SECRET_KEY, testDatabases, type TestDatabase } from '../support/databases.ts';
import { startGradientHubHarness, type GradientHubHarness } from './harness.ts';

describe.each(testDatabases())('Gradient from the CLI on $name', (db) => {
  let h: GradientHubHarness;
  let url: string;
  let drop: () => Promise<void>;
  let dataDir: string;
  const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: url, PSA_BRIDGE_DATA_DIR: dataDir, PSA_BRIDGE_SECRET_KEY: TEST_SECRET_KEY.toString('base64'), PSA_BRIDGE_VENDOR_HOSTS: '127.0.0.1' });

  beforeAll(async () => {
    ({ url, cleanup: drop } = await db.open());
    dataDir = mkdtempSync(path.join(tmpdir(), 'psa-bridge-gradient-cli-'));
    // The harness's store is this database, so the CLI reads what the passes wrote.
    const shared: TestDatabase = { name: db.name, open: async () => ({ url, cleanup: async () => {} }) };
    h = await startGradientHubHarness(shared);
    const rt = await h.runtime();
    await runAccountPush(rt);
    await runCountPush(rt);
  }, 90_000);
  afterAll(async () => {
    await h?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const keys = () => [h.gradient.credentials.vendor_key!, h.gradient.credentials.partner_key!];

  it('adds a Gradient integration after checking its keys, and refuses a wrong partner key saying which', async () => {
    const [vendorKey, partnerKey] = keys();
    const add = (name: string, partner: string) =>
      runCli(['integration', 'add', '--name', name, '--target', 'gradient', '--connection', 'acronis-emulator', '--credential', `vendorKey=${vendorKey}`, '--credential', `partnerKey=${partner}`, '--base-url', h.gradient.url], env());
    const ok = await add('gradient-cli', partnerKey!);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const listed = await runCli(['integration', 'list', '--json'], env());
    const found = (JSON.parse(listed.stdout) as { name: string; target: string }[]).find((i) => i.name === 'gradient-cli');
    expect(found?.target).toBe('gradient');
    const wrong = await add('gradient-wrong', 'not-the-partner-key');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/key/i);
    for (const out of [ok.stdout, ok.stderr, listed.stdout, wrong.stdout, wrong.stderr]) for (const key of keys()) expect(out).not.toContain(key);
  });

  it('billing status prints the status, the accounts waiting for mapping by name, the services with the storage note and the last counts', async () => {
    const result = await runCli(['billing', 'status', 'gradient-emulator'], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^Gradient Synthesize: (inactive|pending|active) /m);
    expect(out).toMatch(/^accounts: \d+ pushed, \d+ mapped in Gradient, \d+ waiting for mapping, \d+ not counted yet$/m);
    const json = JSON.parse((await runCli(['billing', 'status', 'gradient-emulator', '--json'], env())).stdout) as {
      accounts: { pushed: number; waitingNames: string[] };
      services: { items: { name: string; storage: boolean }[] };
      counts: { account: string }[];
    };
    expect(json.accounts.pushed).toBeGreaterThan(0);
    if (json.accounts.waitingNames.length > 0) expect(out).toContain(`waiting for mapping in Gradient: ${json.accounts.waitingNames[0]}`);
    for (const service of json.services.items) expect(out).toContain(service.name);
    if (json.services.items.some((s) => s.storage)) expect(out).toContain(M365_STORAGE_NOTE);
    expect(json.counts.length).toBeGreaterThan(0);
    expect(out).toContain(json.counts[0]!.account);
    for (const key of keys()) expect(out).not.toContain(key);
  });

  it("alerts mappings sets Gradient's priority per alert type through the shared ticket engine, by value or label, and refuses one Gradient does not have", async () => {
    const set = await runCli(['alerts', 'mappings', 'gradient-emulator', '--enable', 'BackupFailed', '--field', 'priority=4 Very high'], env());
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/BackupFailed.*yes.*priority=4/);
    const wrong = await runCli(['alerts', 'mappings', 'gradient-emulator', '--enable', 'MalwareDetected', '--field', 'priority=9'], env());
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/priority/);
    expect(wrong.stderr).toMatch(/Very high/);
    const refused = await runCli(['alerts', 'settings', 'gradient-emulator', '--reopen-always'], env());
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Gradient cannot reopen a ticket/);
  });

  it('refuses billing status for an integration that does not exist, naming it', async () => {
    const result = await runCli(['billing', 'status', 'no-such-integration'], env());
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/no-such-integration/);
  });
});
