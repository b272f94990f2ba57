// The ticket routes over the hub's HTTP API, against the Acronis and Autotask emulators, on every
// test database: alert mappings and ticket settings validated against the real picklists, the
// tickets that came from alerts, and the unmapped queue.
import { describe, expect, it } from 'vitest';
import { buildIntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { runAlertsLoop } from '../../src/sync/alerts-loop.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { testDatabases } from '../support/databases.ts';
import { useAutotaskTicketsHub } from '../support/autotask-tickets-hub.ts';

describe.each(testDatabases())('ticket routes on $name', (database) => {
  const world = useAutotaskTicketsHub(database);
  const call = world.call;

  it('lists every vendor alert type with its mapping and the picklists; PUT validates against them', async () => {
    const listed = await call('GET', '/alert-mappings');
    expect(listed.statusCode).toBe(200);
    const body = listed.json();
    expect(body.target).toBe('autotask');
    expect(body.alertTypes.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining(['BackupFailed', 'MalwareDetected']));
    expect(body.alertTypes.every((t: { enabled: boolean }) => t.enabled === false)).toBe(true);
    expect(body.picklists.queue.map((e: { label: string }) => e.label)).toContain('Monitoring Alert');
    expect(body.fields.map((f: { name: string }) => f.name)).toEqual(['source', 'queue', 'status', 'priority', 'issueType', 'subIssueType', 'noteType', 'publish']);

    const wrong = await call('PUT', '/alert-mappings', { defaults: { noteType: '1', publish: '1' }, types: { BackupFailed: { enabled: true, fields: { status: '1', priority: '1', queue: '999' } } } });
    expect(wrong.statusCode).toBe(400);
    const issue = wrong.json().error.details.find((i: { field: string }) => i.field === 'alert-mappings.types.BackupFailed.fields.queue');
    expect(issue.message).toContain('Queue "999"');
    expect(issue.allowed.map((a: { label: string }) => a.label)).toContain('Monitoring Alert');

    const missing = await call('PUT', '/alert-mappings', { types: { BackupFailed: { enabled: true, fields: { status: '1' } } } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/Priority is required/);

    const ok = await call('PUT', '/alert-mappings', { defaults: { source: '8', noteType: '1', publish: '1' }, types: { BackupFailed: { enabled: true, fields: { status: '1', priority: '1', queue: '8' } } } });
    expect(ok.statusCode).toBe(200);
    const again = (await call('GET', '/alert-mappings')).json();
    expect(again.defaults).toEqual({ source: '8', noteType: '1', publish: '1' });
    expect(again.alertTypes.find((t: { id: string }) => t.id === 'BackupFailed')).toMatchObject({ enabled: true, fields: { status: '1', priority: '1', queue: '8' } });
  });

  it('reads and sets ticket settings, off by default, statuses checked', async () => {
    const first = await call('GET', '/ticket-settings');
    expect(first.statusCode).toBe(200);
    expect(first.json().settings).toMatchObject({ enabled: false, autoClose: { enabled: false } });
    expect(first.json().effective.recurrence).toEqual({ mode: 'reopen_always' });
    expect(first.json().statuses.map((s: { label: string }) => s.label)).toContain('Complete');

    const bad = await call('PUT', '/ticket-settings', { enabled: true, autoClose: { enabled: true, status: '42' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0]).toMatchObject({ field: 'tickets.autoClose.status' });
    expect(bad.json().error.details[0].allowed.map((a: { label: string }) => a.label)).toContain('Complete');
    const shape = await call('PUT', '/ticket-settings', { recurrence: { mode: 'reopen_within_days', days: 0 } });
    expect(shape.statusCode).toBe(400);
    expect(shape.json().error.message).toContain('tickets.recurrence.days');

    const ok = await call('PUT', '/ticket-settings', { enabled: true, recurrence: { mode: 'reopen_within_days', days: 3 }, reopenStatus: '8', autoClose: { enabled: true, status: '5' }, clearAlert: { enabled: true, statuses: ['5'] } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().settings).toMatchObject({ enabled: true, recurrence: { mode: 'reopen_within_days', days: 3 }, autoClose: { enabled: true, status: '5' } });
    const patched = await call('PUT', '/ticket-settings', { autoClose: { enabled: false } });
    expect(patched.json().settings.autoClose).toEqual({ enabled: false, status: '5' });
  });

  it('lists tickets that came from alerts and the alerts waiting for a mapping', async () => {
    await call('PUT', '/ticket-settings', { enabled: true, autoClose: { enabled: true, status: '5' } });
    await call('PUT', '/alert-mappings', { defaults: { noteType: '1', publish: '1' }, types: { BackupFailed: { enabled: true, fields: { status: '1', priority: '2' } } } });
    const raise = (tenant: string, resourceId: string) =>
      fetch(`${world.acronis.url}/_emulator/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant_id: tenant, type: 'BackupFailed', details: { resourceId, resourceName: `${resourceId}-pc` } }) });
    await raise(world.mappedTenant, 'A');
    await raise(world.mappedTenant, 'B');
    await raise(world.unmappedTenant, 'C');
    const runtime = await buildIntegrationRuntime(world.hub.store, world.integrationId);
    const { stats } = await runAlertsLoop(runtime);
    // The demo dataset's own alerts are of other tenants (unmapped) or types: they wait or are skipped.
    expect(stats, JSON.stringify(stats)).toMatchObject({ created: 2 });

    const all = await call('GET', '/tickets');
    expect(all.statusCode).toBe(200);
    expect(all.json().items).toHaveLength(2);
    expect(all.json().items[0]).toMatchObject({ state: 'open', alertType: 'BackupFailed', customer: { companyId: world.companyId, companyName: 'Mapped Co', tenantId: world.mappedTenant } });
    expect(all.json().items.every((t: { ticketNumber: string | null }) => t.ticketNumber !== null)).toBe(true);
    expect(all.json().counts).toMatchObject({ open: 2, closed: 0 });
    const searched = await call('GET', '/tickets?search=b-pc');
    expect(searched.json().items.map((t: { resourceName: string }) => t.resourceName)).toEqual(['B-pc']);
    expect((await call('GET', '/tickets?state=closed')).json().items).toEqual([]);

    const waiting = await call('GET', '/alerts/waiting');
    expect(waiting.statusCode).toBe(200);
    const mine = waiting.json().items.filter((w: { tenantId: string }) => w.tenantId === world.unmappedTenant.toLowerCase());
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ reason: 'unmapped', alertType: 'BackupFailed' });
    expect((await world.hub.app.inject({ method: 'GET', url: '/api/v1/integrations/nope/tickets', headers: world.headers })).statusCode).toBe(404);
  });

  it("leaves out of the waiting alerts the customers another integration of the connection maps, in pages and counts alike, and names each customer", async () => {
    await call('PUT', '/ticket-settings', { enabled: true });
    await call('PUT', '/alert-mappings', { defaults: { noteType: '1', publish: '1' }, types: { BackupFailed: { enabled: true, fields: { status: '1', priority: '2' } } } });
    const customers = [...world.acronis.state.tenants.values()].filter((t) => t.kind === 'customer' && t.enabled && (world.acronis.state.alertsByTenant.get(t.id)?.size ?? 0) === 0 && t.id !== world.mappedTenant);
    const [first, elsewhere, third] = customers as [typeof customers[0], typeof customers[0], typeof customers[0]];
    for (const tenant of [first, elsewhere, third])
      await fetch(`${world.acronis.url}/_emulator/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant_id: tenant.id, type: 'BackupFailed', details: { resourceId: 'X', resourceName: 'x-pc' } }) });
    const runtime = await buildIntegrationRuntime(world.hub.store, world.integrationId);
    await runDirectoryLoop(runtime);
    await runAlertsLoop(runtime);
    const ids = async (query: string) => ((await call('GET', `/alerts/waiting${query}`)).json().items as { tenantId: string }[]).map((w) => w.tenantId);
    expect(await ids('?limit=1000')).toContain(elsewhere.id.toLowerCase());

    // Another PSA integration on the same Acronis connection maps that customer: its alert is not waiting here.
    const { repos } = world.hub.store;
    const here = await repos.integrations.get(world.integrationId);
    const other = await repos.integrations.create({ name: 'other-psa', connectionId: here!.connectionId, target: 'autotask', credentials: { username: 'u', secret: 's', integrationCode: 'c' } });
    await repos.mappings.upsertCompanies(other.id, [{ companyId: '9001', companyName: 'Elsewhere Co' }]);
    await repos.mappings.map(other.id, '9001', { tenantId: elsewhere.id.toLowerCase() });

    const whole = await call('GET', '/alerts/waiting?limit=1000');
    const all = whole.json().items as { tenantId: string; tenantName: string | null }[];
    expect(all.map((w) => w.tenantId)).not.toContain(elsewhere.id.toLowerCase());
    expect(all.map((w) => w.tenantId)).toEqual(expect.arrayContaining([first.id.toLowerCase(), third.id.toLowerCase()]));
    expect(whole.json().counts.unmapped).toBe(all.length);
    // Page by page: full pages of what is shown, the same alerts as the whole list.
    const paged: string[] = [];
    for (let offset = 0; offset < all.length; offset += 2) {
      const page = await ids(`?limit=2&offset=${offset}`);
      expect(page).toHaveLength(Math.min(2, all.length - offset));
      paged.push(...page);
    }
    expect(paged).toEqual(all.map((w) => w.tenantId));
    expect(all.find((w) => w.tenantId === first.id.toLowerCase())?.tenantName).toBe(first.name);
  });
});
