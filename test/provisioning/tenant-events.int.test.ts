// The tenant events watch end to end, on both databases, over real HTTP (the Acronis and Autotask
// emulators, the hub as `serve` runs it with only the watch scheduled): a mapped tenant disabled and
// another renamed in Acronis show in the mapping list the portal reads within seconds, through the
// directory pass the Event Manager event triggers; a watch restarted after changes made while it
// was down resumes from its saved offset and applies them; Event Manager faults (500s, a data center
// without it) leave the scheduled passes working and the health green.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { startCwHub, type CwHub } from '../connectwise/hub.ts';
import { startAlertsHarness, type AlertsHarness } from '../alerts/harness.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { TENANT_EVENTS_LOOP } from '../../src/sync/tenant-events-watch.ts';
import { buildIntegrationRuntime } from '../../src/sync/integration-runtime.ts';

async function waitFor<T>(what: string, read: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Row {
  companyId: string;
  tenantId: string | null;
  tenantName: string | null;
  tenantEnabled: boolean | null;
}

describe.each(testDatabases())('tenant events on $name', (database) => {
  let h: AlertsHarness;
  let hub: CwHub | undefined;

  beforeEach(async () => {
    h = await startAlertsHarness(database, { customers: 3 });
    // Long-polls answer within a second here (the emulator's default hold is 20 s).
    await h.control('acronis', 'PUT', '/event-manager', { max_wait_ms: 1_000, retry_after_seconds: 0 });
    // The first directory pass, as the schedule would have run it: snapshots of every tenant.
    await runDirectoryLoop(await buildIntegrationRuntime(h.store, h.integrationId));
  });
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
    await h.close();
  });

  /** The hub with only the tenant events watch scheduled: every directory pass that runs is one an event triggered. */
  const startWatching = async () => {
    hub = await startCwHub(h.store, { tenantEvents: true });
    await hub.runner.schedule({ integrationId: h.integrationId, loop: TENANT_EVENTS_LOOP, every: { intervalMs: 5 * 60_000 } });
  };
  const rows = async (): Promise<Row[]> => {
    const res = await hub!.api<{ items: Row[] }>('GET', `/api/v1/integrations/${h.integrationId}/mappings?limit=100`);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const rowOf = async (tenantId: string) => (await rows()).find((r) => r.tenantId === tenantId);
  const subscribed = () => waitFor('the subscription', async () => ((await h.control('acronis', 'GET', '/event-manager')).subscriptions.length === 1 ? true : undefined));
  const runs = async (loop: string) => (await h.store.repos.loopRuns.list(h.integrationId, { loop })).filter((r) => r.status === 'succeeded').length;

  it('a tenant disabled and another renamed in Acronis show in the mapping list within seconds, with no scheduled pass', { timeout: 60_000 }, async () => {
    await startWatching();
    await subscribed();
    const [disabled, renamed] = [h.tenants[0]!, h.tenants[1]!];
    expect((await rowOf(disabled))?.tenantEnabled).toBe(true);

    let started = Date.now();
    await h.control('acronis', 'PATCH', `/tenants/${disabled}`, { enabled: false });
    await waitFor('the disabled tenant in the list', async () => ((await rowOf(disabled))?.tenantEnabled === false ? true : undefined));
    const disableMs = Date.now() - started;

    started = Date.now();
    const current = (await h.control('acronis', 'GET', `/tenants/${renamed}`)).tenant;
    const put = await fetch(`${h.acronis.url}/api/2/tenants/${renamed}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await acronisToken(h)}` },
      body: JSON.stringify({ name: 'Renamed In Acronis', version: current.version }),
    });
    expect(put.status).toBe(200);
    await waitFor('the renamed tenant in the list', async () => ((await rowOf(renamed))?.tenantName === 'Renamed In Acronis' ? true : undefined));
    console.log(`[tenant events/${database.name}] change in Acronis → mapping list: disable ${disableMs} ms, rename ${Date.now() - started} ms`);
    // Applied by passes the events triggered: nothing else is scheduled here.
    await waitFor('both triggered directory runs recorded', async () => ((await runs('directory')) >= 2 ? true : undefined));
    expect((await hub!.runner.schedules()).map((s) => s.loop)).toEqual([TENANT_EVENTS_LOOP]);
  });

  it('a restarted watch resumes from its saved offset and applies a change made while it was down', { timeout: 60_000 }, async () => {
    await startWatching();
    await subscribed();
    await h.control('acronis', 'PATCH', `/tenants/${h.tenants[0]!}`, { name: 'Before The Restart' });
    await waitFor('the first rename', async () => ((await rowOf(h.tenants[0]!))?.tenantName === 'Before The Restart' ? true : undefined));
    const saved = await h.store.repos.cursors.get(h.integrationId, 'tenant-events');
    expect(saved?.value).toBe(String((await h.control('acronis', 'GET', '/event-manager')).latest_offset));
    await hub!.close();
    hub = undefined;

    // While the hub is down: a change that only the event stream (or the next scheduled pass) would bring.
    await h.control('acronis', 'PATCH', `/tenants/${h.tenants[2]!}`, { enabled: false });
    const directoryRunsBefore = await runs('directory');
    await startWatching();
    await waitFor('the change made while down', async () => ((await rowOf(h.tenants[2]!))?.tenantEnabled === false ? true : undefined));
    expect(await runs('directory')).toBeGreaterThan(directoryRunsBefore);
    // Still one subscription: the restarted watch is the same consumer of the same subscription.
    expect((await h.control('acronis', 'GET', '/event-manager')).subscriptions).toHaveLength(1);
  });

  it('Event Manager faults: 500s and a data center without it leave the scheduled passes working and the health green', { timeout: 60_000 }, async () => {
    // A data center without an Event Manager: the topic offset answers 404.
    await h.control('acronis', 'POST', '/faults', { kind: 'status', status: 404, path: '/api/event_manager/v1/*' });
    await startWatching();
    await waitFor('the watch run that found no Event Manager', async () => ((await runs(TENANT_EVENTS_LOOP)) >= 1 ? true : undefined));
    const watchRun = (await h.store.repos.loopRuns.list(h.integrationId, { loop: TENANT_EVENTS_LOOP }))[0]!;
    expect(watchRun.stats).toMatchObject({ eventManager: 'unavailable' });
    expect(hub!.logs.filter((l) => l.includes('Event Manager unavailable'))).toHaveLength(1);

    // The scheduled directory pass still applies a tenant change.
    await h.control('acronis', 'PATCH', `/tenants/${h.tenants[1]!}`, { enabled: false });
    const pass = await hub!.runner.runNow(h.integrationId, 'directory');
    expect(pass.status).toBe('ok');
    expect((await rowOf(h.tenants[1]!))?.tenantEnabled).toBe(false);
    const health = await hub!.api<{ status: string }>('GET', `/api/v1/integrations/${h.integrationId}/health`);
    expect(health.status).toBe(200);
    expect(health.body.status).not.toMatch(/failed|degraded/);

    // 500s on the events route of a working Event Manager: the watch gives up quietly, passes go on.
    await h.control('acronis', 'DELETE', '/faults');
    await h.control('acronis', 'POST', '/faults', { kind: 'status', status: 500, path: '/api/event_manager/v1/events' });
    const second = await buildIntegrationRuntime(h.store, h.integrationId);
    const { watchTenantEvents } = await import('../../src/sync/tenant-events-watch.ts');
    const quiet = { info: () => {}, warn: () => {}, debug: () => {} };
    // A day later (past the back-off of the refusal above), with the events route failing.
    const later = () => Date.now() + 24 * 3_600_000;
    const stats = await watchTenantEvents(second, { runNow: async () => ({ status: 'ok', stats: {} }) }, { until: async () => later() + 60_000, runRequested: async () => false, signal: new AbortController().signal, log: quiet as never, now: later });
    expect(stats).toMatchObject({ eventManager: 'unavailable', ended: 'unavailable' });
    expect((await hub!.runner.runNow(h.integrationId, 'directory')).status).toBe('ok');
  });
});

async function acronisToken(h: AlertsHarness): Promise<string> {
  const res = await fetch(`${h.acronis.url}/api/2/idp/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${h.acronis.credentials.client_id}:${h.acronis.credentials.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
