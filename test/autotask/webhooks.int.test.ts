// Autotask webhooks end to end, on both databases, over real HTTP (the Acronis and Autotask emulators,
// the hub as `serve` runs it): turning callbacks on registers a CompanyWebhook and a TicketWebhook at
// the hub's public URL with the secret the hub derives; a technician completing a ticket in Autotask
// is delivered signed and the Acronis alert is cleared by the tickets pass it triggers, within
// seconds (measured, printed, not asserted), not at the next scheduled pass; forged, replayed and
// stale callouts are refused without an audit row each; with callbacks off the tickets poll still
// clears the alert.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookSignature } from '../../src/connectors/autotask/webhook-signature.ts';
import { testDatabases } from '../support/databases.ts';
import { startCwHub, type CwHub } from '../connectwise/hub.ts';
import { startAlertsHarness, type AlertsHarness } from '../alerts/harness.ts';

/** The Autotask "Complete" status the harness's ticket settings clear the alert on. */
const COMPLETE = 5;

async function waitFor<T>(what: string, read: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(testDatabases())('Autotask webhooks on $name', (database) => {
  let h: AlertsHarness;
  let hub: CwHub;

  beforeEach(async () => {
    h = await startAlertsHarness(database, { customers: 3 });
  });
  afterEach(async () => {
    await hub?.close();
    await h.close();
  });

  const hubTickets = async () => (await h.tickets()).filter((t) => (t.externalID ?? '').startsWith('pb:'));
  const cleared = (alertId: string) => (h.acronis.state.getAlert(alertId)?.deletedNs ?? null) !== null;
  /** An alert with its ticket, raised before the hub starts, and the hub with its first passes done. */
  const alertWithTicket = async (tenantIndex: number, resourceId: string) => {
    const alertId = await h.raise(h.tenants[tenantIndex]!, 'BackupFailed', { resourceId });
    await h.alertsPass();
    await h.ticketsPass();
    const ticket = (await hubTickets()).find((t) => t.externalID !== null && h.companies.get(h.tenants[tenantIndex]!) === String(t.companyID));
    expect(ticket).toBeDefined();
    return { alertId, ticket: ticket! };
  };
  // The hub schedules no loop here: every pass that runs is one a webhook triggered (or the test asks for).
  const startHub = async () => {
    hub = await startCwHub(h.store);
  };
  const enable = async () => {
    const on = await hub.api('PUT', `/api/v1/integrations/${h.integrationId}/callbacks`, { enabled: true, publicUrl: hub.url });
    expect(on.status).toBe(200);
    return on.body as { callbackUrl: string; registrations: { entity: string; url: string; active: boolean }[] };
  };

  it('registers company and ticket webhooks, and a ticket completed in Autotask clears the alert within seconds', { timeout: 90_000 }, async () => {
    const first = await alertWithTicket(0, 'SRV-A');
    const second = await alertWithTicket(1, 'SRV-B');
    await startHub();
    const on = await enable();
    expect(on.callbackUrl).toBe(`${hub.url}/api/v1/callbacks/autotask/${h.integrationId}`);
    // Autotask has no contract webhooks: contracts stay with the provisioning poll.
    expect(on.registrations.map((r) => r.entity).sort()).toEqual(['company', 'ticket']);
    expect(on.registrations.every((r) => r.active && r.url === on.callbackUrl)).toBe(true);
    const hooks = (await h.control('autotask', 'GET', '/entities/TicketWebhooks')).items as { webhookUrl: string; secretKey: string; isReady: boolean }[];
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ webhookUrl: on.callbackUrl, isReady: true, secretKey: h.store.repos.integrations.callbackSecret(h.integrationId) });
    // Enabling again changes nothing on Autotask's side.
    expect((await enable()).registrations).toHaveLength(2);
    expect((await h.control('autotask', 'GET', '/entities/TicketWebhooks')).items).toHaveLength(1);

    const latencies: number[] = [];
    for (const { alertId, ticket } of [first, second]) {
      const started = Date.now();
      await h.autotaskApi('PATCH', '/Tickets', { id: ticket.id, status: COMPLETE });
      await waitFor('the alert cleared', () => (cleared(alertId) ? true : undefined), 10_000);
      latencies.push(Date.now() - started);
    }
    console.log(`[autotask webhooks/${database.name}] ticket completed → alert cleared in ${latencies.join(', ')} ms`);
    const callouts = (await h.control('autotask', 'GET', '/callouts')).items as { url: string; status: number | null }[];
    expect(callouts.filter((c) => c.url === on.callbackUrl).map((c) => c.status)).toEqual([202, 202]);
    // Cleared by the passes the callouts triggered (the hub schedules none), recorded once they finish.
    await waitFor('two triggered tickets runs', async () => ((await h.store.repos.loopRuns.list(h.integrationId, { loop: 'tickets' })).filter((r) => r.status === 'succeeded').length >= 2 ? true : undefined));
    // Each alert dismissed once.
    const dismissals = (await h.control('acronis', 'GET', '/requests?limit=1000')).items.filter((r: { method: string; path: string }) => r.method === 'DELETE' && r.path.includes('/alerts/'));
    expect(dismissals).toHaveLength(2);

    // A company renamed in Autotask reaches its mapping through the directory pass the webhook triggers.
    const companyId = h.companies.get(h.tenants[2]!)!;
    await h.autotaskApi('PATCH', '/Companies', { id: Number(companyId), companyName: 'Renamed by webhook' });
    await waitFor('the renamed company', async () => ((await h.store.repos.mappings.get(h.integrationId, companyId))?.companyName === 'Renamed by webhook' ? true : undefined));

    const off = await hub.api('PUT', `/api/v1/integrations/${h.integrationId}/callbacks`, { enabled: false });
    expect(off.body).toMatchObject({ enabled: false, registrations: [] });
    expect((await h.control('autotask', 'GET', '/entities/TicketWebhooks')).items).toHaveLength(0);
    expect((await h.control('autotask', 'GET', '/entities/CompanyWebhooks')).items).toHaveLength(0);
  });

  it('refuses forged, replayed and stale callouts, with one audit row for the flood and nothing of the hub in the answers', { timeout: 90_000 }, async () => {
    await startHub();
    const on = await enable();
    const post = (body: string, headers: Record<string, string> = {}) => fetch(on.callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const event = (eventTime: string, id: number) =>
      JSON.stringify({ Action: 'Update', Guid: 'x', EntityType: 'Ticket', Id: id, Fields: { status: COMPLETE }, EventTime: eventTime, SequenceNumber: id, PersonID: 4 });
    const body = event(new Date().toISOString(), 1);

    const unsigned = await post(body);
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual({ error: { code: 'signature_refused', message: 'The callback could not be verified and is refused' } });
    const auditBefore = (await h.store.repos.auditLog.list({ subjectId: h.integrationId })).length;
    const answers: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      const forged = event(new Date().toISOString(), 100 + i);
      const res = await post(forged, { 'x-hook-signature': webhookSignature('a secret the forger guessed', forged) });
      expect(res.status).toBe(401);
      answers.push(await res.text());
    }
    // One audit row for the integration's refusals in the minute: the first one, saying why.
    const refused = (await h.store.repos.auditLog.list({ subjectId: h.integrationId })).filter((e) => e.action === 'callback.refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.details).toMatchObject({ reason: expect.stringMatching(/no X-Hook-Signature/) });
    expect((await h.store.repos.auditLog.list({ subjectId: h.integrationId })).length).toBe(auditBefore);
    expect(answers.join('\n')).not.toMatch(/autotask|secret|X-Hook/i);

    // Genuine (signed with the integration's secret): accepted once, refused when sent again.
    const secret = h.store.repos.integrations.callbackSecret(h.integrationId);
    const genuine = await post(body, { 'x-hook-signature': webhookSignature(secret, body) });
    expect(genuine.status).toBe(202);
    expect(await genuine.json()).toMatchObject({ entity: 'ticket', action: 'updated', loop: 'tickets', triggered: true });
    expect((await post(body, { 'x-hook-signature': webhookSignature(secret, body) })).status).toBe(409);
    // Signed, but older than the window its digest is kept for: refused as a replay too.
    const stale = event(new Date(Date.now() - 2 * 86_400_000).toISOString(), 2);
    expect((await post(stale, { 'x-hook-signature': webhookSignature(secret, stale) })).status).toBe(409);
    // Another integration's secret does not sign for this one.
    const otherSecret = h.store.repos.integrations.callbackSecret('another-integration');
    const fresh = event(new Date().toISOString(), 3);
    expect((await post(fresh, { 'x-hook-signature': webhookSignature(otherSecret, fresh) })).status).toBe(401);
  });

  it('with callbacks off, nothing is pushed and the tickets poll still clears the alert', { timeout: 90_000 }, async () => {
    const { alertId, ticket } = await alertWithTicket(0, 'SRV-C');
    await startHub();
    await enable();
    await hub.api('PUT', `/api/v1/integrations/${h.integrationId}/callbacks`, { enabled: false });
    const calloutsBefore = ((await h.control('autotask', 'GET', '/callouts')).items as unknown[]).length;
    await h.autotaskApi('PATCH', '/Tickets', { id: ticket.id, status: COMPLETE });
    await new Promise((r) => setTimeout(r, 1500));
    expect(((await h.control('autotask', 'GET', '/callouts')).items as unknown[]).length).toBe(calloutsBefore);
    expect(cleared(alertId)).toBe(false);
    // The next scheduled tickets pass, as the runner would run it at its interval.
    const result = await hub.runner.runNow(h.integrationId, 'tickets');
    expect(result.status).toBe('ok');
    expect(cleared(alertId)).toBe(true);
  });
});
