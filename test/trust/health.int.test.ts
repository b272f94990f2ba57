// Health that tells the truth (issue "What was seen" 1), on both databases over real HTTP: a product
// mapping to a service the partner does not offer leaves companies failed, and the integrations list,
// the summary, the run-now answer, the problems list, /metrics and `psa-bridge status --json` all say
// failed with the count and the first reason; an Autotask threshold route answering 500 degrades an
// otherwise green integration everywhere, not only on the API-budget card.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { integrationSettings } from '../../src/sync/settings/settings.ts';
import { runCli } from '../support/cli.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { startCwHub, type CwHub } from '../connectwise/hub.ts';
import { startSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';

/** The partner stops offering virtual machines to its customers (status 0 on its items). */
function partnerStopsOffering(world: SyncWorld, itemNames: readonly string[]): void {
  const partner = world.acronis.state.tenants.get(world.acronis.partnerId)!;
  for (const [key, item] of partner.items) if (itemNames.includes(key.split('|')[0]!)) item.status = 0;
}

async function control(base: string, method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${base}/_emulator${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

describe.each(testDatabases())('integration health on $name', (db) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let url: string;
  let hub: CwHub;
  let world: SyncWorld;

  beforeEach(async () => {
    ({ store, cleanup, url } = await openTestStore(db));
    hub = await startCwHub(store);
    world = await startSyncWorld(store);
  });
  afterEach(async () => {
    await world.close();
    await hub.close();
    await cleanup();
  });

  it('companies left failed by a pass make the integration failed everywhere, with the count, the first reason and what to do', { timeout: 90_000 }, async () => {
    const id = world.integrationId;
    await integrationSettings(store.repos.settings).write(id, 'provisioning', { automaticProvisioning: true });
    partnerStopsOffering(world, ['pw_base_vms', 'vms']);
    expect((await hub.runner.runNow(id, 'directory')).status).toBe('ok');

    const ran = await hub.api('POST', `/api/v1/integrations/${id}/loops/provisioning/run`);
    expect(ran.status).toBe(200);
    // The runner's "ok" only means the pass returned; the verdict says what it left behind.
    expect(ran.body.status).toBe('ok');
    const failedCount = (await store.repos.mappings.countByState(id)).failed;
    expect(failedCount).toBeGreaterThan(0);
    expect(ran.body.verdict).toMatchObject({ status: 'failed', count: failedCount });
    expect(ran.body.verdict.reason).toMatch(/compan(y|ies) failed/);

    const summary = (await hub.api('GET', `/api/v1/integrations/${id}/summary`)).body;
    expect(summary.status).toBe('failed');
    expect(summary.health.reason).toMatch(new RegExp(`^${failedCount} compan(y is|ies are) failed and none of their changes were applied; first: "`));
    expect(summary.health.loops.find((l: { loop: string }) => l.loop === 'provisioning')).toMatchObject({ runStatus: 'succeeded', status: 'failed' });

    const listed = (await hub.api('GET', '/api/v1/integrations')).body.items.find((i: { id: string }) => i.id === id);
    expect(listed.health).toEqual(summary.health);

    const problems = (await hub.api('GET', `/api/v1/integrations/${id}/problems?severity=error`)).body.items;
    const notOffered = problems.filter((p: { code: string }) => p.code === 'item_not_available');
    expect(notOffered.length).toBe(failedCount);
    expect(notOffered[0]).toMatchObject({ service: 'Virtual machines', company: { name: expect.any(String) }, advice: expect.stringMatching(/Offer the service to customers in the partner tenant/) });

    const metrics = await (await fetch(`${hub.url}/metrics`, { headers: await hub.headers() })).text();
    expect(metrics).toContain('psa_bridge_integration_health{integration="emu-autotask",status="failed"} 1');
    expect(metrics).toContain('psa_bridge_integration_health{integration="emu-autotask",status="ok"} 0');
    expect(metrics).toMatch(new RegExp(`psa_bridge_integration_problems\\{integration="emu-autotask"\\} ${summary.health.count}\\b`));

    const env = { DATABASE_URL: url, PSA_BRIDGE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') };
    const status = await runCli(['status', '--json'], env);
    expect(status.code, status.stderr).toBe(0);
    const printed = JSON.parse(status.stdout);
    const integration = printed.integrations.find((i: { id: string }) => i.id === id);
    expect(integration.health).toEqual(summary.health);
    expect(integration.problems.filter((p: { code: string }) => p.code === 'item_not_available')).toHaveLength(failedCount);
    const table = await runCli(['status'], env);
    expect(table.stdout).toMatch(/emu-autotask\s+autotask\s+yes\s+failed\s+\d+\s+\d+ compan/);
    expect(table.stdout).toContain('Virtual machines');
    expect(table.stdout).toContain('Offer the service to customers in the partner tenant');
  });

  it('an API budget that answers 500 degrades an otherwise green integration in the list, the summary and /metrics', { timeout: 60_000 }, async () => {
    const id = world.integrationId;
    expect((await hub.runner.runNow(id, 'directory')).status).toBe('ok');
    expect((await hub.api('GET', `/api/v1/integrations/${id}/summary`)).body.status).toBe('ok');

    await control(world.autotask.url, 'POST', '/faults', { kind: 'status', status: 500, path: '/ATServicesRest/V1.0/ThresholdInformation' });
    const summary = (await hub.api('GET', `/api/v1/integrations/${id}/summary`)).body;
    expect(summary.apiBudgetError).toBeDefined();
    expect(summary.status).toBe('degraded');
    expect(summary.health.reasons).toEqual([expect.objectContaining({ level: 'degraded', source: 'api-budget', message: expect.stringMatching(/API budget could not be read/) })]);
    const listed = (await hub.api('GET', '/api/v1/integrations')).body.items.find((i: { id: string }) => i.id === id);
    expect(listed.health.status).toBe('degraded');
    expect(await (await fetch(`${hub.url}/metrics`, { headers: await hub.headers() })).text()).toContain('psa_bridge_integration_health{integration="emu-autotask",status="degraded"} 1');

    // Read again once the route answers: the signal clears.
    await control(world.autotask.url, 'DELETE', '/faults');
    expect((await hub.api('GET', `/api/v1/integrations/${id}/summary`)).body.status).toBe('ok');
    expect((await hub.api('GET', `/api/v1/integrations/${id}/health`)).body).toMatchObject({ status: 'ok', count: 0, reason: null });
  });
});
