import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, type LongRunningCli } from './support/cli.ts';
import { testDatabases } from './support/databases.ts';

describe('psa-bridge emulate', () => {
  it('prints the system, URL and seeded credentials as its first line, and serves them', async () => {
    const emulator = await startCli(['emulate', 'acronis', '--port', '0', '--seed', 'empty']);
    try {
      expect(emulator.firstLine).toMatchObject({ system: 'acronis', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
      const { client_id, client_secret } = emulator.firstLine.credentials as Record<string, string>;
      const response = await fetch(`${String(emulator.firstLine.url)}/api/2/idp/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      expect(response.status).toBe(200);
    } finally {
      expect(await emulator.stop()).toBe(0);
    }
  });

  it('names the choices for an unknown system or dataset', async () => {
    const system = await runCli(['emulate', 'salesforce']);
    expect(system.code).not.toBe(0);
    expect(system.stderr).toMatch(/unknown system "salesforce"; choose one of: acronis/);
    const dataset = await runCli(['emulate', 'acronis', '--seed', 'huge']);
    expect(dataset.stderr).toMatch(/unknown dataset "huge"; choose one of: empty, demo, large/);
  });
});

describe('psa-bridge configuration errors', () => {
  it('stops with a message naming the variable to fix', async () => {
    const result = await runCli(['migrate'], { DATABASE_URL: 'mysql://db/hub' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/DATABASE_URL/);
    expect(result.stderr).toMatch(/postgres:\/\/user:password@host:5432\/database/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});

describe.each(testDatabases())('psa-bridge commands on $name', (database) => {
  let url: string;
  let cleanup: () => Promise<void>;
  let dataDir: string;
  let emulator: LongRunningCli;
  const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: url, PSA_BRIDGE_DATA_DIR: dataDir });

  beforeAll(async () => {
    ({ url, cleanup } = await database.open());
    dataDir = mkdtempSync(path.join(tmpdir(), 'psa-bridge-cli-'));
    emulator = await startCli(['emulate', 'acronis', '--seed', 'demo']);
  });
  afterAll(async () => {
    await emulator.stop();
    await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates, adds users, and refuses a duplicate with a clear message', async () => {
    expect((await runCli(['migrate'], env())).stdout).toMatch(/is up to date/);
    const added = await runCli(['user', 'add', 'ops'], env());
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/password: \S{20,}/);
    const duplicate = await runCli(['user', 'add', 'ops', '--password', 'long-enough-pw'], env());
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/a user named "ops" already exists/i);
    expect((await runCli(['user', 'list'], env())).stdout).toMatch(/^ops\s+admin\s/m);
    const viewer = await runCli(['user', 'add', 'viewer', '--role', 'read-only', '--password', 'viewer-password'], env());
    expect(viewer.code, viewer.stderr).toBe(0);
    expect((await runCli(['user', 'list'], env())).stdout).toMatch(/^viewer\s+read-only\s/m);
    expect((await runCli(['user', 'role', 'viewer', 'admin'], env())).stdout).toMatch(/user "viewer" is now admin/);
    const wrong = await runCli(['user', 'role', 'viewer', 'root'], env());
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/unknown role "root": use one of admin, read-only/);
    expect((await runCli(['user', 'delete', 'viewer'], env())).code).toBe(0);
  }, 240_000); // nine CLI processes, each started from source; the suite's other files load the same two cores

  it('disables, enables, sets the password of and deletes a user; refuses to remove the last enabled one', async () => {
    expect((await runCli(['user', 'add', 'temp', '--password', 'temp-password-1'], env())).code).toBe(0);
    const disabled = await runCli(['user', 'disable', 'temp'], env());
    expect(disabled.stdout).toMatch(/user "temp" disabled/);
    const row = (await runCli(['user', 'list'], env())).stdout.split('\n').find((line) => line.startsWith('temp '));
    expect(row?.match(/\d{4}-\d\d-\d\dT/g)).toHaveLength(2); // created, disabled (never signed in)
    expect((await runCli(['user', 'enable', 'temp'], env())).stdout).toMatch(/user "temp" enabled/);
    const passwd = await runCli(['user', 'passwd', 'temp'], env());
    expect(passwd.stdout).toMatch(/password: \S{20,}/);
    expect((await runCli(['user', 'delete', 'temp'], env())).stdout).toMatch(/user "temp" deleted/);
    const unknown = await runCli(['user', 'disable', 'temp'], env());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No user named "temp"/);
    // Only "ops" is left: it cannot be disabled or deleted.
    const last = await runCli(['user', 'delete', 'ops'], env());
    expect(last.code).toBe(1);
    expect(last.stderr).toMatch(/only enabled user/);
  }, 240_000);

  it('stores a connection, tests it against the vendor, and never prints the secret', async () => {
    const { client_id, client_secret } = emulator.firstLine.credentials as Record<string, string>;
    const added = await runCli(
      ['connection', 'add', '--name', 'eu2', '--url', String(emulator.firstLine.url), '--client-id', client_id!],
      { ...env(), PSA_BRIDGE_CLIENT_SECRET: client_secret },
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/ok: reaches partner tenant "Northwind MSP"/);

    const listed = await runCli(['connection', 'list', '--json'], env());
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'eu2', status: 'ok', tenantName: 'Northwind MSP' })]);
    expect(listed.stdout).not.toContain(client_secret);

    const status = await runCli(['status'], env());
    expect(status.stdout).toMatch(/eu2 .*Northwind MSP\s+ok/);
    expect(status.stdout).not.toContain(client_secret);
  });

  it('reports a wrong secret as a failed test that says what to check', async () => {
    const { client_id } = emulator.firstLine.credentials as Record<string, string>;
    const added = await runCli(
      ['connection', 'add', '--name', 'wrong', '--url', String(emulator.firstLine.url), '--client-id', client_id!, '--client-secret', 'not-the-secret'],
      env(),
    );
    expect(added.code).toBe(1);
    expect(added.stdout).toMatch(/failed \(auth_failed\): .*client/i);
    const tested = await runCli(['connection', 'test', 'wrong'], env());
    expect(tested.code).toBe(1);
    expect((await runCli(['connection', 'test', 'nope'], env())).stderr).toMatch(/no connection named "nope"/);
  });
});

describe('psa-bridge demo', () => {
  it('prints the portal and a sign-in as its first line, with the vendor connection ready', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'psa-bridge-demo-'));
    // At the default log level, so a log line on stdout would break the first-line promise.
    const demo = await startCli(['demo', '--data-dir', dataDir], { PSA_BRIDGE_ADMIN_PASSWORD: '', LOG_LEVEL: 'info' }, 120_000);
    try {
      const { portal, username, password } = demo.firstLine as { portal: string; username: string; password: string };
      expect(portal).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const login = await fetch(`${portal}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const connections = (await (await fetch(`${portal}/api/v1/connections`, { headers: { cookie } })).json()) as {
        items: { status: string; tenant: { name: string } }[];
      };
      // The partner's connection, and the distributor's that the demo BSS instance brought.
      expect(connections.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ status: 'ok', tenant: expect.objectContaining({ name: 'Northwind MSP' }) }),
          expect.objectContaining({ status: 'ok', tenant: expect.objectContaining({ name: 'Contoso Cloud Distribution EU' }) }),
        ]),
      );
      expect(connections.items).toHaveLength(2);
      // The banner gives what an operator enters in the BSS, and the instance is activated.
      const banner = demo.output().stdout;
      expect(banner).toMatch(/base URL +http:\/\/127\.0\.0\.1:\d+\/interworks\/api/);
      expect(banner).toMatch(/application key +\S{44}/);
      expect(banner).toMatch(/instance inst-1 activated, product type acronis-csp-/);
    } finally {
      expect(await demo.stop()).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});
