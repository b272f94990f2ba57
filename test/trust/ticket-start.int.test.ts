// Ticket creation starts from now (issue "What was seen" 3), on both databases over the hub's API
// against the Acronis and Autotask emulators: switching it on lists the alerts already open for this
// integration's customers with their count and names; by default only alerts raised from then on
// become tickets; a person who chooses "all" gets the open ones raised too.
import { describe, expect, it } from 'vitest';
import { buildIntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { runAlertsLoop } from '../../src/sync/alerts-loop.ts';
import { testDatabases } from '../support/databases.ts';
import { useAutotaskTicketsHub } from '../support/autotask-tickets-hub.ts';

describe.each(testDatabases())('ticket creation starts from now on $name', (database) => {
  const world = useAutotaskTicketsHub(database);
  const call = world.call;

  const raise = (tenant: string, resourceId: string) =>
    fetch(`${world.acronis.url}/_emulator/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant_id: tenant, type: 'BackupFailed', details: { resourceId, resourceName: `${resourceId}-pc` } }) });
  // Alerts are stamped to the whole second: the ones "already open" are raised in an earlier second
  // than the switch (a wait, not a timed assertion).
  const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100));
  const mapBackupFailed = () => call('PUT', '/alert-mappings', { defaults: { noteType: '1', publish: '1' }, types: { BackupFailed: { enabled: true, fields: { status: '1', priority: '2' } } } });

  it('lists the open alerts with a count; from now (the default) raises only new alerts', async () => {
    await raise(world.mappedTenant, 'OLD-1');
    await raise(world.mappedTenant, 'OLD-2');
    await raise(world.unmappedTenant, 'OTHER');
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
    const runtime = await buildIntegrationRuntime(world.hub.store, world.integrationId);
    const first = await runAlertsLoop(runtime);
    expect(first.stats).toMatchObject({ created: 0 });
    expect(Number(first.stats.beforeStart)).toBeGreaterThanOrEqual(2);

    await raise(world.mappedTenant, 'NEW');
    const second = await runAlertsLoop(runtime);
    expect(second.stats).toMatchObject({ created: 1 });
    const tickets = (await call('GET', '/tickets')).json().items;
    expect(tickets.map((t: { resourceName: string }) => t.resourceName)).toEqual(['NEW-pc']);
    expect((await world.hub.store.repos.auditLog.list({ subjectType: 'integration', subjectId: world.integrationId })).some((e) => e.action === 'integration.tickets.start' && e.details.from === 'now')).toBe(true);
  });

  it('switching on through the settings alone also starts from now; choosing "all" raises the open ones', async () => {
    await raise(world.mappedTenant, 'OLD-1');
    await mapBackupFailed();
    await nextSecond();
    await call('PUT', '/ticket-settings', { enabled: true });
    const runtime = await buildIntegrationRuntime(world.hub.store, world.integrationId);
    expect((await runAlertsLoop(runtime)).stats).toMatchObject({ created: 0 });

    await call('PUT', '/ticket-settings', { enabled: false });
    expect((await call('POST', '/ticket-start', { from: 'sometime' })).statusCode).toBe(400);
    const all = await call('POST', '/ticket-start', { from: 'all' });
    expect(all.json()).toMatchObject({ enabled: true, start: { raiseFrom: null } });
    expect((await runAlertsLoop(runtime)).stats).toMatchObject({ created: 1 });
  });
});
