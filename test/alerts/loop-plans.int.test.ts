// The ticket loops' plans, against the Acronis and Autotask emulators over real HTTP, on every test
// database: a dry run lists what the pass would do (src/domain/ticket-plan.ts) and writes nothing
// to either side, and the real pass that follows does exactly that.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TicketPlanEntry } from '../../src/domain/ticket-plan.ts';
import { SYNC_LOOPS } from '../../src/sync/loops.ts';
import { TICKETS_LOOP } from '../../src/sync/tickets-loop.ts';
import { testDatabases } from '../support/databases.ts';
import { startAlertsHarness, type AlertsHarness } from './harness.ts';

describe.each(testDatabases())('ticket loop plans on $name', (database) => {
  let h: AlertsHarness;
  beforeEach(async () => {
    h = await startAlertsHarness(database, { customers: 2, unmapped: 1 });
  });
  afterEach(async () => {
    await h.close();
  });

  const hubTickets = async () => (await h.tickets()).filter((t) => (t.externalID ?? '').startsWith('pb:'));
  const loop = async (name: 'alerts' | 'tickets', dryRun: boolean) => SYNC_LOOPS[name](await h.runtimeProvider().get(h.integrationId), { dryRun });
  const companyName = async (tenantId: string) => (await h.store.repos.mappings.getByTenant(h.integrationId, tenantId))!.companyName;

  it('a dry run of tickets lists the alert a completed ticket clears, and clears nothing', async () => {
    const tenant = h.tenants[1] as string;
    const alertId = await h.raise(tenant, 'BackupFailed', { resourceId: 'SRV-2' });
    await loop('alerts', false);
    await loop('tickets', false);
    const [ticket] = await hubTickets();
    expect(ticket).toBeDefined();
    await h.advanceDays(1 / 1440);
    await h.autotaskApi('PATCH', '/Tickets', { id: ticket!.id, status: 5 });
    const cursor = await h.store.repos.cursors.get(h.integrationId, TICKETS_LOOP);
    const linkBefore = (await h.store.repos.alertLinks.list(h.integrationId))[0]!;

    const dry = await loop('tickets', true);
    expect(dry.dryRun).toBe(true);
    const entries = dry.plan as TicketPlanEntry[];
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'clear_alert',
        ticketId: String(ticket!.id),
        ticketNumber: ticket!.ticketNumber,
        companyId: h.companies.get(tenant),
        companyName: await companyName(tenant),
        tenantId: tenant,
        alertType: 'BackupFailed',
        alertIds: [alertId.toLowerCase()],
      }),
    ]);
    // Nothing written to either side: the alert is open, the link and the cursor are as they were.
    expect(h.acronis.state.getAlert(alertId)?.deletedNs ?? null).toBeNull();
    const dismissals = (await h.control('acronis', 'GET', '/requests?limit=1000')).items.filter((r: { method: string; path: string }) => r.method === 'DELETE' && r.path.includes('/alerts/'));
    expect(dismissals).toHaveLength(0);
    expect(await h.store.repos.cursors.get(h.integrationId, TICKETS_LOOP)).toEqual(cursor);
    const linkAfter = (await h.store.repos.alertLinks.list(h.integrationId))[0]!;
    expect(linkAfter).toEqual(linkBefore);

    // The real pass does what the plan said, and returns the same plan.
    const real = await loop('tickets', false);
    expect(real.plan).toEqual(entries);
    expect(real.stats.alertsCleared).toBe(1);
    expect(h.acronis.state.getAlert(alertId)?.deletedNs ?? null).not.toBeNull();
  });
});
