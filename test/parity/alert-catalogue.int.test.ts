// The vendor's full alert catalogue (issue 14 rule 8) over the hub's HTTP API, on both databases,
// against the Acronis and Autotask emulators: the ticket-creation screen's data lists every alert
// type the vendor's screens show, each with its category and severity; every alert of one category
// is enabled with one mapping (what the screen's bulk row sends), and an alert of a type outside the
// old eight becomes a ticket with that mapping.
import { describe, expect, it } from 'vitest';
import { SEED_SCREEN_ALERT_TITLES } from '../../emulators/acronis/seed-alert-titles.test-support.ts';
import { runAlertsLoop } from '../../src/sync/alerts-loop.ts';
import { buildIntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { testDatabases } from '../support/databases.ts';
import { useAutotaskTicketsHub } from '../support/autotask-tickets-hub.ts';

interface AlertType {
  id: string;
  title: string;
  category: string | null;
  severity: string | null;
  enabled: boolean;
  fields: Record<string, string>;
}

describe.each(testDatabases())('the full alert catalogue on $name', (database) => {
  const world = useAutotaskTicketsHub(database);
  const call = world.call;

  it('lists every alert type with its category and severity, enables a whole category with one mapping, and tickets an alert of it', async () => {
    const listed = await call('GET', '/alert-mappings');
    expect(listed.statusCode).toBe(200);
    const types = listed.json().alertTypes as AlertType[];
    const titles = new Set(types.map((t) => t.title));
    for (const seen of SEED_SCREEN_ALERT_TITLES) {
      expect(titles.has(seen), seen).toBe(true);
    }
    expect(types.length).toBeGreaterThanOrEqual(40);
    for (const t of types) {
      expect(t.category, t.id).toEqual(expect.any(String));
      expect(['ok', 'information', 'warning', 'error', 'critical'], t.id).toContain(t.severity);
    }
    expect(new Set(types.map((t) => t.category)).size).toBeGreaterThan(3);

    // Every alert of the Agent category with one mapping: the screen's bulk row sends exactly this.
    const agent = types.filter((t) => t.category === 'Agent');
    expect(agent.map((t) => t.id)).toContain('AgentOutdated');
    const mapping = { status: '1', priority: '2' };
    await call('PUT', '/ticket-settings', { enabled: true });
    const saved = await call('PUT', '/alert-mappings', { defaults: { noteType: '1', publish: '1' }, types: Object.fromEntries(agent.map((t) => [t.id, { enabled: true, fields: mapping }])) });
    expect(saved.statusCode).toBe(200);
    const after = (await call('GET', '/alert-mappings')).json().alertTypes as AlertType[];
    expect(after.filter((t) => t.enabled).map((t) => t.id).sort()).toEqual(agent.map((t) => t.id).sort());
    for (const t of after.filter((x) => x.category === 'Agent')) expect(t.fields, t.id).toMatchObject(mapping);

    // An alert of a type the emulator did not have before becomes a ticket with that mapping; one of another category does not.
    const raise = (type: string) =>
      fetch(`${world.acronis.url}/_emulator/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant_id: world.mappedTenant, type, details: { resourceId: 'WS-7', resourceName: 'front-desk' } }) });
    expect((await raise('AgentOutdated')).status).toBe(201);
    expect((await raise('BackupFailed')).status).toBe(201);
    const { stats } = await runAlertsLoop(await buildIntegrationRuntime(world.hub.store, world.integrationId));
    expect(stats, JSON.stringify(stats)).toMatchObject({ created: 1 });
    const tickets = (await call('GET', '/tickets')).json().items as Array<{ alertType: string; customer: { companyId: string } }>;
    expect(tickets.map((t) => t.alertType)).toEqual(['AgentOutdated']);
    expect(tickets[0]!.customer.companyId).toBe(world.companyId);
  });
});
