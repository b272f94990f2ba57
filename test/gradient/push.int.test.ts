// The hub as Gradient's vendor integration, on both databases, against the Acronis and Gradient
// emulators: accounts and services pushed once, pending → auto-match, counts level-triggered with
// 404 = waiting for mapping, a mapping made in Gradient filled in by the next pass, renames, a
// deleted tenant retired with its counts at 0, and alerts to tickets.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCallCounter } from '../../src/connectors/kit/call-metrics.ts';
import { DELETED_SUFFIX } from '../../src/domain/billing-push-plan.ts';
import { runAccountPush } from '../../src/sync/billing/account-push.ts';
import { runAlertPush } from '../../src/sync/billing/alert-push.ts';
import { runCountPush } from '../../src/sync/billing/count-push.ts';
import { testDatabases } from '../support/databases.ts';
import { enableGradientTickets, startGradientHubHarness, type GradientHubHarness } from './harness.ts';

describe.each(testDatabases())('Gradient push on $name', { timeout: 120_000 }, (database) => {
  let h: GradientHubHarness;
  beforeEach(async () => {
    h = await startGradientHubHarness(database);
  });
  afterEach(async () => {
    await h.close();
  });

  it('pushes one account per customer tenant and one service per item (storage per location), then pending; a second pass writes nothing', async () => {
    const rt = await h.runtime();
    const first = await runAccountPush(rt);
    expect(first.stats.accountsCreated).toBe(30);
    const accounts = await h.control('gradient', 'GET', '/accounts');
    expect(accounts.total).toBe(30);
    expect(accounts.items.every((a: { copies: number }) => a.copies === 1)).toBe(true);
    const services = (await h.control('gradient', 'GET', '/services')).items as { name: string; category: string; subcategory: string }[];
    const storage = services.filter((s) => s.subcategory === 'cloud storage');
    // Each storage is a service of its own (its billable classes too).
    expect(storage.map((s) => s.name)).toEqual(expect.arrayContaining(['Acronis Cyber Protect - Cloud storage (Acronis Cloud Storage (EU))', 'Acronis Cyber Protect - Cloud storage (Northwind Storage (own))']));
    expect(storage.length % 2).toBe(0);
    expect(services.find((s) => s.name === 'Acronis Cyber Protect - Workstations')).toMatchObject({ category: 'backup', subcategory: 'cloud backup' });
    expect(services.find((s) => s.name === 'Acronis Cyber Protect - Advanced Email Security')).toMatchObject({ category: 'security', subcategory: 'email security' });
    expect((await h.control('gradient', 'GET', '/organizations')).items[0].status).toBe('pending');
    // Exact names matched at pending; the four spelled differently in the PSA wait for a person.
    const unmapped = (await h.control('gradient', 'GET', '/accounts')).items.filter((a: { mapping: string }) => a.mapping === 'unmapped').map((a: { name: string }) => a.name);
    expect(unmapped.sort()).toEqual(['City Power & Light', 'Contoso Dental Group', 'Litware Legal LLP', 'VanArsdel Ltd']);

    const calls = createCallCounter();
    const second = await runAccountPush(await h.runtime({ onPlatformCall: calls.observe }));
    expect(second.stats).toMatchObject({ accountsCreated: 0, accountsRenamed: 0, servicesCreated: 0, servicesUpdated: 0 });
    expect(calls.records().filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('counts: 404 waits for mapping and is retried; a mapping made in Gradient is filled in by the next pass; unchanged counts are not posted again', async () => {
    const rt = await h.runtime();
    const first = await runCountPush(rt);
    // No service is mapped in Gradient yet: everything waits, asked with one probe per account and
    // per service (30 accounts), the other pairs recorded as waiting without a call.
    expect(first.stats.counted).toBe(0);
    expect(first.stats.waitingForMapping).toBe(first.stats.posted);
    expect(Number(first.stats.posted)).toBeLessThanOrEqual(30 + (await rt.pushed.services(h.integrationId)).length);
    expect(Number(first.stats.posted) + Number(first.stats.notAsked)).toBeGreaterThan(60);
    expect((await rt.pushed.counts(h.integrationId)).filter((c) => c.state === 'waiting')).toHaveLength(Number(first.stats.posted) + Number(first.stats.notAsked));
    const services = (await h.control('gradient', 'GET', '/services')).items as { id: string; name: string }[];
    const ws = services.find((s) => s.name === 'Acronis Cyber Protect - Workstations')!;
    const storage = services.find((s) => s.name === 'Acronis Cyber Protect - Cloud storage (Acronis Cloud Storage (EU))')!;
    await h.control('gradient', 'POST', `/services/${ws.id}/map`, { psaId: '9000' });
    await h.control('gradient', 'POST', `/services/${storage.id}/map`, { psaId: '9003' });

    const second = await runCountPush(await h.runtime());
    expect(second.stats.counted).toBeGreaterThan(20);
    const counts = (await h.control('gradient', 'GET', '/counts')).items as { accountName: string; serviceName: string; unitCount: number; noBuild: boolean }[];
    // The last post of the pass rebuilt the billing view; every other deferred it.
    expect(counts.filter((c) => !c.noBuild)).toHaveLength(1);
    expect((await h.control('gradient', 'GET', '/counts')).builds).toBe(1);
    // Storage in GB, decimals kept.
    const storageCounts = counts.filter((c) => c.serviceName === storage.name);
    expect(storageCounts.length, JSON.stringify(counts.slice(0, 5))).toBeGreaterThan(5);
    expect(storageCounts.some((c) => !Number.isInteger(c.unitCount))).toBe(true);
    // Each card of a pair the hub counted shows that count as the vendor quantity.
    const cards = (await h.control('gradient', 'GET', '/cards')).items as { accountName: string; serviceName: string; vendorQuantity: number | null }[];
    const byPair = new Map(counts.map((c) => [`${c.accountName}|${c.serviceName}`, c.unitCount]));
    const shown = cards.filter((c) => c.vendorQuantity !== null);
    expect(shown.length).toBeGreaterThan(20);
    for (const c of shown) expect(c.vendorQuantity).toBe(byPair.get(`${c.accountName}|${c.serviceName}`));
    expect((await h.control('gradient', 'GET', '/organizations')).items[0].status).toBe('active');

    // Unchanged: only waiting pairs are asked again, and only one per account and per service that
    // waits (its probe); the rest of their pairs wait without a call.
    const waitingBefore = (await rt.pushed.counts(h.integrationId)).filter((c) => c.state === 'waiting');
    const third = await runCountPush(await h.runtime());
    expect(third.stats.counted).toBe(0);
    expect(third.stats.posted).toBe(third.stats.waitingForMapping);
    const waitingAccounts = new Set(waitingBefore.map((c) => c.accountId));
    const waitingServices = new Set(waitingBefore.map((c) => c.serviceKey));
    expect(Number(third.stats.posted)).toBeLessThanOrEqual(waitingAccounts.size + waitingServices.size);
    expect(Number(third.stats.posted)).toBeLessThan(waitingBefore.length);
    expect(Number(third.stats.posted) + Number(third.stats.notAsked)).toBe(waitingBefore.length);
    let pushed = await rt.pushed.counts(h.integrationId);
    expect(pushed.filter((c) => c.state === 'counted')).toHaveLength(Number(second.stats.counted));
    // Pairs held back still read as waiting, saying why.
    expect(pushed.filter((c) => c.state === 'waiting')).toHaveLength(waitingBefore.length);

    // A person maps one of the accounts spelled differently in the PSA: the next pass fills in its counts.
    const vanArsdel = ((await h.control('gradient', 'GET', '/accounts')).items as { id: string; name: string }[]).find((a) => a.name === 'VanArsdel Ltd')!;
    const psaCompany = ((await h.control('gradient', 'GET', '/psa')).companies as { id: string }[])[0]!;
    await h.control('gradient', 'POST', `/accounts/${vanArsdel.id}/map`, { psaId: psaCompany.id });
    const fourth = await runCountPush(await h.runtime());
    pushed = await rt.pushed.counts(h.integrationId);
    const mappedKeys = (await rt.pushed.services(h.integrationId)).filter((s) => s.name === ws.name || s.name === storage.name).map((s) => s.serviceKey);
    const vanArsdelCounted = pushed.filter((c) => c.accountId === vanArsdel.id && c.state === 'counted').map((c) => c.serviceKey);
    // Every pair of the account with a mapped service, and nothing else of it.
    expect(vanArsdelCounted.sort()).toEqual(pushed.filter((c) => c.accountId === vanArsdel.id && mappedKeys.includes(c.serviceKey)).map((c) => c.serviceKey).sort());
    expect(vanArsdelCounted.length).toBeGreaterThan(0);
    expect(Number(fourth.stats.counted)).toBe(vanArsdelCounted.length);
    expect((await h.control('gradient', 'GET', '/counts')).items.filter((c: { accountName: string }) => c.accountName === 'VanArsdel Ltd')).toHaveLength(vanArsdelCounted.length);
  });

  it('renames an account when the tenant is renamed; a deleted tenant is renamed to say so and its counts go to 0 once', async () => {
    let rt = await h.runtime();
    await runAccountPush(rt);
    const services = (await h.control('gradient', 'GET', '/services')).items as { id: string; name: string }[];
    const ws = services.find((s) => s.name === 'Acronis Cyber Protect - Workstations')!;
    await h.control('gradient', 'POST', `/services/${ws.id}/map`, { psaId: '9000' });
    await runCountPush(rt);
    const accounts = (await h.control('gradient', 'GET', '/accounts')).items as { id: string; name: string }[];
    const coho = accounts.find((a) => a.name === 'Coho Winery')!;
    const fourth = accounts.find((a) => a.name === 'Fourth Coffee')!;
    const state = h.acronis.state;
    state.tenants.get(coho.id)!.name = 'Coho Winery & Vineyards';
    const gone = state.tenants.get(fourth.id)!;
    gone.enabled = false;
    gone.deleted_at = Date.now();
    gone.updated_at = Date.now();

    rt = await h.runtime();
    const push = await runAccountPush(rt);
    expect(push.stats.accountsRenamed).toBe(2);
    const after = (await h.control('gradient', 'GET', '/accounts')).items as { id: string; name: string }[];
    expect(after.find((a) => a.id === coho.id)?.name).toBe('Coho Winery & Vineyards');
    expect(after.find((a) => a.id === fourth.id)?.name).toBe(`Fourth Coffee${DELETED_SUFFIX}`);
    const counts = await runCountPush(rt);
    const zero = counts.plan.filter((p) => p.accountId === fourth.id);
    expect(zero.length).toBeGreaterThan(0);
    expect(zero.every((p) => p.quantity === 0 && p.reason === 'tenant_deleted')).toBe(true);
    const fourthCount = ((await h.control('gradient', 'GET', '/counts')).items as { accountId: string; serviceId: string; unitCount: number }[]).find((c) => c.accountId === fourth.id && c.serviceId === ws.id);
    expect(fourthCount?.unitCount).toBe(0);
    // Once: the next pass posts nothing for it.
    expect((await runCountPush(rt)).plan.filter((p) => p.accountId === fourth.id)).toEqual([]);
  });

  it('alerts become tickets once per (tenant, type, resource, episode), delivery followed to success or failure with Gradient\'s errors', async () => {
    const rt = await h.runtime();
    await runAccountPush(rt);
    // Off by default, as in the shared ticket engine: nothing is sent and the stream is not read.
    const off = await runAlertPush(rt);
    expect(off.stats).toMatchObject({ raised: 0, seen: 0, off: true });
    await enableGradientTickets(h.store, h.integrationId);
    const first = await runAlertPush(rt);
    expect(first.stats.raised).toBeGreaterThan(3);
    // Deliveries start pending; the emulator processes on the second read, the loop reads again when due.
    await h.control('gradient', 'POST', '/alerts/process');
    // The next check is due after the backoff: a run an hour later reads the outcomes.
    const later = await runAlertPush(await h.runtime({ clock: () => new Date(Date.now() + 3_600_000) }));
    expect(later.stats.raised).toBe(0);
    const pushed = await rt.pushed.alerts(h.integrationId);
    expect(pushed.every((a) => a.state === 'delivered' || a.state === 'failed')).toBe(true);
    const failed = pushed.filter((a) => a.state === 'failed');
    // Alerts of the four accounts nobody mapped in Gradient fail, with Gradient's words.
    expect(failed.every((a) => a.errors[0]?.startsWith('No account map found with id:'))).toBe(true);
    const tickets = (await h.control('gradient', 'GET', '/tickets')).items as { alertId: string }[];
    expect(new Set(tickets.map((t) => t.alertId)).size).toBe(tickets.length);
    expect(tickets.length).toBe(pushed.filter((a) => a.state === 'delivered').length);
  });

  it('plans the end of an episode when the vendor dismisses its alert: a dry run shows it and writes nothing, the next pass applies it', async () => {
    const rt = await h.runtime();
    await runAccountPush(rt);
    await enableGradientTickets(h.store, h.integrationId);
    await runAlertPush(rt);
    const tenantId = (await rt.pushed.accounts(h.integrationId)).find((a) => !a.deleted)!.accountId;
    const alert = await h.control('acronis', 'POST', '/alerts', { tenant_id: tenantId, type: 'BackupFailed', details: { resourceId: 'episode-m1', resourceName: 'episode-m1-host' } });
    await runAlertPush(rt);
    const open = (await rt.pushed.alerts(h.integrationId)).filter((a) => a.tenantId === tenantId && a.clearedAt === null && a.title.includes('episode-m1-host'));
    expect(open).toHaveLength(1);
    await h.control('acronis', 'POST', `/alerts/${alert.id as string}/clear`);

    const dry = await runAlertPush(rt, { dryRun: true });
    expect(dry.plan.filter((p) => p.operation === 'clear').map((p) => p.alertId)).toEqual([open[0]!.alertId]);
    expect((await rt.pushed.alerts(h.integrationId)).find((a) => a.alertId === open[0]!.alertId)!.clearedAt).toBeNull();

    const applied = await runAlertPush(rt);
    expect(applied.plan.filter((p) => p.operation === 'clear').map((p) => p.alertId)).toEqual([open[0]!.alertId]);
    expect((await rt.pushed.alerts(h.integrationId)).find((a) => a.alertId === open[0]!.alertId)!.clearedAt).not.toBeNull();
  });

  it('bad input stops a pass with what to fix and loses nothing stored: regenerated key, 403 anomaly, truncated answer, 429 storm', async () => {
    const rt = await h.runtime();
    await runCountPush(rt);
    const before = { accounts: await rt.pushed.accounts(h.integrationId), services: await rt.pushed.services(h.integrationId), counts: await rt.pushed.counts(h.integrationId) };
    const unchanged = async () => {
      expect(await rt.pushed.accounts(h.integrationId)).toEqual(before.accounts);
      expect(await rt.pushed.services(h.integrationId)).toEqual(before.services);
      expect(await rt.pushed.counts(h.integrationId)).toEqual(before.counts);
    };
    await h.control('gradient', 'POST', '/organizations/regenerate-key');
    await expect(runCountPush(await h.runtime())).rejects.toThrow(/rejected the vendor key or the partner key .*regenerated/);
    await expect(runAccountPush(await h.runtime())).rejects.toThrow(/check both keys/);
    await unchanged();

    await h.control('gradient', 'POST', '/seed', { dataset: 'demo' });
    const fresh = await startGradientHubHarness(database);
    try {
      const frt = await fresh.runtime();
      await runAccountPush(frt);
      await fresh.control('gradient', 'PUT', '/limits', { anomaly: true });
      await expect(runCountPush(await fresh.runtime())).rejects.toThrow(/anomaly .*Contact Gradient support/);
      await fresh.control('gradient', 'PUT', '/limits', { anomaly: false });
      await fresh.control('gradient', 'POST', '/faults', { kind: 'malformed', path: '/api/vendor-api/organization/accounts', method: 'GET', count: 1 });
      const accountsBefore = await frt.pushed.accounts(fresh.integrationId);
      await expect(runAccountPush(await fresh.runtime())).rejects.toThrow(/Unexpected answer from Gradient GET \/organization\/accounts .*not valid JSON/);
      expect(await frt.pushed.accounts(fresh.integrationId)).toEqual(accountsBefore);
      await fresh.control('gradient', 'POST', '/faults', { kind: 'rate_limit', path: '/api/vendor-api', retryAfterSeconds: 0 });
      await expect(runAccountPush(await fresh.runtime())).rejects.toThrow(/rate limiting .*gave up after 4 attempts/);
      expect(await frt.pushed.accounts(fresh.integrationId)).toEqual(accountsBefore);
      // The storm passes; nothing was duplicated.
      await fresh.control('gradient', 'DELETE', '/faults');
      await runAccountPush(await fresh.runtime());
      expect(((await fresh.control('gradient', 'GET', '/accounts')).items as { copies: number }[]).every((a) => a.copies === 1)).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});
