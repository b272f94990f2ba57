// The mapping actions through the HTTP API and the CLI, against the Acronis and CloudBlue emulators.
import { afterEach, describe, expect, it } from 'vitest';
import { startAcronisEmulator } from '../../emulators/acronis/server.ts';
import { startCloudBlueEmulator } from '../../emulators/cloudblue/server.ts';
import { runCli } from '../support/cli.ts';
import { openTestStore, TEST_SECRET_KEY, testDatabases } from '../support/databases.ts';
import { useCloudBlueHub } from './hub.ts';

describe.each(testDatabases())('mapping API and CLI on $name', (database) => {
  const world = useCloudBlueHub(database);
  // Registered after the world's hooks, so it runs before they close the hub.
  afterEach(async () => {
    await world.hub.settle(world.integrationId);
  });

  const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    world.hub.app.inject({ method, url: `/api/v1/integrations/${world.integrationId}${url}`, headers: world.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const tenantId = (name: string) => [...world.acronis.state.tenants.values()].find((t) => t.name === name)!.id;

  it('lists, maps (409 on a taken tenant), maps to new in the background, and proposes marketplace pairs', async () => {
    const list = await call('GET', '/mappings?search=wingtip');
    expect(list.statusCode).toBe(200);
    const wingtip = list.json().items[0];
    expect(wingtip).toMatchObject({ companyName: 'Wingtip Toys', companyStatus: 'Active', stateLabel: 'Not mapped' });
    // Opening the mapping screen the first time ran the marketplace wizard by itself: proposals are ready.
    await world.hub.settle(world.integrationId);
    expect((await call('GET', '/mappings?search=wingtip')).json().items[0]).toMatchObject({ stateLabel: 'Ready for mapping', tenantName: 'Wingtip Toys' });
    expect((await world.hub.store.repos.auditLog.list({ subjectId: world.integrationId })).filter((e) => e.action === 'marketplace.first_run')).toHaveLength(1);
    expect((await call('POST', `/mappings/${wingtip.companyId}/map`, { tenantId: tenantId('Wingtip Toys') })).json()).toMatchObject({ state: 'mapped', tenantName: 'Wingtip Toys' });
    const fourth = (await call('GET', '/mappings?search=Fourth%20Coffee')).json().items[0];
    const taken = await call('POST', `/mappings/${fourth.companyId}/map`, { tenantId: tenantId('Wingtip Toys') });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: 'tenant_already_mapped', message: expect.stringContaining('already mapped to "Wingtip Toys"') });
    // Trey Research manages itself (ancestral_access false in the demo): refused with the reason.
    const selfService = await call('POST', `/mappings/${fourth.companyId}/map`, { tenantId: tenantId('Trey Research') });
    expect(selfService.statusCode).toBe(409);
    expect(selfService.json().error).toMatchObject({ code: 'tenant_unmanageable', message: expect.stringContaining('self-service') });
    expect((await call('POST', `/mappings/${fourth.companyId}/map`, { tenantId: tenantId('Fourth Coffee') })).statusCode).toBe(200);

    const wilbur = (await call('GET', '/mappings?search=wilbur')).json().items[0];
    const saved = await call('POST', `/mappings/${wilbur.companyId}/map-new`);
    expect(saved.statusCode).toBe(202);
    expect(saved.json()).toMatchObject({ message: 'The mapping has been saved', pending: true });
    await world.hub.settle(world.integrationId);
    expect((await call('GET', '/mappings?search=wilbur')).json().items[0]).toMatchObject({ stateLabel: 'Mapped', tenantName: 'Wilbur', pending: false });
    expect([...world.acronis.state.tenants.values()].filter((t) => t.name === 'Wilbur')).toHaveLength(1);

    const bulkOut = await call('POST', '/mappings/bulk', { items: [{ action: 'unlink', companyId: wingtip.companyId }, { action: 'apply', companyId: wingtip.companyId }] });
    expect(bulkOut.json().items.map((i: { ok: boolean }) => i.ok)).toEqual([true, false]);

    const matches = (await call('GET', '/marketplace-matches')).json();
    expect(matches.proposals.map((p: { companyName: string }) => p.companyName)).toContain('Coho Winery Ltd.');
    const coho = matches.proposals.find((p: { companyName: string }) => p.companyName === 'Coho Winery Ltd.');
    const confirmed = await call('POST', '/marketplace-matches', { pairs: [{ companyId: coho.companyId, tenantId: coho.tenantId }] });
    expect(confirmed.json().items).toEqual([{ companyId: coho.companyId, tenantId: coho.tenantId, ok: true }]);
    expect((await call('GET', '/mappings?state=mapped&limit=100')).json().items.map((r: { companyName: string }) => r.companyName)).toEqual(['Coho Winery Ltd.', 'Fourth Coffee', 'Wilbur']);
    expect((await call('GET', '/mappings?state=bogus')).statusCode).toBe(400);
  });

});

describe.each(testDatabases())('mappings CLI on $name', (database) => {
  it('lists, maps to new (waiting for the tenant) and unlinks', async () => {
    const acronis = await startAcronisEmulator({ port: 0, seed: 'demo' });
    const cloudblue = await startCloudBlueEmulator({ port: 0, seed: 'demo' });
    const { store, url, cleanup } = await openTestStore(database);
    try {
      const connection = await store.repos.connections.create({ name: 'dc', baseUrl: acronis.url, clientId: acronis.credentials.client_id, clientSecret: acronis.credentials.client_secret, tenantId: acronis.partnerId });
      await store.repos.integrations.create({ name: 'cb', connectionId: connection.id, target: 'cloudblue', credentials: { siteUrl: cloudblue.url, apiKey: cloudblue.credentials.api_key } });
      const env = { DATABASE_URL: url, PSA_BRIDGE_SECRET_KEY: TEST_SECRET_KEY.toString('hex') };
      const list = await runCli(['mappings', 'list', 'cb', '--search', 'Smart Fabrics', '--json'], env);
      expect(list.stderr).toBe('');
      const smart = JSON.parse(list.stdout).items[0];
      expect(smart).toMatchObject({ companyName: 'Smart Fabrics', stateLabel: 'Not mapped' });
      const made = await runCli(['mappings', 'map-new', 'cb', smart.companyId], env);
      expect(made.stdout).toMatch(/Smart Fabrics\s+mapped\s+Smart Fabrics/);
      const table = await runCli(['mappings', 'list', 'cb', '--state', 'mapped'], env);
      expect(table.stdout).toMatch(/Smart Fabrics.*Active.*Mapped.*Smart Fabrics/);
      const unlinked = await runCli(['mappings', 'unlink', 'cb', smart.companyId], env);
      expect(unlinked.stdout).toMatch(/is unlinked/);
      const refused = await runCli(['mappings', 'map', 'cb', smart.companyId, 'no-such-tenant'], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/no customer tenant no-such-tenant/);
      const audit = await store.repos.auditLog.list({});
      expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['mapping.map_new', 'mapping.tenant_created', 'mapping.unlink']));
      expect(audit.find((e) => e.action === 'mapping.unlink')?.actor).toMatch(/^cli:/);
    } finally {
      await cleanup();
      await acronis.close();
      await cloudblue.close();
    }
  }, 60_000);
});
