// "Test credentials" on the Autotask form (POST /api/v1/integrations/test) against the emulator, on
// every test database: the right credentials name the MSP, the zone and the API user; a regular
// (non-API) user gets the upgrade message; a wrong integration code, secret or user name each its
// own message. The zone discovery URL is an optional credential field (default: production): the
// emulator is reached through it, and the runtime of the saved integration uses the same value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAutotaskEmulator, type AutotaskEmulator } from '../../emulators/autotask/server.ts';
import { AUTOTASK_DISCOVERY_URL, API_USER_REQUIRED_MESSAGE } from '../../src/connectors/autotask/client.ts';
import { buildIntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { testDatabases } from '../support/databases.ts';
import { startHub, type TestHub } from '../support/hub.ts';

describe.each(testDatabases())('Autotask credential check ($name)', (db) => {
  let hub: TestHub;
  let autotask: AutotaskEmulator;
  let good: Record<string, string>;
  beforeAll(async () => {
    hub = await startHub(db);
    autotask = await startAutotaskEmulator({ port: 0, seed: 'demo' });
    const c = autotask.credentials;
    good = { username: c.username, secret: c.secret, integrationCode: c.integration_code, discoveryUrl: `${autotask.url}/ATServicesRest/` };
  });
  afterAll(async () => {
    await hub.close();
    await autotask.close();
  });
  const inject = async (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    hub.app.inject({ method, url: `/api/v1${url}`, headers: await hub.tokenHeaders(), ...(payload === undefined ? {} : { payload: payload as object }) });
  const check = async (credentials: Record<string, string>) => (await inject('POST', '/integrations/test', { target: 'autotask', credentials })).json();

  it('offers the check and an optional, non-secret zone discovery URL defaulting to production', async () => {
    const autotaskForm = (await inject('GET', '/integrations/targets')).json().items.find((t: { target: string }) => t.target === 'autotask');
    expect(autotaskForm.canTest).toBe(true);
    const field = autotaskForm.fields.find((f: { name: string }) => f.name === 'discoveryUrl');
    expect(field).toMatchObject({ label: 'Zone discovery URL (advanced)', kind: 'url', optional: true });
    expect(field.help).toContain(AUTOTASK_DISCOVERY_URL);
  });

  it('names the MSP, the zone and the user with the right credentials, and what to fix with each wrong one', async () => {
    expect(await check(good)).toMatchObject({ ok: true, displayName: expect.stringMatching(new RegExp(`Autotask America East \\(zone 5\\) as ${good.username!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)) });
    const users = (await (await fetch(`${autotask.url}/_emulator/users`)).json()) as { items: Array<{ userName: string; secret: string; isApiUser: boolean }> };
    const regular = users.items.find((u) => !u.isApiUser)!;
    expect(await check({ ...good, username: regular.userName, secret: regular.secret })).toMatchObject({ ok: false, error: { code: 'auth_failed', message: API_USER_REQUIRED_MESSAGE } });
    expect((await check({ ...good, integrationCode: 'WRONGCODE1234567' })).error.message).toMatch(/^Autotask does not accept the integration code/);
    expect((await check({ ...good, secret: 'not-the-secret' })).error.message).toMatch(/^Autotask rejected the secret of user '/);
    expect((await check({ ...good, username: 'nobody@example.com' })).error.message).toMatch(/^Autotask does not know the user name 'nobody@example.com'/);
    // A URL that is not one is refused by the form, naming the field.
    const bad = await inject('POST', '/integrations/test', { target: 'autotask', credentials: { ...good, discoveryUrl: 'webservices' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/body\.credentials\.discoveryUrl: must be an http\(s\) URL/);
  });

  it('stores the zone discovery URL with the credentials (never in two places) and the runtime uses it; empty means production', async () => {
    const { repos } = hub.store;
    const connection = await repos.connections.create({ name: 'dc', baseUrl: 'http://127.0.0.1:9', clientId: 'id', clientSecret: 'secret', tenantId: 'partner' });
    const created = await inject('POST', '/integrations', { name: `at-${db.name}`, target: 'autotask', connectionId: connection.id, credentials: good });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect((await repos.integrations.getCredentials(id)).discoveryUrl).toBe(good.discoveryUrl);
    expect(await repos.settings.get(id, 'connector')).toBeUndefined();
    const runtime = await buildIntegrationRuntime(hub.store, id);
    expect((await runtime.target.testConnection()).displayName).toContain(`as ${good.username}`);

    // Emptied: not stored, so the connector goes to production (never reached from a test). The
    // endpoint changes, so the secrets come again.
    const { discoveryUrl: _url, ...rest } = good;
    const emptied = await hub.app.inject({
      method: 'PATCH',
      url: `/api/v1/integrations/${id}`,
      headers: await hub.tokenHeaders(),
      payload: { credentials: { discoveryUrl: '', secret: good.secret, integrationCode: good.integrationCode } },
    });
    expect(emptied.statusCode).toBe(200);
    expect(await repos.integrations.getCredentials(id)).toEqual(rest);
  });
});
