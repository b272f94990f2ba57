// Ticket creation starts from now (issue "What was seen" 3), on both databases over the hub's API
// against the Acronis and Autotask emulators: switching it on lists the alerts already open for this
// integration's customers with their count and names; by default only alerts raised from then on
// become tickets; a person who chooses "all" gets the open ones raised too.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAcronisEmulator, type AcronisEmulator } from '../../emulators/acronis/server.ts';
import { startAutotaskEmulator, type AutotaskEmulator } from '../../emulators/autotask/server.ts';
import { buildIntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { runAlertsLoop } from '../../src/sync/alerts-loop.ts';
import { testDatabases } from '../support/databases.ts';
import { startHub, type TestHub } from '../support/hub.ts';

describe.each(testDatabases())('ticket creation starts from now on $name', (database) => {
  let hub: TestHub;
  let acronis: AcronisEmulator;
  let autotask: AutotaskEmulator;
  let integrationId: string;
  let headers: Record<string, string>;
  let mappedTenant: string;
  let unmappedTenant: string;
  let companyId: string;

  beforeEach(async () => {
    acronis = await startAcronisEmulator({ port: 0, seed: 'demo' });
    autotask = await startAutotaskEmulator({ port: 0, seed: 'demo' });
    hub = await startHub(database);
    headers = await hub.tokenHeaders();
    const { repos } = hub.store;
    const connection = await repos.connections.create({ name: 'dc', baseUrl: acronis.url, clientId: acronis.credentials.client_id, clientSecret: acronis.credentials.client_secret, tenantId: acronis.partnerId });
    const integration = await repos.integrations.create({
      name: 'at',
      connectionId: connection.id,
      target: 'autotask',
      credentials: { username: autotask.credentials.username, secret: autotask.credentials.secret, integrationCode: autotask.credentials.integration_code },
    });
    integrationId = integration.id;
    await repos.settings.set(integrationId, 'connector', { zoneUrl: autotask.zoneUrl });
    // Customers without the demo dataset's own alerts, so only this test's alerts make tickets.
    const customers = [...acronis.state.tenants.values()].filter((t) => t.kind === 'customer' && t.enabled && (acronis.state.alertsByTenant.get(t.id)?.size ?? 0) === 0);
    mappedTenant = customers[0]!.id;
    unmappedTenant = customers[1]!.id;
    const companies = ((await (await fetch(`${autotask.url}/_emulator/entities/Companies?limit=5`)).json()) as { items: Array<{ id: number }> }).items;
    companyId = String(companies.find((c) => c.id > 0)!.id);
    await repos.mappings.upsertCompanies(integrationId, [{ companyId, companyName: 'Mapped Co' }]);
    await repos.mappings.map(integrationId, companyId, { tenantId: mappedTenant });
  });
  afterEach(async () => {
    await hub.close();
    await acronis.close();
    await autotask.close();
  });

  const call = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) =>
    hub.app.inject({ method, url: `/api/v1/integrations/${integrationId}${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

  const raise = (tenant: string, resourceId: string) =>
    fetch(`${acronis.url}/_emulator/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant_id: tenant, type: 'BackupFailed', details: { resourceId, resourceName: `${resourceId}-pc` } }) });
  // Alerts are stamped to the whole second: the ones "already open" are raised in an earlier second
  // than the switch (a wait, not a timed assertion).
  const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100));
  const mapBackupFailed = () => call('PUT', '/alert-mappings', { defaults: { noteType: '1', publish: '1' }, types: { BackupFailed: { enabled: true, fields: { status: '1', priority: '2' } } } });

  it('lists the open alerts with a count; from now (the default) raises only new alerts', async () => {
    await raise(mappedTenant, 'OLD-1');
    await raise(mappedTenant, 'OLD-2');
    await raise(unmappedTenant, 'OTHER');
    await mapBackupFailed();
    await nextSecond();

    const before = await call('GET', '/ticket-start');
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toMatchObject({ enabled: false, start: null, existing: { count: 2 } });
    // Names, not ids; only this integration's customers.
    expect(before.json().existing.alerts).toEqual([
      expect.objectContaining({ companyName: 'Mapped Co', type: 'BackupFailed', typeTitle: expect.any(String) }),
      expect.objectContaining({ companyName: 'Mapped Co', type: 'BackupFailed' }),
    ]);

    const started = await call('POST', '/ticket-start', { from: 'now' });
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json()).toMatchObject({ enabled: true, start: { raiseFrom: expect.any(String) } });
    const runtime = await buildIntegrationRuntime(hub.store, integrationId);
    const first = await runAlertsLoop(runtime);
    expect(first.stats).toMatchObject({ created: 0 });
    expect(Number(first.stats.beforeStart)).toBeGreaterThanOrEqual(2);

    await raise(mappedTenant, 'NEW');
    const second = await runAlertsLoop(runtime);
    expect(second.stats).toMatchObject({ created: 1 });
    const tickets = (await call('GET', '/tickets')).json().items;
    expect(tickets.map((t: { resourceName: string }) => t.resourceName)).toEqual(['NEW-pc']);
    expect((await hub.store.repos.auditLog.list({ subjectType: 'integration', subjectId: integrationId })).some((e) => e.action === 'integration.tickets.start' && e.details.from === 'now')).toBe(true);
  });

  it('switching on through the settings alone also starts from now; choosing "all" raises the open ones', async () => {
    await raise(mappedTenant, 'OLD-1');
    await mapBackupFailed();
    await nextSecond();
    await call('PUT', '/ticket-settings', { enabled: true });
    const runtime = await buildIntegrationRuntime(hub.store, integrationId);
    expect((await runAlertsLoop(runtime)).stats).toMatchObject({ created: 0 });

    await call('PUT', '/ticket-settings', { enabled: false });
    expect((await call('POST', '/ticket-start', { from: 'sometime' })).statusCode).toBe(400);
    const all = await call('POST', '/ticket-start', { from: 'all' });
    expect(all.json()).toMatchObject({ enabled: true, start: { raiseFrom: null } });
    expect((await runAlertsLoop(runtime)).stats).toMatchObject({ created: 1 });
  });
});
