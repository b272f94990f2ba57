// GET /api/v1/integrations/:id/billing-overview on both databases, against the Acronis and Gradient
// emulators: Gradient's status read live (inactive → pending → active), accounts and services
// pushed with which are mapped in Gradient and which wait (by name), the last counts, alerts
// delivered and failed with Gradient's words, the Microsoft 365 storage note; no key in the answer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { M365_STORAGE_NOTE } from '../../src/domain/billing-services.ts';
import { runAccountPush } from '../../src/sync/billing/account-push.ts';
import { runAlertPush } from '../../src/sync/billing/alert-push.ts';
import { buildBillingRuntime } from '../../src/sync/billing/billing-runtime.ts';
import { runCountPush } from '../../src/sync/billing/count-push.ts';
import { testDatabases } from '../support/databases.ts';
import { enableGradientTickets, startGradientApiHarness, type GradientApiHarness } from './harness.ts';

describe.each(testDatabases())('billing overview API on $name', { timeout: 120_000 }, (database) => {
  let h: GradientApiHarness;
  let hub: GradientApiHarness['hub'];
  let gradient: GradientApiHarness['gradient'];
  let auth: Record<string, string>;
  let integrationId: string;
  let psaIntegrationId: string;

  const control = (method: string, path: string, body?: unknown) => h.control('gradient', method, path, body);
  const overview = async () => {
    const res = await hub.app.inject({ method: 'GET', url: `/api/v1/integrations/${integrationId}/billing-overview`, headers: auth });
    expect(res.statusCode, res.body).toBe(200);
    for (const secret of [gradient.credentials.vendor_key!, gradient.credentials.partner_key!]) expect(res.body).not.toContain(secret);
    return res.json();
  };
  const runtime = () => h.runtime();

  beforeEach(async () => {
    h = await startGradientApiHarness(database);
    ({ hub, gradient, auth, integrationId } = h);
    psaIntegrationId = (await hub.store.repos.integrations.create({ name: 'autotask', connectionId: h.connectionId, target: 'autotask', credentials: { username: 'u@example.com', secret: 's', integrationCode: 'c' }, features: {} })).id;
  });
  afterEach(async () => {
    await h.close();
  });

  it('follows Gradient from inactive to active, and says what is mapped there, what waits and what was counted', async () => {
    const empty = await overview();
    expect(empty.status).toMatchObject({ ok: true, organization: 'Northwind MSP', platformStatus: 'inactive' });
    expect(empty.accounts.pushed).toBe(0);
    expect(empty.storageNote).toBe(M365_STORAGE_NOTE);

    const rt = await runtime();
    await runAccountPush(rt);
    await runCountPush(rt);
    const pending = await overview();
    expect(pending.status.platformStatus).toBe('pending');
    expect(pending.accounts).toMatchObject({ pushed: 30, mapped: 0 });
    // No service is mapped in Gradient yet: every counted pair waits, so nothing is known mapped.
    expect(pending.services.mapped).toBe(0);
    expect(pending.services.waiting).toBeGreaterThan(3);
    expect(pending.counts.every((c: { state: string }) => c.state === 'waiting')).toBe(true);

    // A person maps Workstations in Gradient; the next pass is taken for every auto-matched account.
    const services = (await control('GET', '/services')).items as { id: string; name: string }[];
    const ws = services.find((s) => s.name === 'Acronis Cyber Protect - Workstations')!;
    await control('POST', `/services/${ws.id}/map`, { psaId: '9000' });
    await runCountPush(await runtime());
    const active = await overview();
    expect(active.status.platformStatus).toBe('active');
    const wsView = active.services.items.find((s: { name: string }) => s.name === ws.name);
    expect(wsView).toMatchObject({ mapping: 'mapped', storage: false });
    expect(wsView.accountsCounted).toBeGreaterThan(10);
    expect(active.services.items.filter((s: { storage: boolean }) => s.storage).length).toBeGreaterThan(1);
    // The four accounts spelled differently in the PSA wait for a person, by name (those with workstations).
    const unmatched = ['City Power & Light', 'Contoso Dental Group', 'Litware Legal LLP', 'VanArsdel Ltd'];
    expect(active.accounts.waitingNames.length).toBeGreaterThan(0);
    for (const name of active.accounts.waitingNames) expect(unmatched).toContain(name);
    const counted = active.counts.find((c: { service: string; state: string }) => c.service === ws.name && c.state === 'counted');
    expect(counted).toMatchObject({ unit: 'quantity', countedAt: expect.any(String) });
    expect(counted.countedQuantity).toBe(counted.quantity);
  });

  it('lists alerts delivered and failed with Gradient\'s errors; Gradient out of reach keeps what is stored', async () => {
    const rt = await runtime();
    await runAccountPush(rt);
    await enableGradientTickets(hub.store, integrationId);
    await runAlertPush(rt);
    await control('POST', '/alerts/process');
    await runAlertPush(await buildBillingRuntime(hub.store, integrationId, { clock: () => new Date(Date.now() + 3_600_000) }));
    const view = await overview();
    expect(view.alerts.delivered).toBeGreaterThan(0);
    expect(view.alerts.failed).toBeGreaterThan(0);
    const failed = view.alerts.items.filter((a: { state: string }) => a.state === 'failed');
    expect(failed.every((a: { errors: string[] }) => a.errors[0]?.startsWith('No account map found with id:'))).toBe(true);
    // A delivered ticket proves its account is mapped; a failed one that it waits.
    const delivered = view.alerts.items.find((a: { state: string }) => a.state === 'delivered');
    expect(view.accounts.items.find((a: { accountId: string }) => a.accountId === delivered.tenantId).mapping).toBe('mapped');
    expect(view.accounts.waitingNames).toContain(failed[0].account);

    await gradient.close();
    hub.runtimes.invalidate(integrationId);
    const offline = await overview();
    expect(offline.status.ok).toBe(false);
    expect(offline.status.error).toMatch(/Gradient/);
    expect(offline.accounts.pushed).toBe(30);
  });

  it('answers what to do for an integration that is not a billing platform, and 404 for none', async () => {
    const psa = await hub.app.inject({ method: 'GET', url: `/api/v1/integrations/${psaIntegrationId}/billing-overview`, headers: auth });
    expect(psa.statusCode).toBe(400);
    expect(psa.json().error.message).toMatch(/autotask integration: this view is for billing platforms \(Gradient Synthesize\)/);
    const none = await hub.app.inject({ method: 'GET', url: '/api/v1/integrations/nope/billing-overview', headers: auth });
    expect(none.statusCode).toBe(404);
  });
});
