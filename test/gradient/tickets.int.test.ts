// Alerts → Gradient tickets through the shared ticket engine, on both databases, over the hub's
// HTTP API against the Acronis and Gradient emulators: the alert types a person enables and a
// priority per type (1 low … 4 very high) are the same alert mappings and ticket settings as every
// target's; Gradient's manifest declares the priority field and no close or reopen, so the ticket
// settings refuse auto-close, clearing the alert and reopening for it; the settings Gradient
// integrations stored before (connector `alertTypes` / `alertPriorities`) move there unchanged.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { up as moveLegacyAlertSettings } from '../../src/store/migrations/0014_gradient_alert_mappings.ts';
import { runAccountPush } from '../../src/sync/billing/account-push.ts';
import { runAlertPush } from '../../src/sync/billing/alert-push.ts';
import { testDatabases } from '../support/databases.ts';
import { startGradientApiHarness, type GradientApiHarness } from './harness.ts';

describe.each(testDatabases())('Gradient tickets through the shared ticket engine on $name', { timeout: 120_000 }, (database) => {
  let h: GradientApiHarness;
  let integrationId: string;

  const call = async (method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown) => {
    const res = await h.hub.app.inject({ method, url: `/api/v1/integrations/${integrationId}${path}`, headers: h.auth, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.json() };
  };
  const runtime = () => h.runtime();

  beforeEach(async () => {
    h = await startGradientApiHarness(database);
    integrationId = h.integrationId;
  });
  afterEach(async () => {
    await h.close();
  });

  it('declares the priority field and no close or reopen; alert types are enabled with a priority each, as for every target', async () => {
    const targets = (await h.hub.app.inject({ method: 'GET', url: '/api/v1/targets', headers: h.auth })).json();
    const manifest = targets.items.find((t: { target: string }) => t.target === 'gradient');
    expect(manifest.tickets.fields).toEqual([expect.objectContaining({ name: 'priority', required: false })]);
    expect(manifest.capabilities.alerts).toMatchObject({ close: false, reopen: false });
    expect(manifest.tabs).toContain('tickets');

    const mappings = await call('GET', '/alert-mappings');
    expect(mappings.status, JSON.stringify(mappings.body)).toBe(200);
    expect(mappings.body.fields.map((f: { name: string }) => f.name)).toEqual(['priority']);
    expect(mappings.body.picklists.priority).toEqual([
      { value: '1', label: '1 Low' },
      { value: '2', label: '2 Medium' },
      { value: '3', label: '3 High' },
      { value: '4', label: '4 Very high' },
    ]);
    expect(mappings.body.alertTypes.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining(['BackupFailed', 'MalwareDetected']));
    expect(mappings.body.alertTypes.every((t: { enabled: boolean }) => !t.enabled)).toBe(true);

    // A priority Gradient does not have is refused, naming the values it has.
    const wrong = await call('PUT', '/alert-mappings', { types: { BackupFailed: { enabled: true, fields: { priority: '5' } } } });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toMatch(/priority/);
    expect(JSON.stringify(wrong.body)).toMatch(/Very high/);
    const saved = await call('PUT', '/alert-mappings', { types: { BackupFailed: { enabled: true, fields: { priority: '4' } }, NoBackupForXDays: { enabled: true, fields: {} } } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);

    // What Gradient cannot do is refused, saying so; what it can (on, minimum severity) is kept.
    for (const patch of [{ autoClose: { enabled: true, status: '5' } }, { clearAlert: { enabled: true, statuses: ['5'] } }, { recurrence: { mode: 'reopen_always' } }, { recurrence: { mode: 'reopen_within_days', days: 2 } }]) {
      const refused = await call('PUT', '/ticket-settings', patch);
      expect(refused.status, JSON.stringify(patch)).toBe(400);
      expect(refused.body.error.message).toMatch(/Gradient cannot (close a ticket|say when a ticket is closed|reopen a ticket)/);
    }
    const settings = await call('GET', '/ticket-settings');
    expect(settings.body.effective).toMatchObject({ enabled: false, recurrence: { mode: 'new_always' }, autoClose: { enabled: false }, clearAlert: { enabled: false } });

    // Switched on from now: alerts raised before stay out; a new BackupFailed is a priority-4 ticket,
    // NoBackupForXDays takes its severity's priority, a type nobody enabled makes none.
    const rt = await runtime();
    await runAccountPush(rt);
    const open = await call('GET', '/ticket-start');
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    expect(open.body.existing.count).toBeGreaterThan(0);
    const started = await call('POST', '/ticket-start', { from: 'now' });
    expect(started.body.enabled).toBe(true);
    const before = await runAlertPush(await runtime());
    expect(before.stats.raised).toBe(0);
    expect(Number(before.stats.beforeStart)).toBeGreaterThan(0);

    const account = (await rt.pushed.accounts(integrationId))[0]!;
    await h.control('acronis', 'POST', '/alerts', { tenant_id: account.accountId, type: 'BackupFailed', details: { resourceId: 'vm-7', resourceName: 'vm-7' } });
    await h.control('acronis', 'POST', '/alerts', { tenant_id: account.accountId, type: 'NoBackupForXDays', details: { resourceId: 'vm-8', resourceName: 'vm-8' } });
    await h.control('acronis', 'POST', '/alerts', { tenant_id: account.accountId, type: 'MalwareDetected', details: { resourceId: 'vm-9', resourceName: 'vm-9' } });
    const raised = await runAlertPush(await runtime());
    expect(raised.stats.raised, JSON.stringify(raised.stats)).toBe(2);
    const sent = (await h.control('gradient', 'GET', '/alerts')).items as { title: string; priority: number }[];
    expect(sent.find((a) => a.title.startsWith('BackupFailed'))?.priority).toBe(4);
    expect(sent.find((a) => a.title.startsWith('NoBackupForXDays'))?.priority).toBeGreaterThanOrEqual(1);
    expect(sent.some((a) => a.title.startsWith('MalwareDetected'))).toBe(false);
  });

  it('moves the alert settings stored before into the shared mappings, losing none, and switches ticket creation on for them', async () => {
    await h.hub.store.repos.settings.set(integrationId, 'connector', { alertTypes: 'BackupFailed, MalwareDetected', alertPriorities: 'BackupFailed=3, MalwareDetected=4' });
    await moveLegacyAlertSettings(h.hub.store.db);
    expect(await h.hub.store.repos.settings.get(integrationId, 'connector')).toEqual({});
    const mappings = await call('GET', '/alert-mappings');
    const byId = new Map(mappings.body.alertTypes.map((t: { id: string }) => [t.id, t]));
    expect(byId.get('BackupFailed')).toMatchObject({ enabled: true, fields: { priority: '3' } });
    expect(byId.get('MalwareDetected')).toMatchObject({ enabled: true, fields: { priority: '4' } });
    expect(mappings.body.alertTypes.filter((t: { enabled: boolean }) => t.enabled)).toHaveLength(2);
    expect((await call('GET', '/ticket-settings')).body.effective.enabled).toBe(true);
    // Again: nothing left to move, nothing changed.
    await moveLegacyAlertSettings(h.hub.store.db);
    expect((await call('GET', '/alert-mappings')).body.alertTypes.filter((t: { enabled: boolean }) => t.enabled)).toHaveLength(2);

    // Priorities without a type list: the types named are the ones chosen.
    await h.hub.store.repos.settings.set(integrationId, 'connector', { alertPriorities: 'NoBackupForXDays=2' });
    await moveLegacyAlertSettings(h.hub.store.db);
    const next = await call('GET', '/alert-mappings');
    expect(next.body.alertTypes.find((t: { id: string }) => t.id === 'NoBackupForXDays')).toMatchObject({ enabled: true, fields: { priority: '2' } });
    // Stored mappings win over the old text.
    expect(next.body.alertTypes.find((t: { id: string }) => t.id === 'BackupFailed')).toMatchObject({ enabled: true, fields: { priority: '3' } });
  });
});
