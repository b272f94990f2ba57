// The two ticket loops against the Acronis and Autotask emulators over real HTTP, on every test
// database: the seeds' ticket rules end to end (000 §5.5/§5.6, 001 "Mapping Alerts to Tickets").
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ticketExternalRef, alertKeyOf } from '../../src/domain/alert-identity.ts';
import { ConnectorError } from '../../src/connectors/kit/errors.ts';
import type { Target } from '../../src/connectors/ports.ts';
import { runAlertsPass } from '../../src/sync/alerts-loop.ts';
import { testDatabases } from '../support/databases.ts';
import { startAlertsHarness, type AlertsHarness } from './harness.ts';

describe.each(testDatabases())('alerts → Autotask tickets on $name', (database) => {
  let h: AlertsHarness;
  beforeEach(async () => {
    h = await startAlertsHarness(database, { customers: 3, unmapped: 1 });
  });
  afterEach(async () => {
    await h.close();
  });

  const hubTickets = async () => (await h.tickets()).filter((t) => (t.externalID ?? '').startsWith('pb:'));
  /** Billing mapped as a person maps it (the product-mapping settings): workstations on an existing service. */
  const mapBilling = (serviceId: string) =>
    h.store.repos.settings.set(h.integrationId, 'product-mapping', {
      entries: [{ itemKey: 'workstations', infraId: null, service: { kind: 'existing', productId: serviceId }, periodType: 'monthly', serviceCode: null }],
    });

  it('names the contract that bills mapped products when the company has several (seed 000 §5.6)', async () => {
    const tenant = h.tenants[0] as string;
    const companyID = Number(h.companies.get(tenant));
    const [demo] = (await h.autotaskApi('POST', '/Contracts/query', { filter: [{ op: 'eq', field: 'companyID', value: companyID }] })).items as Array<Record<string, unknown> & { id: number }>;
    expect(demo).toBeDefined();
    const onDemo = new Set(((await h.autotaskApi('POST', '/ContractServices/query', { filter: [{ op: 'eq', field: 'contractID', value: demo!.id }] })).items as Array<{ serviceID: number }>).map((l) => l.serviceID));
    const services = (await h.autotaskApi('POST', '/Services/query', { filter: [{ op: 'eq', field: 'isActive', value: true }] })).items as Array<{ id: number }>;
    const mapped = services.find((svc) => !onDemo.has(svc.id));
    expect(mapped).toBeDefined();
    // A second active contract, listed after the demo one, is the only one with the mapped service.
    const { itemId: billingContract } = await h.autotaskApi('POST', '/Contracts', {
      companyID,
      contractName: 'Protection Billing',
      contractType: demo!.contractType,
      status: demo!.status,
      startDate: demo!.startDate,
      endDate: demo!.endDate,
      timeReportingRequiresStartAndStopTimes: 1,
    });
    await h.autotaskApi('POST', `/Contracts/${billingContract}/Services`, { serviceID: mapped!.id, unitPrice: 5 });
    await mapBilling(String(mapped!.id));

    await h.raise(tenant, 'BackupFailed', { resourceId: 'VM-9' });
    expect((await h.alertsPass()).created).toBe(1);
    const [ticket] = await hubTickets();
    expect(ticket?.contractID).toBe(billingContract);
    expect(ticket?.description).toContain('Contract: Protection Billing');
  });

  it('raises one ticket with the right fields and a text a technician can act on', async () => {
    const tenant = h.tenants[0] as string;
    // Billing is mapped (seed 000 §5.6: the contract is named in the ticket only then).
    await mapBilling('1');
    const alertId = await h.raise(tenant, 'BackupFailed', { resourceId: 'VM-1', resourceName: 'syslog-vm', planName: 'Daily backup', planId: 'P-1' });
    const stats = await h.alertsPass();
    expect(stats.created).toBe(1);

    const [ticket, ...others] = await hubTickets();
    expect(others).toHaveLength(0);
    expect(ticket).toBeDefined();
    const t = ticket!;
    expect(String(t.companyID)).toBe(h.companies.get(tenant));
    expect(t).toMatchObject({ status: 1, priority: 1, queueID: 8, source: 8, issueType: 2 });
    const key = alertKeyOf({ tenantId: tenant, type: 'BackupFailed', details: { resourceId: 'VM-1' } })!;
    expect(t.externalID).toBe(ticketExternalRef(key, 1));
    expect(t.title).toMatch(/: Backup failed on syslog-vm$/);
    expect(t.description).toContain('Machine or resource: syslog-vm');
    expect(t.description).toContain('Plan: Daily backup');
    expect(t.description).toContain(`Alert id: ${alertId}`);
    expect(t.description).toContain('Raised at (UTC): ');
    expect(t.description).toContain(h.acronis.url);
    // Demo companies have a "… - Managed Backup" contract; billing is mapped, so it is named and set.
    expect(t.description).toMatch(/Contract: .+ - Managed Backup/);
    expect(t.contractID).toBeTruthy();

    const listed = await h.store.repos.alertLinks.list(h.integrationId);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ displayState: 'open', labels: { alertType: 'BackupFailed', resourceName: 'syslog-vm', ticketNumber: t.ticketNumber } });

    // A second pass with nothing new writes nothing.
    const again = await h.alertsPass();
    expect(again).toMatchObject({ observed: 0, created: 0 });
  });

  it('repeats of one machine become notes on one ticket; two machines are two tickets', async () => {
    const tenant = h.tenants[1] as string;
    await h.raise(tenant, 'BackupFailed', { resourceId: 'A' });
    await h.alertsPass();
    // The note window is one minute: repeats inside it are counted, the next one after it is a note.
    for (let i = 0; i < 3; i += 1) await h.raise(tenant, 'BackupFailed', { resourceId: 'A' });
    const coalesced = await h.alertsPass();
    expect(coalesced).toMatchObject({ created: 0, nothing: 3 });
    await h.advanceDays(1 / 24);
    await h.raise(tenant, 'BackupFailed', { resourceId: 'A' });
    const noted = await h.alertsPass();
    expect(noted.noted).toBe(1);
    await h.raise(tenant, 'BackupFailed', { resourceId: 'B' });
    await h.alertsPass();

    const tickets = await hubTickets();
    expect(tickets).toHaveLength(2);
    const a = tickets.find((t) => t.title.endsWith(' on a')) ?? tickets.find((t) => t.description.includes('resource id A'));
    expect(a).toBeDefined();
    const notes = await h.notes(a!.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.description).toContain('raised again 4 times');
  });

  it('clear → auto-close; recurrence within N days → reopen; after N days → a new ticket', async () => {
    const tenant = h.tenants[0] as string;
    const first = await h.raise(tenant, 'BackupFailed', { resourceId: 'VM-9' });
    await h.alertsPass();
    await h.clear(first);
    expect((await h.alertsPass()).closed).toBe(1);
    let [ticket] = await hubTickets();
    expect(ticket!.status).toBe(5);
    expect((await h.store.repos.alertLinks.list(h.integrationId))[0]!.displayState).toBe('closed');

    await h.advanceDays(2);
    const second = await h.raise(tenant, 'BackupFailed', { resourceId: 'VM-9' });
    expect((await h.alertsPass()).reopened).toBe(1);
    [ticket] = await hubTickets();
    expect(ticket!.status).toBe(8);
    expect((await h.store.repos.alertLinks.list(h.integrationId))[0]!.displayState).toBe('reopened');
    expect((await h.notes(ticket!.id)).map((n) => n.title)).toEqual(expect.arrayContaining([expect.stringMatching(/^Alert cleared/), expect.stringMatching(/^Reopened/)]));

    await h.clear(second);
    await h.alertsPass();
    await h.advanceDays(8);
    await h.raise(tenant, 'BackupFailed', { resourceId: 'VM-9' });
    expect((await h.alertsPass()).created).toBe(1);
    const tickets = await hubTickets();
    expect(tickets).toHaveLength(2);
    expect(tickets.map((t) => t.externalID!.split(':')[2]).sort()).toEqual(['1', '2']);
  });

  it('a technician setting the clear status dismisses the vendor alert once', async () => {
    const tenant = h.tenants[2] as string;
    const alertId = await h.raise(tenant, 'BackupFailed', { resourceId: 'SRV' });
    await h.alertsPass();
    await h.ticketsPass();
    const [ticket] = await hubTickets();
    await h.advanceDays(1 / 1440);
    await h.autotaskApi('PATCH', '/Tickets', { id: ticket!.id, status: 12 });
    const stats = await h.ticketsPass();
    expect(stats.alertsCleared).toBe(1);
    const alert = h.acronis.state.getAlert(alertId);
    expect(alert?.deletedNs ?? null).not.toBeNull();
    const again = await h.ticketsPass();
    expect(again.alertsCleared).toBe(0);
    // The clear that follows does not close the ticket: the technician's status stands.
    const next = await h.alertsPass();
    expect(next.closed).toBe(0);
    expect((await hubTickets())[0]!.status).toBe(12);
    const link = (await h.store.repos.alertLinks.list(h.integrationId))[0]!;
    expect(link.displayState).toBe('alert_cleared');
    const dismissals = (await h.control('acronis', 'GET', '/requests?limit=1000')).items.filter((r: { method: string; path: string }) => r.method === 'DELETE' && r.path.includes('/alerts/'));
    expect(dismissals).toHaveLength(1);
  });

  it('an unmapped tenant waits, visibly; once mapped its alert becomes a ticket', async () => {
    const unmapped = h.tenants[3] as string;
    const alertId = await h.raise(unmapped, 'BackupFailed', { resourceId: 'X' });
    await h.raise(h.tenants[0] as string, 'MalwareDetected', { resourceId: 'X' }); // type not enabled: nothing
    const stats = await h.alertsPass();
    expect(stats).toMatchObject({ waiting: 1, created: 0 });
    expect(await hubTickets()).toHaveLength(0);
    const waiting = await h.store.repos.waitingAlerts.list(h.integrationId, { reason: 'unmapped' });
    expect(waiting.map((w) => w.alertId)).toEqual([alertId.toLowerCase()]);
    expect(waiting[0]!.detail).toContain('not mapped');

    // Still unmapped: asked again, still waiting, no default company.
    await h.alertsPass();
    expect(await hubTickets()).toHaveLength(0);

    const { itemId } = await h.autotaskApi('POST', '/Companies', { companyName: 'Late Customer', companyType: 1, phone: '555-0100', ownerResourceID: 4 }).catch(async () => {
      const owner = ((await h.control('autotask', 'GET', '/users')).items as Array<{ resourceId: number; isApiUser: boolean }>).find((u) => !u.isApiUser)!.resourceId;
      return h.autotaskApi('POST', '/Companies', { companyName: 'Late Customer', companyType: 1, phone: '555-0100', ownerResourceID: owner });
    });
    await h.store.repos.mappings.upsertCompanies(h.integrationId, [{ companyId: String(itemId), companyName: 'Late Customer' }]);
    await h.store.repos.mappings.map(h.integrationId, String(itemId), { tenantId: unmapped });
    const released = await h.alertsPass();
    expect(released.released).toBe(1);
    const tickets = await hubTickets();
    expect(tickets).toHaveLength(1);
    expect(String(tickets[0]!.companyID)).toBe(String(itemId));
    expect(await h.store.repos.waitingAlerts.list(h.integrationId)).toHaveLength(0);
  });

  it('a poisoned alert holds the cursor for 3 passes, then is parked as failed and stops blocking', async () => {
    const env = await h.env();
    const tickets = env.target.tickets!;
    const poisonedCompany = h.companies.get(h.tenants[1] as string);
    const target: Target = {
      ...env.target,
      tickets: {
        ...tickets,
        createTicket: async (ticket) => {
          if (ticket.companyId === poisonedCompany) throw new ConnectorError({ code: 'bad_request', system: 'autotask', message: 'Tickets: the company is inactive.', context: { operation: 'create ticket' } });
          return tickets.createTicket(ticket);
        },
      },
    };
    const bad = await h.raise(h.tenants[1] as string, 'BackupFailed', { resourceId: 'P' });
    await h.raise(h.tenants[0] as string, 'BackupFailed', { resourceId: 'OK1' });
    const first = await runAlertsPass({ ...env, target });
    expect(first).toMatchObject({ failed: 1, created: 1, parked: 0 });
    expect(first.cursor).toBeNull(); // held before the failed alert (nothing was handled before it)
    await runAlertsPass({ ...env, target });
    const third = await runAlertsPass({ ...env, target });
    expect(third).toMatchObject({ failed: 1, parked: 1 });
    const failed = await h.store.repos.waitingAlerts.list(h.integrationId, { reason: 'failed' });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ alertId: bad.toLowerCase(), attempts: 3 });
    expect(failed[0]!.lastError).toContain('the company is inactive');
    expect(failed[0]!.nextAttemptAt).not.toBeNull();
    // No longer read from the stream: the cursor is past it, later alerts flow.
    await h.raise(h.tenants[2] as string, 'BackupFailed', { resourceId: 'OK2' });
    const fourth = await runAlertsPass({ ...env, target });
    expect(fourth).toMatchObject({ observed: 1, created: 1, failed: 0 });
    // Once the target accepts it, the retry from the failed queue (after its backoff) makes the ticket.
    await h.advanceDays(1 / 24);
    const healed = await runAlertsPass(env);
    expect(healed).toMatchObject({ released: 1, created: 1 });
    expect(await h.store.repos.waitingAlerts.list(h.integrationId, { reason: 'failed' })).toHaveLength(0);
    expect(await hubTickets()).toHaveLength(3);
  });
});
