// The ticket loops' plans, against the Acronis and Autotask emulators over real HTTP, on every test
// database: a dry run lists what the pass would do (src/domain/ticket-plan.ts) and writes nothing
// to either side, and the real pass that follows does exactly that.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLANNED_TICKET_ID, type AlertPlanEntry, type TicketPlanEntry } from '../../src/domain/ticket-plan.ts';
import { ALERTS_LOOP } from '../../src/sync/alerts-loop.ts';
import { SYNC_LOOPS } from '../../src/sync/loops.ts';
import { TICKETS_LOOP } from '../../src/sync/tickets-loop.ts';
import { runCli } from '../support/cli.ts';
import { testDatabases, TEST_SECRET_KEY } from '../support/databases.ts';
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

  /** Everything the hub keeps of the alerts loop: what a dry run must leave as it was. */
  const hubState = async () => ({
    cursor: await h.store.repos.cursors.get(h.integrationId, ALERTS_LOOP),
    waiting: await h.store.repos.waitingAlerts.list(h.integrationId),
    links: await h.store.repos.alertLinks.list(h.integrationId),
    journal: await h.store.repos.journal.list({ integrationId: h.integrationId }),
  });

  it('a dry run of alerts lists the ticket it would create for the mapped customer and writes nothing; the real run creates exactly it', async () => {
    const tenant = h.tenants[0] as string;
    const unmapped = h.tenants[2] as string;
    const alertId = await h.raise(tenant, 'BackupFailed', { resourceId: 'VM-7' });
    const waitingId = await h.raise(unmapped, 'BackupFailed', { resourceId: 'VM-8' });
    await h.raise(tenant, 'MalwareDetected', { resourceId: 'VM-7' }); // a type not enabled: no ticket, said so
    const before = await hubState();
    const ticketsBefore = (await hubTickets()).length;

    const dry = await loop('alerts', true);
    expect(dry.dryRun).toBe(true);
    const entries = dry.plan as AlertPlanEntry[];
    const create = entries.filter((e) => e.kind === 'create_ticket');
    expect(create).toEqual([
      expect.objectContaining({
        alertId: alertId.toLowerCase(),
        alertType: 'BackupFailed',
        alertTypeName: expect.any(String),
        tenantId: tenant,
        companyId: h.companies.get(tenant),
        companyName: await companyName(tenant),
        ticketId: null,
        what: expect.stringContaining('VM-7'),
      }),
    ]);
    expect(entries).toContainEqual(expect.objectContaining({ kind: 'wait_unmapped', alertId: waitingId.toLowerCase(), tenantId: unmapped, companyId: null }));
    expect(entries).toContainEqual(expect.objectContaining({ kind: 'nothing', alertType: 'MalwareDetected', companyName: await companyName(tenant), what: expect.stringMatching(/^alert_type_disabled: /) }));
    expect(dry.stats).toMatchObject({ created: 1, waiting: 1 });

    // Nothing written to either side: no ticket in Autotask; cursor, waiting list, links and journal as they were.
    expect(await hubTickets()).toHaveLength(ticketsBefore);
    expect(await hubState()).toEqual(before);

    const real = await loop('alerts', false);
    expect(real.plan).toEqual(entries);
    const created = (await hubTickets()).filter((t) => t.description.includes('VM-7') || t.title.includes('VM-7'));
    expect(await hubTickets()).toHaveLength(ticketsBefore + 1);
    expect(created).toHaveLength(1);
    expect(String(created[0]!.companyID)).toBe(h.companies.get(tenant));
    expect((await h.store.repos.waitingAlerts.list(h.integrationId)).map((w) => w.alertId)).toEqual([waitingId.toLowerCase()]);
    expect(await h.store.repos.cursors.get(h.integrationId, ALERTS_LOOP)).not.toEqual(before.cursor);
  });

  it("a dry run decides a key's later events on the links its earlier ones would leave, as the real run does", async () => {
    const tenant = h.tenants[1] as string;
    // Two alerts of one key (same tenant, type and resource) in one pass: one ticket, the second folded into it.
    await h.raise(tenant, 'BackupFailed', { resourceId: 'NAS' });
    await h.raise(tenant, 'BackupFailed', { resourceId: 'NAS' });
    const before = await hubState();
    const dry = (await loop('alerts', true)).plan as AlertPlanEntry[];
    expect(dry.filter((e) => e.kind === 'create_ticket')).toHaveLength(1);
    expect(await hubState()).toEqual(before);
    expect(await hubTickets()).toHaveLength(0);
    const real = (await loop('alerts', false)).plan as AlertPlanEntry[];
    expect(await hubTickets()).toHaveLength(1);
    const ticketId = String((await hubTickets())[0]!.id);
    // The same decisions; the dry run names the ticket it would create by a placeholder.
    expect(dry.map((e) => ({ ...e, ticketId: e.ticketId === PLANNED_TICKET_ID ? ticketId : e.ticketId, what: e.what.replaceAll(PLANNED_TICKET_ID, ticketId) }))).toEqual(real);
  });

  it('psa-bridge sync --loop alerts --dry-run prints the ticket it would create, by company, and creates none', { timeout: 180_000 }, async () => {
    const tenant = h.tenants[0] as string;
    await h.raise(tenant, 'BackupFailed', { resourceId: 'VM-CLI' });
    const before = await hubState();
    const env = { DATABASE_URL: h.databaseUrl, PSA_BRIDGE_SECRET_KEY: TEST_SECRET_KEY.toString('hex'), PSA_BRIDGE_VENDOR_HOSTS: '127.0.0.1' };
    const cli = await runCli(['sync', 'autotask-emulator', '--loop', 'alerts', '--dry-run'], env);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/== alerts \(dry run: nothing applied\)/);
    expect(cli.stdout).toMatch(/company\s+action\s+alert\s+ticket\s+what/);
    const row = cli.stdout.split('\n').find((line) => line.includes('create ticket'));
    expect(row).toBeDefined();
    expect(row!.startsWith(await companyName(tenant) as string)).toBe(true);
    expect(row).toMatch(/VM-CLI/);
    expect(cli.stdout).toMatch(/stats: .*created=1/);
    const json = await runCli(['sync', 'autotask-emulator', '--loop', 'alerts', '--dry-run', '--json'], env);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ loop: 'alerts', dryRun: true, plan: [expect.objectContaining({ kind: 'create_ticket', tenantId: tenant, companyId: h.companies.get(tenant) })] })]);
    expect(await hubTickets()).toHaveLength(0);
    expect(await hubState()).toEqual(before);
    // A dry run is not a run: nothing in the run history.
    expect(await h.store.repos.loopRuns.list(h.integrationId, { loop: 'alerts', limit: 5 })).toEqual([]);
  });

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
